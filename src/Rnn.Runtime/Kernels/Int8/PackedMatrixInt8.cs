using System.Runtime.InteropServices;

namespace Rnn.Runtime.Kernels.Int8;

/// <summary>
/// Int8 weights for <see cref="GemvInt8"/>: one or two row-major float32 matrices with the same rows (W_ih and W_hh of a
/// fused stream step), each quantized symmetrically with one float scale per output row, q = round(w · 127 / max|row|)
/// in [-127, 127]. Layout: outputs in groups of <see cref="GroupWidth"/>; within a group, K in quads of four, each quad a
/// 256-byte row holding the four weights of every output side by side (output j's four bytes at 4j). One quad of
/// activations, broadcast, multiplies a whole row lane by lane, which is exactly how <c>vpdpbusd</c>, <c>SDOT</c> and
/// the multiply-add pairs consume bytes; the sums need no horizontal reduction. Each part's K is padded to a whole quad
/// and N to a whole group, with zero weights.
/// </summary>
internal sealed unsafe class PackedMatrixInt8 : IDisposable
{
    /// <summary>Outputs per group: 64 int32 sums, eight 256-bit accumulators.</summary>
    public const int GroupWidth = 64;

    /// <summary>Bytes of one quad row of a group.</summary>
    public const int QuadRowBytes = GroupWidth * 4;

    private sbyte* _data;
    private readonly float[] _scale1, _scale2;
    private readonly int[] _compensation1, _compensation2;

    /// <summary>Outputs (rows of the weight).</summary>
    public int N { get; }

    /// <summary>N rounded up to whole groups.</summary>
    public int PaddedN { get; }

    /// <summary>Columns of the first and second part (0 when there is one part).</summary>
    public int K1 { get; }

    /// <inheritdoc cref="K1"/>
    public int K2 { get; }

    /// <summary>Quads of the first and second part: K rounded up to fours, divided by four.</summary>
    public int Quads1 { get; }

    /// <inheritdoc cref="Quads1"/>
    public int Quads2 { get; }

    /// <summary>Whether the matrix has a second part.</summary>
    public bool HasSecondPart => K2 > 0;

    /// <summary>Groups of <see cref="GroupWidth"/> outputs.</summary>
    public int GroupCount => PaddedN / GroupWidth;

    /// <summary>Bytes of one group: every quad row of both parts.</summary>
    public long GroupBytes => (long)(Quads1 + Quads2) * QuadRowBytes;

    /// <summary>Bytes of quantized weights a product reads (padding included).</summary>
    public long WeightBytes => GroupBytes * GroupCount;

    internal sbyte* Data => _data;
    internal bool IsDisposed => _data == null;

    /// <summary>Per-row dequantization scales of each part (PaddedN; zero past N).</summary>
    internal ReadOnlySpan<float> Scales1 => _scale1;
    internal ReadOnlySpan<float> Scales2 => _scale2;

    /// <summary>128 · Σ_k q[n, k] per row of each part: what <c>vpdpbusd</c>'s +128 shift of the activations adds.</summary>
    internal ReadOnlySpan<int> Compensation1 => _compensation1;
    internal ReadOnlySpan<int> Compensation2 => _compensation2;

