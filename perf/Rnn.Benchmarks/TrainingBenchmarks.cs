using BenchmarkDotNet.Attributes;
using Rnn.Benchmarks.Infrastructure;
using Rnn.Benchmarks.Ours;

namespace Rnn.Benchmarks;

/// <summary>
/// One char-rnn training step (see <see cref="CharRnnWorkload"/>): 64 × 32 = 2,048 characters through forward,
/// backward, clipping and Adam, on 1 and 2 threads (ours: that many data-parallel shards). Ours is the baseline
/// (Ratio = other row / ours); chars/s = 2,048 / median. The peers project derives from this class (libtorch rows).
/// </summary>
[MemoryDiagnoser]
// ~60 warm-up steps: with the suite's 4 warm-up iterations (~10 steps) the methods run once per step have not reached
// tiered compilation's optimised code yet, which cost our 2-thread step 25-50 % (measured 49-58 vs 38.5 ms).
[WarmupCount(30)]
public class TrainingBenchmarks
{
    /// <summary>Chunks of data cycled through (state carried between them).</summary>
    internal const int Chunks = 4;

    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>The runner the current row times.</summary>
    internal ITrainingRunner Runner { get; set; } = null!;

    [GlobalSetup(Target = nameof(Ours))]
    public void SetupOurs() => Runner = new OurTrainingRunner(new CharRnnWorkload(Chunks), Threads);

    [GlobalCleanup]
    public void Cleanup() => Runner.Dispose();

    [Benchmark(Baseline = true)]
    public double Ours() => Runner.Step();
}
