using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// Copies operands into the layouts the micro-kernels stream: A as k-major slivers of MR rows (element (r, k) of
/// a sliver at [k·MR + r], so one pointer walks all rows), B as panels of 16 columns (K rows × 16, zero-padded).
/// The transposing copies go through 8 × 8 register transposes where AVX is there (several times faster than
/// element by element), so packing costs a few percent of a product's time.
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
            float* s0 = src + r0 * ld;
            int kk = 0;
            if (Avx.IsSupported && rowsHere == mr && mr >= 2 && mr <= 8)
            {
                // Rows past mr read as zeros; each 8-float store spills into the next k's slots, which the next
                // store (or the next sliver) overwrites, so the buffer needs RowsSpill floats of slack at its end.
                for (; kk + 8 <= k; kk += 8)
                {
                    Vector256<float> v0 = Vector256.Load(s0 + kk);
                    Vector256<float> v1 = Vector256.Load(s0 + ld + kk);
                    Vector256<float> v2 = mr > 2 ? Vector256.Load(s0 + 2 * ld + kk) : default;
                    Vector256<float> v3 = mr > 3 ? Vector256.Load(s0 + 3 * ld + kk) : default;
                    Vector256<float> v4 = mr > 4 ? Vector256.Load(s0 + 4 * ld + kk) : default;
                    Vector256<float> v5 = mr > 5 ? Vector256.Load(s0 + 5 * ld + kk) : default;
                    Vector256<float> v6 = mr > 6 ? Vector256.Load(s0 + 6 * ld + kk) : default;
                    Vector256<float> v7 = mr > 7 ? Vector256.Load(s0 + 7 * ld + kk) : default;
                    Transpose8x8(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7);
                    float* d = sliver + kk * mr;
                    v0.Store(d); v1.Store(d + mr); v2.Store(d + 2 * mr); v3.Store(d + 3 * mr);
                    v4.Store(d + 4 * mr); v5.Store(d + 5 * mr); v6.Store(d + 6 * mr); v7.Store(d + 7 * mr);
                }
            }
            for (int r = 0; r < rowsHere; r++)
            {
                float* s = s0 + r * ld;
                float* d = sliver + r;
                for (int j = kk; j < k; j++) d[j * mr] = s[j];
            }
        }
    }

    /// <summary>Floats written past the end of a <see cref="PackRowsKMajor"/> block (8-float stores of fewer rows).</summary>
    public const int RowsSpill = 8;

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
                if (rowsHere == 8) Vector256.Store(Vector256.Load(s), d);
                else for (int r = 0; r < rowsHere; r++) d[r] = s[r];
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
                for (int kk = 0; kk < k; kk++)
                {
                    Vector256.Load(s + kk * ld).Store(d + kk * W);
                    Vector256.Load(s + kk * ld + 8).Store(d + kk * W + 8);
                }
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
            float* s = src + q * W * ld;
            int kk = 0;
            if (Avx.IsSupported && cols == W)
            {
                for (; kk + 8 <= k; kk += 8)
                {
                    for (int half = 0; half < 2; half++)
                    {
                        float* sh = s + half * 8 * ld + kk;
                        Vector256<float> v0 = Vector256.Load(sh), v1 = Vector256.Load(sh + ld);
                        Vector256<float> v2 = Vector256.Load(sh + 2 * ld), v3 = Vector256.Load(sh + 3 * ld);
                        Vector256<float> v4 = Vector256.Load(sh + 4 * ld), v5 = Vector256.Load(sh + 5 * ld);
                        Vector256<float> v6 = Vector256.Load(sh + 6 * ld), v7 = Vector256.Load(sh + 7 * ld);
                        Transpose8x8(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7);
                        float* dh = d + kk * W + half * 8;
                        v0.Store(dh); v1.Store(dh + W); v2.Store(dh + 2 * W); v3.Store(dh + 3 * W);
                        v4.Store(dh + 4 * W); v5.Store(dh + 5 * W); v6.Store(dh + 6 * W); v7.Store(dh + 7 * W);
                    }
                }
            }
            for (int j = 0; j < cols; j++)
            {
                float* sj = s + j * ld;
                for (int r = kk; r < k; r++) d[r * W + j] = sj[r];
            }
            for (int j = cols; j < W; j++)
            {
                for (int r = 0; r < k; r++) d[r * W + j] = 0f;
            }
        }
    }

    /// <summary>In-register transpose: row i of the result is column i of the 8 × 8 input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(
        ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3,
        ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6, ref Vector256<float> r7)
    {
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        r0 = Avx.Permute2x128(u0, u4, 0x20); r1 = Avx.Permute2x128(u1, u5, 0x20);
        r2 = Avx.Permute2x128(u2, u6, 0x20); r3 = Avx.Permute2x128(u3, u7, 0x20);
        r4 = Avx.Permute2x128(u0, u4, 0x31); r5 = Avx.Permute2x128(u1, u5, 0x31);
        r6 = Avx.Permute2x128(u2, u6, 0x31); r7 = Avx.Permute2x128(u3, u7, 0x31);
    }
}
