using System.Runtime.CompilerServices;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// Copies operands into the layouts the micro-kernels stream: A as k-major slivers of MR rows (element (r, k) of
/// a sliver at [k·MR + r], so one pointer walks all rows), B as panels of 16 columns (K rows × 16, zero-padded).
/// </summary>
internal static unsafe class KernelPacking
{
    private const int W = PackedMatrix.PanelWidth;

    /// <summary>
    /// Packs rows × k of a row-major matrix (row stride ld) into slivers of <paramref name="mr"/> rows:
    /// sliver s (rows [s·mr, s·mr + mr)) at dst + s·mr·k. Lanes of a short last sliver are left unwritten.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackRowsKMajor(float* src, int rows, nint ld, int k, int mr, float* dst)
    {
        for (int r0 = 0; r0 < rows; r0 += mr)
        {
            int rowsHere = Math.Min(mr, rows - r0);
            float* sliver = dst + (long)r0 * k;
            for (int r = 0; r < rowsHere; r++)
            {
                float* s = src + (r0 + r) * ld;
                float* d = sliver + r;
                for (int kk = 0; kk < k; kk++) d[kk * mr] = s[kk];
            }
        }
    }

    /// <summary>
    /// Packs the block of a column-major view into the same sliver layout: element (i, kk) of the block is
    /// src[kk·ld + i], so each k contributes mr contiguous values (A transposed: op(A) = Aᵀ).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackColumnsKMajor(float* src, int rows, nint ld, int k, int mr, float* dst)
    {
        for (int r0 = 0; r0 < rows; r0 += mr)
        {
            int rowsHere = Math.Min(mr, rows - r0);
            float* sliver = dst + (long)r0 * k;
            for (int kk = 0; kk < k; kk++)
            {
                float* s = src + kk * ld + r0;
                float* d = sliver + kk * mr;
                for (int r = 0; r < rowsHere; r++) d[r] = s[r];
            }
        }
    }

    /// <summary>
    /// Packs a k × n block of a row-major matrix (row stride ld) into panels of 16 columns (panel q at
    /// dst + q·k·16), zero-padding the columns past n.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackPanelsFromRows(float* src, int k, int n, nint ld, float* dst)
    {
        int panels = (n + W - 1) / W;
        for (int q = 0; q < panels; q++)
        {
            int cols = Math.Min(W, n - q * W);
            float* d = dst + (long)q * k * W;
            float* s = src + q * W;
            if (cols == W)
            {
                for (int kk = 0; kk < k; kk++) new ReadOnlySpan<float>(s + kk * ld, W).CopyTo(new Span<float>(d + kk * W, W));
            }
            else
            {
                for (int kk = 0; kk < k; kk++)
                {
                    for (int j = 0; j < cols; j++) d[kk * W + j] = s[kk * ld + j];
                    for (int j = cols; j < W; j++) d[kk * W + j] = 0f;
                }
            }
        }
    }

    /// <summary>
    /// Packs op(B) = Bᵀ where B is n × k row-major (row stride ld): column j of the panels is row j of B.
    /// Panel q at dst + q·k·16; columns past n are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackPanelsFromColumns(float* src, int k, int n, nint ld, float* dst)
    {
        int panels = (n + W - 1) / W;
        for (int q = 0; q < panels; q++)
        {
            int cols = Math.Min(W, n - q * W);
            float* d = dst + (long)q * k * W;
            for (int j = 0; j < cols; j++)
            {
                float* s = src + (q * W + j) * ld;
                for (int kk = 0; kk < k; kk++) d[kk * W + j] = s[kk];
            }
            for (int j = cols; j < W; j++)
            {
                for (int kk = 0; kk < k; kk++) d[kk * W + j] = 0f;
            }
        }
    }
}
