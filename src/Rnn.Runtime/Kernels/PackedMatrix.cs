using System.Runtime.InteropServices;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// The right-hand operand B (K × N) of <see cref="Gemm"/>, packed once, 64-byte aligned, in panels of
/// <see cref="PanelWidth"/> columns (panel p: columns [16p, 16p + 16)), so a product streams every weight exactly
/// once, in order. The <see cref="PackedLayout"/> decides how panels sit in memory: one after another
/// (<see cref="PackedLayout.Panels"/>: K rows of 16) or a few side by side (<see cref="PackedLayout.Groups"/>:
/// K rows of 16·<see cref="GroupPanels"/>, fewer for the last group). Kernels address panel p at <see cref="Panel"/>(p), its rows
/// <see cref="RowStride"/>(p) floats apart, and the next panel of a run <see cref="PanelStride"/> floats further.
/// Columns past N are zero. A PyTorch weight W (N × K, row-major: out_features × in_features) packs as B = Wᵀ.
/// </summary>
internal sealed unsafe class PackedMatrix : IDisposable
{
    /// <summary>Columns per panel: one Vector512 of floats.</summary>
    public const int PanelWidth = 16;
    private float* _data;
    private readonly int _panelsPerGroup;

    /// <summary>Rows of B (the length of the vectors multiplied by it).</summary>
    public int K { get; }

    /// <summary>Columns of B (outputs).</summary>
    public int N { get; }

    /// <summary>N rounded up to whole panels: what a product writes.</summary>
    public int PaddedN { get; }

    /// <summary>Number of 16-column panels.</summary>
    public int PanelCount => PaddedN / PanelWidth;

    /// <summary>How the panels sit in memory.</summary>
    public PackedLayout Layout => _panelsPerGroup == 1 ? PackedLayout.Panels : PackedLayout.Groups;

    /// <summary>Panels side by side in a group: 1 for <see cref="PackedLayout.Panels"/>, 2, 4 or 8 for
    /// <see cref="PackedLayout.Groups"/>.</summary>
    public int GroupPanels => _panelsPerGroup;

    private PackedMatrix(int k, int n, PackedLayout layout, int groupPanels)
    {
        if (layout is not (PackedLayout.Panels or PackedLayout.Groups)) throw new ArgumentOutOfRangeException(nameof(layout), layout, "Unknown layout.");
        if (layout == PackedLayout.Groups && groupPanels is not (2 or 4 or 8))
            throw new ArgumentOutOfRangeException(nameof(groupPanels), groupPanels, "A group holds 2, 4 or 8 panels.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        K = k;
        N = n;
        PaddedN = RoundUp(n, PanelWidth);
        _panelsPerGroup = layout == PackedLayout.Groups ? groupPanels : 1;
        nuint bytes = (nuint)((long)PaddedN * k * sizeof(float));
        _data = (float*)NativeMemory.AlignedAlloc(bytes, 64);
        NativeMemory.Clear(_data, bytes);
    }

    /// <summary><paramref name="value"/> rounded up to a multiple of <paramref name="multiple"/>.</summary>
    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Packs B = Wᵀ from a row-major weight W of shape (rows = N, cols = K); with
    /// <see cref="PackedLayout.Groups"/>, <paramref name="groupPanels"/> side by side (2, 4 or 8).</summary>
    public static PackedMatrix FromWeight(ReadOnlySpan<float> weight, int rows, int cols, PackedLayout layout = PackedLayout.Panels, int groupPanels = 8)
    {
        if (weight.Length != (long)rows * cols)
            throw new ArgumentException($"Weight has {weight.Length} elements, expected {rows} x {cols}.", nameof(weight));
        var packed = new PackedMatrix(cols, rows, layout, groupPanels);
        packed.RepackFromWeight(weight);
        return packed;
    }

    /// <summary>Re-packs from a weight of the same shape (after an optimizer step), without allocating.</summary>
    public void RepackFromWeight(ReadOnlySpan<float> weight)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (weight.Length != (long)N * K)
            throw new ArgumentException($"Weight has {weight.Length} elements, expected {N} x {K}.", nameof(weight));
        for (int n = 0; n < N; n++)
        {
            float* column = Column(n);
            nint stride = RowStride(n / PanelWidth);
            ReadOnlySpan<float> row = weight.Slice(n * K, K);
            for (int k = 0; k < K; k++) column[k * stride] = row[k];
        }
    }

