using BenchmarkDotNet.Attributes;
using Rnn.Benchmarks.Infrastructure;

namespace Rnn.Benchmarks;

/// <summary>
/// Streaming step, batch 1, input = hidden = Size: h, c ← cell(x, h, c) with the state kept between calls.
/// Ours is the baseline, so Ratio = peer time / our time (above 1: we are faster).
/// Each target builds only its own runner, so a process never loads a peer it does not time.
/// </summary>
[MemoryDiagnoser]
public class StepBenchmarks
{
    [Params(CellType.Lstm, CellType.Gru)]
    public CellType Cell { get; set; }

    [Params(128, 256, 512)]
    public int Size { get; set; }

    private IStepRunner _runner = null!;

    [GlobalSetup(Target = nameof(Ours))]
    public void SetupOurs() => Setup(Implementation.Ours);

    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnxRuntime() => Setup(Implementation.OnnxRuntime);

    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorchSharp() => Setup(Implementation.TorchSharp);

    /// <summary>Our stream with bfloat16 weights (opt-in; outputs ~1e-3 from float32's, so not in --verify).</summary>
    [GlobalSetup(Target = nameof(OursBf16))]
    public void SetupOursBf16() => Setup(null);

    private void Setup(Implementation? impl)
    {
        var w = RnnWeights.Random(Cell, Size, Size);
        _runner = impl is { } i ? Runners.CreateStep(i, w) : new Ours.OurStepRunner(w, precision: Rnn.Runtime.Kernels.WeightPrecision.BFloat16);
        var x = new float[Size];
        RnnWeights.Fill(x, new Random(5), 1f);
        _runner.SetInput(x);
    }

    [GlobalCleanup]
    public void Cleanup() => _runner.Dispose();

    [Benchmark(Baseline = true)]
    public void Ours() => _runner.Step();

    [Benchmark]
    public void OursBf16() => _runner.Step();

    [Benchmark]
    public void OnnxRuntime() => _runner.Step();

    [Benchmark]
    public void TorchSharp() => _runner.Step();
}
