namespace Rnn.Workloads.Data;

/// <summary>
/// Truncated-BPTT batches over a symbol stream, laid out as char-rnn does. The stream is cut into BatchSize
/// contiguous lanes of LaneLength symbols; lane b starts at b × LaneLength. Each call returns the next chunk of
/// SeqLength steps of every lane, so the hidden state of lane b after chunk j is the right initial state for chunk
/// j + 1 (carry it across calls; reset it when <see cref="CharBatchInfo.ResetState"/> is set).
/// Targets are the next symbol of the stream: target(t, b) = input(t + 1, b), and the last target of a chunk is
/// the first input of the next chunk of the same lane.
/// LaneLength = (N − 1) / BatchSize so that every input has a real next symbol; the last
/// LaneLength mod SeqLength symbols of each lane are never inputs (as char-rnn, which trims to a multiple of
/// BatchSize × SeqLength). No managed allocation per batch.
/// </summary>
public sealed class CharBatcher
{
    private readonly ReadOnlyMemory<int> _stream;
    private int _epoch;
    private int _chunk;

    public CharBatcher(ReadOnlyMemory<int> stream, int batchSize, int seqLength)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be positive");
        if (seqLength <= 0) throw new ArgumentOutOfRangeException(nameof(seqLength), seqLength, "sequence length must be positive");
        long needed = (long)batchSize * seqLength + 1;
        if (stream.Length < needed)
            throw new ArgumentException(
                $"stream of {stream.Length} symbols is too short for batch {batchSize} × seq {seqLength} " +
                $"(needs at least {needed})", nameof(stream));
        _stream = stream;
        BatchSize = batchSize;
        SeqLength = seqLength;
        LaneLength = (stream.Length - 1) / batchSize;
        BatchesPerEpoch = LaneLength / seqLength;
    }

    public int BatchSize { get; }
    public int SeqLength { get; }

    /// <summary>Symbols per lane; lane b covers stream[b × LaneLength, (b + 1) × LaneLength).</summary>
    public int LaneLength { get; }

    /// <summary>Chunks per pass: LaneLength / SeqLength.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>Epoch of the batch the next call returns.</summary>
    public int Epoch => _epoch;

    /// <summary>Chunk index of the batch the next call returns.</summary>
    public int Chunk => _chunk;

    /// <summary>Moves to (epoch, chunk), e.g. when resuming from a checkpoint.</summary>
    public void Seek(int epoch, int chunk)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "epoch must be non-negative");
        if ((uint)chunk >= (uint)BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(chunk), chunk, $"chunk must be in [0, {BatchesPerEpoch})");
        _epoch = epoch;
        _chunk = chunk;
    }

    /// <summary>
    /// Fills the next chunk. <paramref name="inputs"/> and <paramref name="targets"/> are (SeqLength, BatchSize)
    /// time-major: element [t × BatchSize + b] is step t of lane b.
    /// </summary>
    public CharBatchInfo Next(Span<int> inputs, Span<int> targets)
    {
        int size = SeqLength * BatchSize;
        if (inputs.Length != size)
            throw new ArgumentException($"inputs must hold seq {SeqLength} × batch {BatchSize} = {size} ids, got {inputs.Length}", nameof(inputs));
        if (targets.Length != size)
            throw new ArgumentException($"targets must hold seq {SeqLength} × batch {BatchSize} = {size} ids, got {targets.Length}", nameof(targets));

        ReadOnlySpan<int> stream = _stream.Span;
        int chunkStart = _chunk * SeqLength;
        for (int b = 0; b < BatchSize; b++)
        {
            // One lane window of SeqLength + 1 symbols: inputs are its first SeqLength, targets its last SeqLength.
            ReadOnlySpan<int> window = stream.Slice(b * LaneLength + chunkStart, SeqLength + 1);
            for (int t = 0; t < SeqLength; t++)
            {
                inputs[t * BatchSize + b] = window[t];
                targets[t * BatchSize + b] = window[t + 1];
            }
        }

        var info = new CharBatchInfo(_epoch, _chunk, ResetState: _chunk == 0, IsLastInEpoch: _chunk == BatchesPerEpoch - 1);
        if (++_chunk == BatchesPerEpoch)
        {
            _chunk = 0;
            _epoch++;
        }
        return info;
    }
}
