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

    private void Setup(Implementation impl)
    {
        var w = RnnWeights.Random(CellType.Lstm, Size, Size);
        _runner = Runners.CreateSequence(impl, w, SequenceLength, Batch);
        var x = new float[SequenceLength * Batch * Size];
        RnnWeights.Fill(x, new Random(5), 1f);
        _runner.SetInput(x);
    }

    [GlobalCleanup]
    public void Cleanup() => _runner.Dispose();

    [Benchmark(Baseline = true)]
    public void Ours() => _runner.Run();

    [Benchmark]
    public void OnnxRuntime() => _runner.Run();

    [Benchmark]
    public void TorchSharp() => _runner.Run();
}
