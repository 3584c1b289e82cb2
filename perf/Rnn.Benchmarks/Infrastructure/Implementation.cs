namespace Rnn.Benchmarks.Infrastructure;

/// <summary>
/// An implementation under test, as --verify checks it against the naive reference: how to build its streaming step
/// and its whole-sequence run from PyTorch-layout weights. <see cref="IsOurs"/>: must be right at every size (a peer's
/// failure counts only at the sizes the benchmarks time).
/// </summary>
internal sealed record Implementation(
    string Name,
    bool IsOurs,
    Func<RnnWeights, int, IStepRunner> CreateStep,
    Func<RnnWeights, int, int, ISequenceRunner> CreateSequence)
{
    /// <summary>This project's runtime, float32 weights: the baseline of every benchmark.</summary>
    public static Implementation Ours { get; } = new("Ours", IsOurs: true,
        (w, batch) => new Ours.OurStepRunner(w, batch),
        (w, steps, batch) => new Ours.OurSequenceRunner(w, steps, batch));
}
