namespace Rnn.Workloads.Data;

/// <summary>Where a char batch sits in the stream.</summary>
/// <param name="Epoch">Zero-based pass over the stream this batch belongs to.</param>
/// <param name="Chunk">Zero-based chunk index within the epoch (each lane advances by SeqLength per chunk).</param>
/// <param name="ResetState">True on the first chunk of an epoch: the lanes jumped back to their starts, so the
/// hidden state carried from the previous batch no longer continues the text and must be zeroed.</param>
/// <param name="IsLastInEpoch">True when the next call starts a new epoch.</param>
public readonly record struct CharBatchInfo(int Epoch, int Chunk, bool ResetState, bool IsLastInEpoch);
