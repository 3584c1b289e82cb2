using BenchmarkDotNet.Running;

namespace Rnn.Benchmarks.Infrastructure;

/// <summary>
/// FLOPs of one benchmark call, from its class and parameters: only the matrix products count (gate
/// element-wise work is O(H) against O(H·(I+H))), so GFLOP/s compares like with like across implementations.
/// </summary>
internal static class FlopCounts
{
    public static double? Of(BenchmarkCase benchmarkCase)
    {
        var p = benchmarkCase.Parameters;
        Type type = benchmarkCase.Descriptor.Type; // the peers project's classes derive from these
        if (typeof(StepBenchmarks).IsAssignableFrom(type))
        {
            int size = (int)p[nameof(StepBenchmarks.Size)];
            return RnnWeights.StepFlops((CellType)p[nameof(StepBenchmarks.Cell)], size, size);
        }
        if (typeof(SequenceBenchmarks).IsAssignableFrom(type))
            return SequenceBenchmarks.SequenceLength * (int)p[nameof(SequenceBenchmarks.Batch)]
                * RnnWeights.StepFlops(CellType.Lstm, SequenceBenchmarks.Size, SequenceBenchmarks.Size);
        if (typeof(KernelBenchmarks).IsAssignableFrom(type))
            return 2.0 * (int)p[nameof(KernelBenchmarks.M)] * KernelBenchmarks.K * KernelBenchmarks.N;
        if (typeof(GemvLayoutBenchmarks).IsAssignableFrom(type))
            return 2.0 * GemvLayoutBenchmarks.K * (int)p[nameof(GemvLayoutBenchmarks.N)];
        if (typeof(TrainingBenchmarks).IsAssignableFrom(type))
            return CharRnnWorkload.TrainingFlops;
        return null;
    }
}