    /// <summary>
    /// Quantizes and packs <paramref name="first"/> (rows × k1, row-major) and, if <paramref name="k2"/> &gt; 0,
    /// <paramref name="second"/> (rows × k2) as a second part with its own row scales. A part given as stored int8
    /// (<paramref name="stored1"/>, <paramref name="stored2"/>: the q and scales of an int8 file, whose dequantized
    /// values are the floats) is packed as stored, row by row, except rows holding -128, which are quantized from the floats.
    /// </summary>
    public PackedMatrixInt8(ReadOnlySpan<float> first, int rows, int k1, ReadOnlySpan<float> second = default, int k2 = 0,
        QuantizedWeight? stored1 = null, QuantizedWeight? stored2 = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k1);
        ArgumentOutOfRangeException.ThrowIfNegative(k2);
        if (first.Length != (long)rows * k1)
            throw new ArgumentException($"Weight has {first.Length} elements, expected {rows} x {k1}.", nameof(first));
        if (second.Length != (long)rows * k2)
            throw new ArgumentException($"Second weight has {second.Length} elements, expected {rows} x {k2}.", nameof(second));
        CheckStored(stored1, rows, k1, nameof(stored1));
        CheckStored(stored2, rows, k2, nameof(stored2));
        N = rows;
        PaddedN = PackedMatrix.RoundUp(rows, GroupWidth);
        K1 = k1;
        K2 = k2;
        Quads1 = (k1 + 3) / 4;
        Quads2 = (k2 + 3) / 4;
        _scale1 = new float[PaddedN];
        _scale2 = new float[k2 > 0 ? PaddedN : 0];
        _compensation1 = new int[PaddedN];
        _compensation2 = new int[k2 > 0 ? PaddedN : 0];
        nuint bytes = (nuint)WeightBytes;
        _data = (sbyte*)NativeMemory.AlignedAlloc(bytes, 64);
        NativeMemory.Clear(_data, bytes);
        var q = new sbyte[Math.Max(k1, k2)];
        for (int n = 0; n < rows; n++)
        {
            _scale1[n] = RowOf(first.Slice(n * k1, k1), stored1, n, q, out ReadOnlySpan<sbyte> row);
            _compensation1[n] = Place(row, n, 0);
            if (k2 > 0)
            {
                _scale2[n] = RowOf(second.Slice(n * k2, k2), stored2, n, q, out row);
                _compensation2[n] = Place(row, n, Quads1);
            }
        }
    }

    private static void CheckStored(QuantizedWeight? stored, int rows, int k, string name)
    {
        if (stored is not null && (stored.Rows != rows || stored.K != k))
            throw new ArgumentException($"Stored int8 weight is {stored.Rows} x {stored.K}, expected {rows} x {k}.", name);
    }

    /// <summary>Row n's q (the stored one when it fits the kernels, else <paramref name="scratch"/> quantized from the floats) and its scale.</summary>
    private static float RowOf(ReadOnlySpan<float> floats, QuantizedWeight? stored, int n, Span<sbyte> scratch, out ReadOnlySpan<sbyte> q)
    {
        if (stored is not null && stored.Fits(n))
        {
            q = stored.Row(n);
            return stored.Scales[n];
        }
        float scale = QuantizeWeightRow(floats, scratch);
        q = scratch.Slice(0, floats.Length);
        return scale;
    }

    /// <summary>Writes one row's quantized weights into its group from quad <paramref name="firstQuad"/>; returns 128 · Σ q.</summary>
    private int Place(ReadOnlySpan<sbyte> q, int n, int firstQuad)
    {
        sbyte* group = _data + n / GroupWidth * GroupBytes;
        int lane = n % GroupWidth * 4;
        int sum = 0;
        for (int k = 0; k < q.Length; k++)
        {
            group[(long)(firstQuad + k / 4) * QuadRowBytes + lane + k % 4] = q[k];
            sum += q[k];
        }
        return 128 * sum;
    }

    /// <summary>
    /// Symmetric per-row quantization of weights: scale = max|w| / 127, q = round(w · 127 / max|w|) (to even) in
    /// [-127, 127] (never -128, so |q| fits the unsigned operand of the multiply-add pairs). A zero row has scale 0.
    /// </summary>
    public static float QuantizeWeightRow(ReadOnlySpan<float> row, Span<sbyte> q)
    {
        float max = 0;
        for (int k = 0; k < row.Length; k++) max = MathF.Max(max, MathF.Abs(row[k]));
        if (max == 0 || !float.IsFinite(max))
        {
            q.Slice(0, row.Length).Clear();
            return max == 0 ? 0 : float.NaN;
        }
        float inverse = 127f / max;
        for (int k = 0; k < row.Length; k++) q[k] = (sbyte)Math.Clamp(MathF.Round(row[k] * inverse), -127f, 127f);
        return max / 127f;
    }

    /// <summary>The quantized weight of row <paramref name="n"/>, column <paramref name="k"/> of part 1 or 2 (tests).</summary>
    public sbyte this[int part, int n, int k]
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            int kk = part == 1 ? K1 : K2;
            if ((part != 1 && part != 2) || (uint)n >= (uint)N || (uint)k >= (uint)kk)
                throw new ArgumentOutOfRangeException(nameof(k), $"part {part} ({n}, {k}) is outside the matrix.");
            int quad = (part == 1 ? 0 : Quads1) + k / 4;
            return _data[n / GroupWidth * GroupBytes + (long)quad * QuadRowBytes + n % GroupWidth * 4 + k % 4];
        }
    }

    /// <summary>Frees the native memory; later use throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_data != null)
        {
            NativeMemory.AlignedFree(_data);
            _data = null;
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the native memory of a matrix that was never disposed.</summary>
    ~PackedMatrixInt8()
    {
        if (_data != null) NativeMemory.AlignedFree(_data);
    }
}
