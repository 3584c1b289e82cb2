using Rnn.Runtime;

namespace Rnn.Cli.Commands.Bench;

/// <summary>
/// One workload's figures in a report: every sample (mean nanoseconds per operation over a batch of operations),
/// not only a summary, so that <c>rnn bench compare</c> can run a rank test on them. Fields other than
/// <see cref="Name"/> and <see cref="Samples"/> describe the run and may be absent in files from other tools.
/// </summary>
internal sealed record WorkloadResult
{
    public required string Name { get; init; }
    public string? Kind { get; init; }
    public string? Cell { get; init; }
    public int Input { get; init; }
    public int Hidden { get; init; }
    public int Layers { get; init; }
    public int Batch { get; init; }
    public int SequenceLength { get; init; }
    public string? Precision { get; init; }
    public string? Kernel { get; init; }
    public int OpsPerSample { get; init; }
    public double[] Samples { get; init; } = [];
    public double AllocBytesPerOp { get; init; } = double.NaN;

    /// <summary>Why the workload has no samples (it could not be built here), or null.</summary>
    public string? Error { get; init; }

    /// <summary>The median of <see cref="Samples"/> in nanoseconds, NaN without samples.</summary>
    public double Median
    {
        get
        {
            if (Samples.Length == 0) return double.NaN;
            double[] sorted = (double[])Samples.Clone();
            Array.Sort(sorted);
            int n = sorted.Length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }

    public static WorkloadResult Measured(SuiteWorkload w, string kernel, int opsPerSample, double[] samples, double allocBytesPerOp) =>
        Describe(w) with { Kernel = kernel, OpsPerSample = opsPerSample, Samples = samples, AllocBytesPerOp = allocBytesPerOp };

    public static WorkloadResult Failed(SuiteWorkload w, string error) => Describe(w) with { Error = error };

    private static WorkloadResult Describe(SuiteWorkload w) => new()
    {
        Name = w.Name,
        Kind = w.Kind.ToString().ToLowerInvariant(),
        Cell = w.Cell.ToName(),
        Input = w.InputSize,
        Hidden = w.Hidden,
        Layers = w.Layers,
        Batch = w.Batch,
        SequenceLength = w.SequenceLength,
        Precision = BenchPrecisions.Name(w.Precision),
    };
}
