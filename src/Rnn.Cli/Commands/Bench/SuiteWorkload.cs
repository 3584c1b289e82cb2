using Rnn.Runtime;
using Rnn.Runtime.Kernels;

namespace Rnn.Cli.Commands.Bench;

/// <summary>What one operation of a suite workload is.</summary>
internal enum WorkloadKind
{
    /// <summary>One streaming step of <c>Batch</c> streams (<see cref="RnnStream.Step(ReadOnlySpan{float}, Span{float})"/>).</summary>
    Step,

    /// <summary>A whole sequence of <c>SequenceLength</c> steps from zero state (<c>RnnSession.Run</c>).</summary>
    Sequence,

    /// <summary>One char-rnn training step: forward, backward, clipping and Adam over a (T, B) chunk.</summary>
    Train,
}

/// <summary>
/// One workload of a suite, fully determined by its fields (random weights and inputs from fixed seeds), so the
/// same name means the same work in every run. <see cref="Name"/> is the key <c>rnn bench compare</c> matches on.
/// </summary>
internal sealed record SuiteWorkload(
    WorkloadKind Kind, CellKind Cell, int Hidden, int Batch, WeightPrecision Precision,
    int SequenceLength = 1, int Layers = 1, int Input = 0)
{
    /// <summary>Input size: the hidden size unless given (char-rnn: the embedding size).</summary>
    public int InputSize => Input > 0 ? Input : Hidden;

    /// <summary>e.g. step/lstm/h128/b1/f32, sequence/lstm/h256/t100/b16/f32, train/lstm/2x256/t64/b32/f32.</summary>
    public string Name => Kind switch
    {
        WorkloadKind.Step => $"step/{Cell.ToName()}/h{Hidden}/b{Batch}/{BenchPrecisions.Name(Precision)}",
        WorkloadKind.Sequence => $"sequence/{Cell.ToName()}/h{Hidden}/t{SequenceLength}/b{Batch}/{BenchPrecisions.Name(Precision)}",
        _ => $"train/{Cell.ToName()}/{Layers}x{Hidden}/t{SequenceLength}/b{Batch}/{BenchPrecisions.Name(Precision)}",
    };

    /// <summary>Builds the workload's model, buffers and data; the result's <see cref="IBenchOperation.Run"/> is what is timed.</summary>
    public IBenchOperation Create() => Kind switch
    {
        WorkloadKind.Step => new StepOperation(this),
        WorkloadKind.Sequence => new SequenceOperation(this),
        _ => new TrainOperation(this),
    };
}

/// <summary>A prepared workload: <see cref="Run"/> does one operation and allocates nothing the timing would see.</summary>
internal interface IBenchOperation : IDisposable
{
    /// <summary>The kernel path the operation runs on.</summary>
    KernelPath KernelPath { get; }

    /// <summary>One operation (a step, a sequence, a training step).</summary>
    void Run();
}
