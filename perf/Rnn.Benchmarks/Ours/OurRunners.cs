using Rnn.Benchmarks.Infrastructure;
using Rnn.Benchmarks.Reference;

namespace Rnn.Benchmarks.Ours;

// STUB until RnnModel lands on main: these adapters run the naive reference so the harness works end to end.
// After `git merge main` they become: RnnModel.FromTensors(tensors, CellKind) → CreateStream / CreateSession.

/// <summary>Our runtime's streaming step (the baseline of StepBenchmarks).</summary>
internal sealed class OurStepRunner : IStepRunner
{
    public const bool IsStub = true;
    private readonly RnnWeights _w;
    private readonly int _batch;
    private readonly float[] _x, _h, _c;

    public OurStepRunner(RnnWeights w, int batch = 1)
    {
        _w = w;
        _batch = batch;
        _x = new float[batch * w.InputSize];
        _h = new float[batch * w.HiddenSize];
        _c = new float[batch * w.HiddenSize];
    }

    public void SetInput(ReadOnlySpan<float> x) => x.CopyTo(_x);

    public void Step() => NaiveRnn.Step(_w, _x, _h, _c, _batch);

    public void CopyOutput(Span<float> h) => _h.AsSpan().CopyTo(h);

    public void Reset()
    {
        Array.Clear(_h);
        Array.Clear(_c);
    }

    public void Dispose() { }
}

/// <summary>Our runtime's whole-sequence session (the baseline of SequenceBenchmarks).</summary>
internal sealed class OurSequenceRunner : ISequenceRunner
{
    private readonly RnnWeights _w;
    private readonly int _steps, _batch;
    private readonly float[] _x, _y, _h, _c;

    public OurSequenceRunner(RnnWeights w, int sequenceLength, int batch)
    {
        _w = w;
        _steps = sequenceLength;
        _batch = batch;
        _x = new float[sequenceLength * batch * w.InputSize];
        _y = new float[sequenceLength * batch * w.HiddenSize];
        _h = new float[batch * w.HiddenSize];
        _c = new float[batch * w.HiddenSize];
    }

    public void SetInput(ReadOnlySpan<float> x) => x.CopyTo(_x);

    public void Run()
    {
        Array.Clear(_h);
        Array.Clear(_c);
        NaiveRnn.Run(_w, _x, _y, _h, _c, _steps, _batch);
    }

    public void CopyOutput(Span<float> y) => _y.AsSpan().CopyTo(y);

    public void Dispose() { }
}
