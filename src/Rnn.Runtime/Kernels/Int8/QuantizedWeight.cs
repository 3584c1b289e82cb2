namespace Rnn.Runtime.Kernels.Int8;

/// <summary>
/// A weight as an int8 file stores it: q (rows × K, row-major) and one scale per row, w = scale · q. Kept beside the
/// float32 copy so that int8 products run on the file's own q and scales instead of quantizing the dequantized floats
/// again, which could move a value by a step when a row's largest |q| is under 127.
/// </summary>
internal sealed class QuantizedWeight
{
    /// <summary>q, rows × <see cref="K"/>, row-major.</summary>
    public sbyte[] Values { get; }

    /// <summary>One finite, non-negative scale per row.</summary>
    public float[] Scales { get; }

    public int Rows => Scales.Length;

    public int K { get; }

    public QuantizedWeight(sbyte[] values, float[] scales, int k)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(scales);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (values.Length != (long)scales.Length * k)
            throw new ArgumentException($"q has {values.Length} values, expected {scales.Length} rows x {k}.", nameof(values));
        Values = values;
        Scales = scales;
        K = k;
    }

    /// <summary>Row <paramref name="n"/>'s q.</summary>
    public ReadOnlySpan<sbyte> Row(int n) => Values.AsSpan(n * K, K);

    /// <summary>Whether the kernels can take row <paramref name="n"/> as stored: every q in [-127, 127] (the
    /// multiply-add pairs need |q| to fit a signed byte), so -128 sends the row back through the quantizer.</summary>
    public bool Fits(int n) => !Row(n).Contains(sbyte.MinValue);

    /// <summary>Rows [first, first + count) as a weight of their own (a GRU's gate blocks).</summary>
    public QuantizedWeight Slice(int first, int count) =>
        new(Values.AsSpan(first * K, count * K).ToArray(), Scales.AsSpan(first, count).ToArray(), K);

    /// <summary>Quantizes a float32 weight (rows × k) with the runtime's own rule (<see cref="PackedMatrixInt8.QuantizeWeightRow"/>),
    /// the q and scales an int8 stream of the float32 model would use.</summary>
    public static QuantizedWeight Quantize(ReadOnlySpan<float> w, int rows, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (w.Length != (long)rows * k) throw new ArgumentException($"Weight has {w.Length} values, expected {rows} x {k}.", nameof(w));
        var q = new sbyte[(long)rows * k];
        var scales = new float[rows];
        for (int n = 0; n < rows; n++) scales[n] = PackedMatrixInt8.QuantizeWeightRow(w.Slice(n * k, k), q.AsSpan(n * k, k));
        return new QuantizedWeight(q, scales, k);
    }
}
