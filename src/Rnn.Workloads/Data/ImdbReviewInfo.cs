namespace Rnn.Workloads.Data;

/// <summary>One review's metadata.</summary>
/// <param name="Label">1 positive (pos/, rating ≥ 7), 0 negative (neg/, rating ≤ 4).</param>
/// <param name="Id">The &lt;id&gt; of &lt;id&gt;_&lt;rating&gt;.txt, or -1 when the name does not follow that pattern.</param>
/// <param name="Rating">The star rating 1..10, or -1 when unknown.</param>
public readonly record struct ImdbReviewInfo(int Label, int Id, int Rating);
