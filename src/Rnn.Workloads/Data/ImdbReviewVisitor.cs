namespace Rnn.Workloads.Data;

/// <summary>Receives one review; <paramref name="text"/> is only valid during the call (its buffer is reused).</summary>
public delegate void ImdbReviewVisitor(ImdbReviewInfo review, ReadOnlySpan<char> text);
