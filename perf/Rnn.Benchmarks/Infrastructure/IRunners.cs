namespace Rnn.Benchmarks.Infrastructure;

/// <summary>
/// A streaming step of one implementation under test: state kept between calls, batch = number of streams.
/// <see cref="SetInput"/> and <see cref="CopyOutput"/> are set-up/check calls; only <see cref="Step"/> is timed.
/// </summary>
internal interface IStepRunner : IDisposable
{
    /// <summary>x is (B, I); used by every following <see cref="Step"/>.</summary>
    void SetInput(ReadOnlySpan<float> x);

    /// <summary>One step: h, c ← cell(x, h, c).</summary>
    void Step();

    /// <summary>h after the last step, (B, H).</summary>
    void CopyOutput(Span<float> h);

    /// <summary>Zero state.</summary>
    void Reset();
}

/// <summary>A whole sequence from zero state, one implementation under test; only <see cref="Run"/> is timed.</summary>
internal interface ISequenceRunner : IDisposable
{
    /// <summary>x is (T, B, I).</summary>
    void SetInput(ReadOnlySpan<float> x);

    void Run();

    /// <summary>y is (T, B, H): h of every step.</summary>
    void CopyOutput(Span<float> y);
}
