namespace Rnn.Workloads.Data;

/// <summary>Where an IMDB batch sits in the pass.</summary>
/// <param name="Epoch">Zero-based pass over the dataset.</param>
/// <param name="Batch">Zero-based batch index within the epoch.</param>
/// <param name="Count">Rows filled with real reviews; the last batch of an epoch may be partial (its other rows
/// are padding with label 0 and must be masked out of the loss).</param>
/// <param name="IsLastInEpoch">True when the next call starts a new epoch.</param>
public readonly record struct ImdbBatchInfo(int Epoch, int Batch, int Count, bool IsLastInEpoch);
