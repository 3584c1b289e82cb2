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
        switch (benchmarkCase.Descriptor.Type.Name)
        {
            case nameof(StepBenchmarks):
                {
                    int size = (int)p[nameof(StepBenchmarks.Size)];
                    return RnnWeights.StepFlops((CellType)p[nameof(StepBenchmarks.Cell)], size, size);
                }
            case nameof(SequenceBenchmarks):
                return SequenceBenchmarks.SequenceLength * (int)p[nameof(SequenceBenchmarks.Batch)]
                    * RnnWeights.StepFlops(CellType.Lstm, SequenceBenchmarks.Size, SequenceBenchmarks.Size);
            case nameof(KernelBenchmarks):
                return 2.0 * (int)p[nameof(KernelBenchmarks.M)] * KernelBenchmarks.K * KernelBenchmarks.N;
            case nameof(GemvLayoutBenchmarks):
                return 2.0 * GemvLayoutBenchmarks.K * (int)p[nameof(GemvLayoutBenchmarks.N)];
            case nameof(TrainingBenchmarks):
                return CharRnnWorkload.TrainingFlops;
            default:
                return null;
        }
    }
}
