using System.Runtime.InteropServices;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// The right-hand operand B (K × N) of <see cref="Gemm"/>, packed once into 64-byte aligned panels of
/// <see cref="PanelWidth"/> columns: panel p holds columns [16p, 16p + 16) as K contiguous rows of 16
/// floats, so a product streams every weight exactly once, in order. Columns past N are zero.
/// A PyTorch weight W (N × K, row-major: out_features × in_features) packs as B = Wᵀ.
/// </summary>
public sealed unsafe class PackedMatrix : IDisposable
{
    public const int PanelWidth = 16;
    private float* _data;

    public int K { get; }
    public int N { get; }
    public int PaddedN { get; }
    public int PanelCount => PaddedN / PanelWidth;

    private PackedMatrix(int k, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        K = k;
        N = n;
        PaddedN = RoundUp(n, PanelWidth);
        nuint bytes = (nuint)((long)PaddedN * k * sizeof(float));
        _data = (float*)NativeMemory.AlignedAlloc(bytes, 64);
        NativeMemory.Clear(_data, bytes);
    }

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Packs B = Wᵀ from a row-major weight W of shape (rows = N, cols = K).</summary>
    public static PackedMatrix FromWeight(ReadOnlySpan<float> weight, int rows, int cols)
    {
        if (weight.Length != (long)rows * cols)
            throw new ArgumentException($"Weight has {weight.Length} elements, expected {rows} x {cols}.", nameof(weight));
        var packed = new PackedMatrix(cols, rows);
        packed.RepackFromWeight(weight);
        return packed;
    }

    /// <summary>Re-packs from a weight of the same shape (after an optimizer step), without allocating.</summary>
    public void RepackFromWeight(ReadOnlySpan<float> weight)
    {
        if (weight.Length != (long)N * K)
            throw new ArgumentException($"Weight has {weight.Length} elements, expected {N} x {K}.", nameof(weight));
        float* dst = _data;
        for (int n = 0; n < N; n++)
        {
            float* panel = dst + (long)(n / PanelWidth) * K * PanelWidth + (n % PanelWidth);
            ReadOnlySpan<float> row = weight.Slice(n * K, K);
            for (int k = 0; k < K; k++) panel[k * PanelWidth] = row[k];
        }
    }

    /// <summary>Packs B from a row-major matrix of shape (K × N) (not transposed).</summary>
    public static PackedMatrix FromKxN(ReadOnlySpan<float> b, int k, int n)
    {
        if (b.Length != (long)k * n)
            throw new ArgumentException($"Matrix has {b.Length} elements, expected {k} x {n}.", nameof(b));
        var packed = new PackedMatrix(k, n);
        float* dst = packed._data;
        for (int kk = 0; kk < k; kk++)
            for (int nn = 0; nn < n; nn++)
                dst[(long)(nn / PanelWidth) * k * PanelWidth + kk * PanelWidth + nn % PanelWidth] = b[kk * n + nn];
        return packed;
    }

    /// <summary>Panel p: K × 16 floats.</summary>
    internal float* Panel(int p) => _data + (long)p * K * PanelWidth;

    internal float* Data => _data;

    internal bool IsDisposed => _data == null;

    /// <summary>Element B[k, n] (for tests and debugging; not for hot paths).</summary>
    public float this[int k, int n] => _data[(long)(n / PanelWidth) * K * PanelWidth + k * PanelWidth + n % PanelWidth];

    public void Dispose()
    {
        if (_data != null)
        {
            NativeMemory.AlignedFree(_data);
            _data = null;
        }
        GC.SuppressFinalize(this);
    }

    ~PackedMatrix()
    {
        if (_data != null) NativeMemory.AlignedFree(_data);
    }
}
