namespace Rnn.Training.Data;

/// <summary>
/// Batches of (BatchSize, MaxLength) ids and BatchSize labels over an <see cref="ImdbDataset"/>, cycling epochs.
/// With shuffling each epoch visits the rows in a permutation that depends only on (seed, epoch), so
/// <see cref="Seek"/> resumes exactly. The last batch of an epoch is partial unless dropLast is set (Keras fit keeps
/// it). No managed allocation per batch.
/// </summary>
public sealed class ImdbBatcher
{
    private readonly ImdbDataset _data;
    private readonly int[] _order;
    private readonly bool _shuffle;
    private readonly ulong _seed;
    private int _orderEpoch = -1;
    private int _epoch;
    private int _batch;

    public ImdbBatcher(ImdbDataset data, int batchSize, bool shuffle = true, ulong seed = 0, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be positive");
        if (dropLast && data.Count < batchSize)
            throw new ArgumentException($"dataset of {data.Count} rows has no full batch of {batchSize}", nameof(batchSize));
        _data = data;
        _order = new int[data.Count];
        _shuffle = shuffle;
        _seed = seed;
        BatchSize = batchSize;
        BatchesPerEpoch = dropLast ? data.Count / batchSize : (data.Count + batchSize - 1) / batchSize;
    }

    public int BatchSize { get; }
    public int MaxLength => _data.MaxLength;
    public int BatchesPerEpoch { get; }

    /// <summary>Epoch of the batch the next call returns.</summary>
    public int Epoch => _epoch;

    /// <summary>Index of the batch the next call returns.</summary>
    public int Batch => _batch;

    public void Seek(int epoch, int batch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "epoch must be non-negative");
        if ((uint)batch >= (uint)BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"batch must be in [0, {BatchesPerEpoch})");
        _epoch = epoch;
        _batch = batch;
    }

    /// <summary>Fills the next batch: <paramref name="tokens"/> is (BatchSize, MaxLength) row-major, <paramref name="labels"/> (BatchSize).</summary>
    public ImdbBatchInfo Next(Span<int> tokens, Span<float> labels)
    {
        CheckLength(labels.Length, BatchSize, nameof(labels));
        ImdbBatchInfo info = FillTokens(tokens, out int first);
        ReadOnlySpan<byte> source = _data.Labels;
        for (int i = 0; i < info.Count; i++) labels[i] = source[_order[first + i]];
        labels[info.Count..].Clear();
        return info;
    }

    /// <summary>Same as the float overload with integer labels.</summary>
    public ImdbBatchInfo Next(Span<int> tokens, Span<int> labels)
    {
        CheckLength(labels.Length, BatchSize, nameof(labels));
        ImdbBatchInfo info = FillTokens(tokens, out int first);
        ReadOnlySpan<byte> source = _data.Labels;
        for (int i = 0; i < info.Count; i++) labels[i] = source[_order[first + i]];
        labels[info.Count..].Clear();
        return info;
    }

    private ImdbBatchInfo FillTokens(Span<int> tokens, out int first)
    {
        int maxLength = _data.MaxLength;
        CheckLength(tokens.Length, BatchSize * maxLength, nameof(tokens));
        if (_orderEpoch != _epoch) PrepareOrder();

        first = _batch * BatchSize;
        int count = Math.Min(BatchSize, _data.Count - first);
        ReadOnlySpan<int> all = _data.Tokens;
        for (int i = 0; i < count; i++)
            all.Slice(_order[first + i] * maxLength, maxLength).CopyTo(tokens.Slice(i * maxLength, maxLength));
        tokens[(count * maxLength)..].Clear();

        var info = new ImdbBatchInfo(_epoch, _batch, count, _batch == BatchesPerEpoch - 1);
        if (++_batch == BatchesPerEpoch)
        {
            _batch = 0;
            _epoch++;
        }
        return info;
    }

    private void PrepareOrder()
    {
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        if (_shuffle) ShuffleRandom.ForEpoch(_seed, _epoch).Shuffle(_order);
        _orderEpoch = _epoch;
    }

    private void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
            throw new ArgumentException(
                $"{name} must hold {expected} elements (batch {BatchSize}{(name == "tokens" ? $" × maxlen {_data.MaxLength}" : "")}), got {actual}", name);
    }
}
