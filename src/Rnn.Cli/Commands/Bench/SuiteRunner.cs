using System.Diagnostics;

namespace Rnn.Cli.Commands.Bench;

/// <summary>How long the suite warms up and how many samples it takes per workload.</summary>
internal sealed record SuiteSettings(int Samples, double SampleMilliseconds, double WarmupMilliseconds, int WarmupOps)
{
    /// <summary>~30-60 s for the standard suite on one core: 25 samples of ~20 ms after ≥ 300 ms and ≥ 50 operations
    /// of warm-up (tiered compilation needs tens of calls of the slowest operations, a training step, to settle).</summary>
    public static SuiteSettings Default { get; } = new(Samples: 25, SampleMilliseconds: 20, WarmupMilliseconds: 300, WarmupOps: 50);

    /// <summary>--quick: a smoke run (10 samples of ~10 ms); enough to see a large change, too few for a small one.</summary>
    public static SuiteSettings Quick { get; } = new(Samples: 10, SampleMilliseconds: 10, WarmupMilliseconds: 100, WarmupOps: 10);
}

/// <summary>Runs suite workloads: timed (samples of the mean time per operation) or fixed (for instruction counts).</summary>
internal static class SuiteRunner
{
    /// <summary>
    /// Times one workload: warm-up, then <see cref="SuiteSettings.Samples"/> samples, each the mean nanoseconds per
    /// operation over a batch of operations sized to take about <see cref="SuiteSettings.SampleMilliseconds"/>.
    /// A workload that cannot be built (a precision without a session, say) is reported with its error, not fatal.
    /// </summary>
    public static WorkloadResult Time(SuiteWorkload workload, SuiteSettings settings)
    {
        IBenchOperation op;
        try { op = workload.Create(); }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or PlatformNotSupportedException)
        {
            return WorkloadResult.Failed(workload, e.Message);
        }
        using (op)
        {
            // Warm-up until both enough time and enough calls have passed (tiered compilation counts calls).
            long start = Stopwatch.GetTimestamp();
            int warmOps = 0;
            while (warmOps < settings.WarmupOps || Stopwatch.GetElapsedTime(start).TotalMilliseconds < settings.WarmupMilliseconds)
            {
                op.Run();
                warmOps++;
            }
            // Size the samples from the last few warm-up operations (the first ones ran unoptimised code).
            int probe = Math.Max(1, warmOps / 4);
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < probe; i++) op.Run();
            double opMilliseconds = Stopwatch.GetElapsedTime(t0).TotalMilliseconds / probe;
            int opsPerSample = (int)Math.Clamp(Math.Round(settings.SampleMilliseconds / Math.Max(opMilliseconds, 1e-6)), 1, 1_000_000);

            var samples = new double[settings.Samples];
            double toNanoseconds = 1e9 / Stopwatch.Frequency;
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            for (int s = 0; s < samples.Length; s++)
            {
                long begin = Stopwatch.GetTimestamp();
                for (int i = 0; i < opsPerSample; i++) op.Run();
                samples[s] = (Stopwatch.GetTimestamp() - begin) * toNanoseconds / opsPerSample;
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            return WorkloadResult.Measured(workload, op.KernelPath.ToString(), opsPerSample, samples,
                (double)allocated / ((long)opsPerSample * samples.Length));
        }
    }

    /// <summary>
    /// For instruction counting: builds the workload, runs two warm-up operations, then exactly
    /// <paramref name="ops"/> operations, with no clock read and nothing else in between. Two runs that differ only in
    /// <paramref name="ops"/> differ in instructions by exactly that many operations' worth.
    /// </summary>
    public static string RunFixed(SuiteWorkload workload, int ops)
    {
        using IBenchOperation op = workload.Create();
        op.Run();
        op.Run();
        for (int i = 0; i < ops; i++) op.Run();
        return op.KernelPath.ToString();
    }
}
