namespace Rnn.Runtime.Kernels.Int8;

/// <summary>
/// Rows of activations quantized for <see cref="GemvInt8"/>: bytes <see cref="Stride"/> apart (whole quads) and one
/// scale per row. Sized once at creation for the most rows and the widest row a stream or session will quantize, so a
/// step allocates nothing.
/// </summary>
internal sealed class QuantizedRows
{
    private readonly sbyte[] _bytes;
    private readonly float[] _scales;

    /// <summary>Bytes between rows: the widest row's padded length.</summary>
    public int Stride { get; }

    /// <summary>Room for <paramref name="maxRows"/> rows of up to <paramref name="maxWidth"/> activations.</summary>
    public QuantizedRows(int maxRows, int maxWidth)
    {
        Stride = ActivationQuantizer.PaddedLength(maxWidth);
        _bytes = new sbyte[(long)maxRows * Stride];
        _scales = new float[maxRows];
    }

    /// <summary>The quantized bytes (rows <see cref="Stride"/> apart).</summary>
    public ReadOnlySpan<sbyte> Bytes => _bytes;

    /// <summary>One scale per row.</summary>
    public ReadOnlySpan<float> Scales => _scales;

    /// <summary>Quantizes <paramref name="rows"/> rows of <paramref name="width"/> floats, <paramref name="ldx"/> apart, each with its own scale.</summary>
    public void Quantize(ReadOnlySpan<float> x, int rows, int width, int ldx)
    {
        if (rows > _scales.Length || ActivationQuantizer.PaddedLength(width) > Stride)
            throw new ArgumentException($"{rows} rows of {width} do not fit {_scales.Length} rows of {Stride}.");
        for (int r = 0; r < rows; r++)
            _scales[r] = ActivationQuantizer.Quantize(x.Slice(r * ldx, width), _bytes.AsSpan(r * Stride, Stride));
    }
}