    /// <summary>Packs B from a row-major matrix of shape (K × N) (not transposed).</summary>
    public static PackedMatrix FromKxN(ReadOnlySpan<float> b, int k, int n, PackedLayout layout = PackedLayout.Panels, int groupPanels = 8)
    {
        if (b.Length != (long)k * n)
            throw new ArgumentException($"Matrix has {b.Length} elements, expected {k} x {n}.", nameof(b));
        var packed = new PackedMatrix(k, n, layout, groupPanels);
        packed.RepackFromKxN(b);
        return packed;
    }

    /// <summary>Re-packs from a row-major (K × N) matrix of the same shape, without allocating: each row of B is
    /// copied into the panels 16 contiguous floats at a time.</summary>
    public void RepackFromKxN(ReadOnlySpan<float> b)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (b.Length != (long)K * N)
            throw new ArgumentException($"Matrix has {b.Length} elements, expected {K} x {N}.", nameof(b));
        fixed (float* source = b)
        {
            for (int k = 0; k < K; k++)
            {
                float* row = source + (long)k * N;
                for (int p = 0; p < PanelCount; p++)
                {
                    long bytes = Math.Min(PanelWidth, N - p * PanelWidth) * sizeof(float);
                    Buffer.MemoryCopy(row + p * PanelWidth, Panel(p) + (long)k * RowStride(p), bytes, bytes);
                }
            }
        }
    }

    /// <summary>Panel p: K rows of 16 floats, <see cref="RowStride"/>(p) floats apart.</summary>
    internal float* Panel(int p)
    {
        int g = p / _panelsPerGroup;
        return _data + (long)g * K * _panelsPerGroup * PanelWidth + (p - g * _panelsPerGroup) * PanelWidth;
    }

    /// <summary>Floats between consecutive rows (k, k + 1) of panel p: the width of its group.</summary>
    internal int RowStride(int p)
    {
        int groupWidth = _panelsPerGroup * PanelWidth;
        return Math.Min(groupWidth, PaddedN - p / _panelsPerGroup * groupWidth);
    }

    /// <summary>Floats from a panel to the next one of the same run (<see cref="PanelsPerRun"/>).</summary>
    internal nint PanelStride => _panelsPerGroup == 1 ? (nint)K * PanelWidth : PanelWidth;

    /// <summary>Panels that a kernel may take as one run at a constant <see cref="PanelStride"/> and row stride:
    /// a group, or every panel when each panel is its own group.</summary>
    internal int PanelsPerRun => _panelsPerGroup == 1 ? PanelCount : _panelsPerGroup;

    /// <summary>Row 0 of column n; its rows are <see cref="RowStride"/>(n / 16) floats apart.</summary>
    private float* Column(int n) => Panel(n / PanelWidth) + n % PanelWidth;

    internal bool IsDisposed => _data == null;

    /// <summary>Element B[k, n] (for tests and debugging; not for hot paths).</summary>
    public float this[int k, int n]
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            if ((uint)k >= (uint)K || (uint)n >= (uint)PaddedN) throw new ArgumentOutOfRangeException(nameof(n), $"({k}, {n}) is outside {K} x {PaddedN}.");
            return Column(n)[(long)k * RowStride(n / PanelWidth)];
        }
    }

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
    ~PackedMatrix()
    {
        if (_data != null) NativeMemory.AlignedFree(_data);
    }
}
