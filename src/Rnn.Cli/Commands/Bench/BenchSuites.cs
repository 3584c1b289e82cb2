using Rnn.Runtime;
using Rnn.Runtime.Kernels;

namespace Rnn.Cli.Commands.Bench;

/// <summary>
/// The fixed workload sets of <c>rnn bench --suite NAME</c>. A workload's name fixes its work, so suites may share
/// workloads, and adding one to a suite leaves every other workload's figures comparable with older runs.
/// </summary>
internal static class BenchSuites
{
    public const string Standard = "standard";
    public const string Gate = "gate";

    public static readonly string[] Names = [Standard, Gate];

    public static IReadOnlyList<SuiteWorkload> Get(string name) => name.ToLowerInvariant() switch
    {
        Standard => StandardWorkloads(),
        Gate => GateWorkloads(),
        _ => throw new UsageException($"--suite '{name}' is not a suite: expected {string.Join(" or ", Names)}."),
    };

    /// <summary>
    /// Batch-1 steps of every cell at H = 128/256/512 in every precision; LSTM sequences (H = 256, T = 100) at batch
    /// 1/16/64 in every precision; the char-rnn training step (2×256 LSTM, embedding 64, T = 64, B = 32).
    /// </summary>
    private static List<SuiteWorkload> StandardWorkloads()
    {
        var list = new List<SuiteWorkload>();
        foreach (CellKind cell in new[] { CellKind.Lstm, CellKind.Gru, CellKind.RnnTanh })
            foreach (int hidden in new[] { 128, 256, 512 })
                foreach (WeightPrecision precision in BenchPrecisions.All)
                    list.Add(new SuiteWorkload(WorkloadKind.Step, cell, hidden, Batch: 1, precision));
        foreach (int batch in new[] { 1, 16, 64 })
            foreach (WeightPrecision precision in BenchPrecisions.All)
                list.Add(new SuiteWorkload(WorkloadKind.Sequence, CellKind.Lstm, 256, batch, precision, SequenceLength: 100));
        list.Add(CharRnnTraining);
        return list;
    }

    /// <summary>The char-rnn training step of peers.md.</summary>
    public static SuiteWorkload CharRnnTraining { get; } =
        new(WorkloadKind.Train, CellKind.Lstm, 256, Batch: 32, WeightPrecision.Float32, SequenceLength: 64, Layers: 2, Input: 64);

    /// <summary>
    /// Small workloads for the instruction-count gate (.ci/perf-gate): each kind of hot loop at sizes that run a few
    /// seconds under valgrind. Every cell's step, each precision's step, a batched float32 and int8 sequence and a small
    /// training step.
    /// </summary>
    private static List<SuiteWorkload> GateWorkloads()
    {
        var list = new List<SuiteWorkload>();
        foreach (CellKind cell in new[] { CellKind.Lstm, CellKind.Gru, CellKind.RnnTanh })
            list.Add(new SuiteWorkload(WorkloadKind.Step, cell, 128, Batch: 1, WeightPrecision.Float32));
        foreach (WeightPrecision precision in BenchPrecisions.All)
            if (precision != WeightPrecision.Float32)
                list.Add(new SuiteWorkload(WorkloadKind.Step, CellKind.Lstm, 128, Batch: 1, precision));
        list.Add(new SuiteWorkload(WorkloadKind.Sequence, CellKind.Gru, 128, Batch: 8, WeightPrecision.Float32, SequenceLength: 16));
        list.Add(new SuiteWorkload(WorkloadKind.Sequence, CellKind.Lstm, 128, Batch: 8, WeightPrecision.Int8, SequenceLength: 16));
        list.Add(new SuiteWorkload(WorkloadKind.Train, CellKind.Lstm, 64, Batch: 8, WeightPrecision.Float32, SequenceLength: 16, Layers: 1, Input: 16));
        return list;
    }
}
