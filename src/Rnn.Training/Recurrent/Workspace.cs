namespace Rnn.Training.Recurrent;

/// <summary>A slice of the trainer's workspace: offset and capacity in floats.</summary>
internal readonly record struct Region(int Offset, int Length);

/// <summary>
/// Every buffer the trainer keeps between Forward and Backward, and its scratch, as regions of ONE float block
/// laid out at construction for the largest (sequence, batch) and reused by every call (llm.c's activation block):
/// after construction nothing is allocated.
/// </summary>
internal sealed class Workspace
{
    private long _size;
    private float[] _block = [];

    /// <summary>Reserves <paramref name="length"/> floats; call before <see cref="Commit"/>. Zero length gives an empty region.</summary>
    public Region Reserve(long length)
    {
        if (_block.Length != 0) throw new InvalidOperationException("The workspace is already committed.");
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (_size + length > Array.MaxLength)
            throw new ArgumentException(
                $"The trainer's workspace would need more than {Array.MaxLength} floats: lower the maximum sequence length or batch.");
        var region = new Region((int)_size, (int)length);
        _size += length;
        return region;
    }

    /// <summary>Allocates the block once every region is reserved.</summary>
    public void Commit() => _block = new float[_size];

    public long TotalFloats => _size;

    /// <summary>The first <paramref name="length"/> floats of <paramref name="region"/> (the part a smaller call uses).</summary>
    public Span<float> Span(Region region, int length)
    {
        if ((uint)length > (uint)region.Length)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"Region holds {region.Length} floats.");
        return _block.AsSpan(region.Offset, length);
    }

    public Span<float> Span(Region region) => _block.AsSpan(region.Offset, region.Length);
}
