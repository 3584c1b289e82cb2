using BenchmarkDotNet.Attributes;
using Rnn.Benchmarks.Infrastructure;
using Rnn.Benchmarks.Ours;
using Rnn.Benchmarks.Peers;

namespace Rnn.Benchmarks;

/// <summary>
/// One char-rnn training step (see <see cref="CharRnnWorkload"/>): 64 × 32 = 2,048 characters through forward,
/// backward, clipping and Adam, one thread. Ours is the baseline (Ratio = peer / ours); chars/s = 2,048 / median.
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private const int Chunks = 4;
    private ITrainingRunner _runner = null!;

    [GlobalSetup(Target = nameof(Ours))]
    public void SetupOurs() => _runner = new OurTrainingRunner(new CharRnnWorkload(Chunks));

    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorchSharp() => _runner = new TorchSharpTrainingRunner(new CharRnnWorkload(Chunks));

    [GlobalCleanup]
    public void Cleanup() => _runner.Dispose();

    [Benchmark(Baseline = true)]
    public double Ours() => _runner.Step();

    [Benchmark]
    public double TorchSharp() => _runner.Step();
}
