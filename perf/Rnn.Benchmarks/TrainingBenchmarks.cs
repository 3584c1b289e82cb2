using BenchmarkDotNet.Attributes;
using Rnn.Benchmarks.Infrastructure;
using Rnn.Benchmarks.Ours;
using Rnn.Benchmarks.Peers;

namespace Rnn.Benchmarks;

/// <summary>
/// One char-rnn training step (see <see cref="CharRnnWorkload"/>): 64 × 32 = 2,048 characters through forward,
/// backward, clipping and Adam, on 1 and 2 threads (ours: that many data-parallel shards; libtorch: that many
/// intra-op threads), in the tuned-malloc job and in a job with glibc's defaults. Ours is the baseline
/// (Ratio = peer / ours); chars/s = 2,048 / median.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(TrainingConfig))]
// ~60 warm-up steps: with the suite's 4 warm-up iterations (~10 steps) the methods run once per step have not reached
// tiered compilation's optimised code yet, which cost our 2-thread step 25-50 % (measured 49-58 vs 38.5 ms).
[WarmupCount(30)]
public class TrainingBenchmarks
{
    private const int Chunks = 4;
    private ITrainingRunner _runner = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup(Target = nameof(Ours))]
    public void SetupOurs() => _runner = new OurTrainingRunner(new CharRnnWorkload(Chunks), Threads);

    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorchSharp() => _runner = new TorchSharpTrainingRunner(new CharRnnWorkload(Chunks), Threads);

    [GlobalCleanup]
    public void Cleanup() => _runner.Dispose();

    [Benchmark(Baseline = true)]
    public double Ours() => _runner.Step();

    [Benchmark]
    public double TorchSharp() => _runner.Step();
}
