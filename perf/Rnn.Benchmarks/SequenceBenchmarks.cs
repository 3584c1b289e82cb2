using BenchmarkDotNet.Attributes;
using Rnn.Benchmarks.Infrastructure;

namespace Rnn.Benchmarks;

/// <summary>
/// Whole sequence, one LSTM layer, input = hidden = 256, 100 steps, from zero state, all outputs written:
/// x (100, B, 256) → y (100, B, 256). Ours is the baseline (Ratio = peer / ours).
/// </summary>
[MemoryDiagnoser]
public class SequenceBenchmarks
{
    public const int Size = 256;
    public const int SequenceLength = 100;

    [Params(1, 16, 64)]
    public int Batch { get; set; }

    private ISequenceRunner _runner = null!;

    [GlobalSetup(Target = nameof(Ours))]
    public void SetupOurs() => Setup(Implementation.Ours);

    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnxRuntime() => Setup(Implementation.OnnxRuntime);

    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorchSharp() => Setup(Implementation.TorchSharp);

    /// <summary>Our session with bfloat16 recurrent weights (opt-in; outputs ~1e-3 from float32's, so not in --verify).</summary>
    [GlobalSetup(Target = nameof(OursBf16))]
    public void SetupOursBf16() => Setup(null);

    private void Setup(Implementation? impl)
    {
        var w = RnnWeights.Random(CellType.Lstm, Size, Size);
        _runner = impl is { } i
            ? Runners.CreateSequence(i, w, SequenceLength, Batch)
            : new Ours.OurSequenceRunner(w, SequenceLength, Batch, Rnn.Runtime.Kernels.WeightPrecision.BFloat16);
        var x = new float[SequenceLength * Batch * Size];
        RnnWeights.Fill(x, new Random(5), 1f);
        _runner.SetInput(x);
    }

    [GlobalCleanup]
    public void Cleanup() => _runner.Dispose();

    [Benchmark(Baseline = true)]
    public void Ours() => _runner.Run();

    [Benchmark]
    public void OursBf16() => _runner.Run();

    [Benchmark]
    public void OnnxRuntime() => _runner.Run();

    [Benchmark]
    public void TorchSharp() => _runner.Run();
}
