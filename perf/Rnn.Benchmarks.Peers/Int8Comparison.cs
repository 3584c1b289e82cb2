using System.Diagnostics;
using Rnn.Benchmarks.Infrastructure;
using Rnn.Benchmarks.Ours;
using Rnn.Runtime;

namespace Rnn.Benchmarks.Peers;

/// <summary>
/// <c>--int8</c>: our int8 LSTM (stream step and whole sequence) beside ONNX Runtime's <c>DynamicQuantizeLSTM</c> and
/// both float32 runtimes, in one process. First each int8 runtime's outputs are checked against our float32 ones (the
/// same weights and inputs; the bound is the int8 tests' 0.03); then every runner is timed in alternating rounds and
/// the medians printed. BenchmarkDotNet would run each row in its own process; alternating rounds in one process is
/// what keeps the comparison fair on a machine whose load changes by the minute.
/// </summary>
internal static class Int8Comparison
{
    private const float Bound = 0.03f;
    private const int Rounds = 101;

    public static int Run()
    {
        bool ok = true;
        Console.WriteLine($"int8 comparison, LSTM, I = H, batch 1; load {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (int size in new[] { 128, 256, 512 })
        {
            var w = RnnWeights.Random(CellType.Lstm, size, size);
            var x = new float[size];
            RnnWeights.Fill(x, new Random(5), 1f);
            var runners = new (string Name, IStepRunner Runner)[]
            {
                ("ours f32", new OurStepRunner(w)),
                ("ours int8", new OurStepRunner(w, precision: WeightPrecision.Int8)),
                ("ORT f32", new OnnxRuntimeStepRunner(w)),
                ("ORT DynamicQuantizeLSTM", new OnnxRuntimeStepRunner(w, quantized: true)),
            };
            ok &= CheckSteps(size, x, runners);
            Time($"step H = {size}", runners.Select(r => (r.Name, (Action)r.Runner.Step)).ToArray(), Math.Max(50, 2_000_000 / (size * size)));
            foreach (var (_, r) in runners) r.Dispose();
        }
        {
            const int T = 100, size = 256;
            var w = RnnWeights.Random(CellType.Lstm, size, size);
            var x = new float[T * size];
            RnnWeights.Fill(x, new Random(5), 1f);
            var runners = new (string Name, ISequenceRunner Runner)[]
            {
                ("ours f32", new OurSequenceRunner(w, T, 1)),
                ("ours int8", new OurSequenceRunner(w, T, 1, WeightPrecision.Int8)),
                ("ORT f32", new OnnxRuntimeSequenceRunner(w, T, 1)),
                ("ORT DynamicQuantizeLSTM", new OnnxRuntimeSequenceRunner(w, T, 1, quantized: true)),
            };
            var expected = new float[T * size];
            var y = new float[T * size];
            foreach (var (_, r) in runners) r.SetInput(x);
            runners[0].Runner.Run();
            runners[0].Runner.CopyOutput(expected);
            for (int i = 1; i < runners.Length; i++)
            {
                runners[i].Runner.Run();
                runners[i].Runner.CopyOutput(y);
                ok &= Report($"sequence H = {size}, T = {T}: {runners[i].Name}", expected, y);
            }
            // The very .onnx file ONNX Runtime's quantized rows run, loaded here (RnnModel.Load reads DynamicQuantizeLSTM
            // and dequantizes W and R): our float32 run of it against ONNX Runtime's int8 run of it.
            using (var fromQuantizedFile = new OurSequenceRunner(w, T, 1, format: ModelFormat.QuantizedOnnx))
            {
                fromQuantizedFile.SetInput(x);
                fromQuantizedFile.Run();
                fromQuantizedFile.CopyOutput(expected);
                runners[3].Runner.CopyOutput(y);
                ok &= Report($"sequence H = {size}, T = {T}: ORT DynamicQuantizeLSTM", expected, y, "ours float32 on the same DynamicQuantizeLSTM .onnx");
            }
            Time($"sequence H = {size}, T = {T}", runners.Select(r => (r.Name, (Action)r.Runner.Run)).ToArray(), 5);
            foreach (var (_, r) in runners) r.Dispose();
        }
        Console.WriteLine($"load {File.ReadAllText("/proc/loadavg").Trim()}");
        return ok ? 0 : 1;
    }

    /// <summary>Twenty steps from zero state on the same input: each runner's h against our float32 h.</summary>
    private static bool CheckSteps(int size, float[] x, (string Name, IStepRunner Runner)[] runners)
    {
        var expected = new float[size];
        var h = new float[size];
        bool ok = true;
        foreach (var (name, r) in runners)
        {
            r.Reset();
            r.SetInput(x);
            for (int s = 0; s < 20; s++) r.Step();
            if (name == runners[0].Name) { r.CopyOutput(expected); continue; }
            r.CopyOutput(h);
            ok &= Report($"step H = {size}, 20 steps: {name}", expected, h);
        }
        return ok;
    }

    private static bool Report(string what, float[] expected, float[] actual, string against = "ours f32")
    {
        double max = 0, sum = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs((double)actual[i] - expected[i]);
            max = Math.Max(max, d);
            sum += d;
        }
        bool ok = max <= Bound;
        Console.WriteLine($"  {what} vs {against}: max abs diff {max:E2}, mean {sum / expected.Length:E2} {(ok ? "ok" : $"OVER {Bound}")}");
        return ok;
    }

    /// <summary>Rounds of <paramref name="calls"/> calls per runner, runners alternating; medians per call.</summary>
    private static void Time(string what, (string Name, Action Call)[] runners, int calls)
    {
        var samples = new double[runners.Length][];
        for (int i = 0; i < runners.Length; i++) samples[i] = new double[Rounds];
        foreach (var (_, call) in runners) for (int i = 0; i < calls; i++) call(); // warm-up
        for (int round = 0; round < Rounds; round++)
            for (int i = 0; i < runners.Length; i++)
            {
                Action call = runners[i].Call;
                long start = Stopwatch.GetTimestamp();
                for (int c = 0; c < calls; c++) call();
                samples[i][round] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / calls;
            }
        Console.WriteLine($"{what} (median of {Rounds} rounds of {calls} calls, µs):");
        double ours = Median(samples[1]);
        for (int i = 0; i < runners.Length; i++)
        {
            double median = Median(samples[i]);
            Console.WriteLine($"  {runners[i].Name,-26} {median,10:F2}  (min {samples[i].Min():F2})  {median / ours,6:F2}x ours int8");
        }
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}
