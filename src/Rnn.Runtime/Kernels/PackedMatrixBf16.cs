using System.Runtime.InteropServices;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// A right-hand operand B (K × N) in bfloat16 for <see cref="GemvBf16"/>: columns in groups of
/// <see cref="GroupWidth"/>, each group stored by pairs of rows: pair p is 64 columns × (B[2p, n], B[2p+1, n]), four
/// cache lines, so a matrix-vector product reads the whole matrix as one sequential stream. Each 32-bit lane holds one
/// column's even-k value in its low half and odd-k value in its high half: a shift left makes the first a float32 and
/// a mask the second (two instructions per two vectors of floats, where widening each half takes four). Columns past
/// N, and the odd half of the last pair when K is odd, are zero.
/// </summary>
internal sealed unsafe class PackedMatrixBf16 : IDisposable
{
    /// <summary>Columns per group: 64 bf16 values, two cache lines per row.</summary>
    public const int GroupWidth = 64;

    /// <summary>The width a product over <paramref name="n"/> output columns writes: whole groups.</summary>
    public static int PaddedWidth(int n) => PackedMatrix.RoundUp(n, GroupWidth);
    private ushort* _data;

    /// <summary>Rows of B.</summary>
    public int K { get; }

    /// <summary>Columns of B (outputs).</summary>
    public int N { get; }

    /// <summary>N rounded up to whole groups: what a product writes.</summary>
    public int PaddedN { get; }
    internal int GroupCount => PaddedN / GroupWidth;
    internal ushort* Data => _data;

    /// <summary>Packs B = Wᵀ from a row-major float32 weight W (N × K), rounding each value to nearest-even bf16.</summary>
    public PackedMatrixBf16(ReadOnlySpan<float> weight, int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        if (weight.Length != (long)rows * cols)
            throw new ArgumentException($"Weight has {weight.Length} elements, expected {rows} x {cols}.", nameof(weight));
        K = cols;
        N = rows;
        PaddedN = PaddedWidth(rows);
        nuint bytes = (nuint)((long)PaddedN * PairedK * sizeof(ushort));
        _data = (ushort*)NativeMemory.AlignedAlloc(bytes, 64);
        NativeMemory.Clear(_data, bytes);
        for (int n = 0; n < rows; n++)
        {
            ReadOnlySpan<float> row = weight.Slice(n * cols, cols);
            for (int k = 0; k < cols; k++) _data[Index(k, n)] = ToBf16(row[k]);
        }
    }

    /// <summary>K rounded up to whole pairs of rows.</summary>
    internal int PairedK => (K + 1) & ~1;

    /// <summary>Ushorts of one group: every pair of rows.</summary>
    internal long GroupLength => (long)PairedK * GroupWidth;

    /// <summary>Where B[k, n] is stored.</summary>
    private long Index(int k, int n) => n / GroupWidth * GroupLength + (long)(k / 2) * 2 * GroupWidth + 2 * (n % GroupWidth) + (k & 1);

    /// <summary>Round to nearest even; NaN stays NaN (weights are checked finite at load anyway).</summary>
    public static ushort ToBf16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }

    /// <summary>Widens a bfloat16 to float32 exactly.</summary>
    public static float FromBf16(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);

    /// <summary>Element B[k, n] as float (tests, debugging; not for hot paths).</summary>
    public float this[int k, int n]
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            if ((uint)k >= (uint)K || (uint)n >= (uint)PaddedN) throw new ArgumentOutOfRangeException(nameof(n), $"({k}, {n}) is outside {K} x {PaddedN}.");
            return FromBf16(_data[Index(k, n)]);
        }
    }

    internal bool IsDisposed => _data == null;

    /// <summary>Frees the native memory; any later use throws <see cref="ObjectDisposedException"/>.</summary>
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
    ~PackedMatrixBf16()
    {
        if (_data != null) NativeMemory.AlignedFree(_data);
    }
}
