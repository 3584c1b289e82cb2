using System.Runtime.CompilerServices;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// General row-major matrix product for training, with no pre-packed operand:
/// C (m × n, row stride ldc) [+]= op(A) · op(B), where op(A) is m × k (A stored m × k, or k × m when
/// <c>transA</c>) and op(B) is k × n (B stored k × n, or n × k when <c>transB</c>).
/// Shapes in an LSTM: forward input projection X·Wᵀ (transB), backward dX = dG·W, weight gradient
/// dW += dGᵀ·X (transA). Each element is one multiply-add chain over k ascending, started from C when
/// <c>accumulate</c> and from zero otherwise, so every path gives the same bits.
/// Thread-safe: packing buffers are per thread, reused, so warm calls allocate nothing.
/// </summary>
internal static unsafe class MatMul
{
    private const int W = PackedMatrix.PanelWidth;

    /// <summary>Depth of one packed block: a 16-column panel of it (16 KiB) and an 8-row sliver of A fit L1.</summary>
    private const int BlockK = 256;

    /// <summary>Columns per packed block of op(B) (BlockK × BlockN floats = 2 MiB, held in L3).</summary>
    private const int BlockN = 2048;

    /// <summary>Rows per packed block of op(A), as multiples of the micro-kernel height (≈ 128 KiB, held in L2).</summary>
    private const int BlockMSlivers = 16;

    /// <summary>C [+]= op(A) · op(B) as the class summary says; A, B and C are row-major with the given strides, and C
    /// may not overlap A or B.</summary>
    public static void Multiply(
        KernelPath path, bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate)
    {
        if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), m, "m must be >= 0.");
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be >= 0.");
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be >= 0.");
        ValidateOperand(a, transA ? k : m, transA ? m : k, lda, transA ? "A (k × m, transA)" : "A (m × k)", nameof(a), nameof(lda));
        ValidateOperand(b, transB ? n : k, transB ? k : n, ldb, transB ? "B (n × k, transB)" : "B (k × n)", nameof(b), nameof(ldb));
        ValidateOperand(c, m, n, ldc, "C (m × n)", nameof(c), nameof(ldc));
        if (m > 0 && n > 0)
        {
            if (k > 0 && c.Overlaps(a)) throw new ArgumentException("C overlaps A; the product cannot be computed in place.", nameof(c));
            if (k > 0 && c.Overlaps(b)) throw new ArgumentException("C overlaps B; the product cannot be computed in place.", nameof(c));
        }
        KernelPaths.EnsureSupported(path);
        if (m == 0 || n == 0) return;

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            if (k == 0)
            {
                if (!accumulate)
                {
                    for (int i = 0; i < m; i++) new Span<float>(pc + (long)i * ldc, n).Clear();
                }
                return;
            }
            if (path == KernelPath.Scalar)
            {
                MatMulScalar.Multiply(transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate);
                return;
            }
            var args = new Args(transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate);
            KernelDispatch.Run<Blocked, Args>(path, ref args);
        }
    }

    private static void ValidateOperand(ReadOnlySpan<float> span, int rows, int cols, int ld, string what, string spanName, string ldName)
    {
        if (ld < Math.Max(1, cols)) throw new ArgumentException($"{ldName} {ld} is smaller than the {cols} columns of {what}.", ldName);
        if (rows == 0 || cols == 0) return;
        long needed = (long)(rows - 1) * ld + cols;
        if (span.Length < needed)
            throw new ArgumentException($"{what} with leading dimension {ld} needs {needed} elements, got {span.Length}.", spanName);
    }

    private readonly unsafe struct Args(bool transA, bool transB, int m, int n, int k, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, bool accumulate)
    {
        public readonly bool TransA = transA, TransB = transB, Accumulate = accumulate;
        public readonly int M = m, N = n, K = k;
        public readonly float* A = a, B = b, C = c;
        public readonly nint Lda = lda, Ldb = ldb, Ldc = ldc;
    }

    private readonly struct Blocked : IWidthKernel<Args>
    {
        public static void Run<TOps, TVector>(ref Args x)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct =>
            MultiplyBlocked<TOps, TVector>(x.TransA, x.TransB, x.M, x.N, x.K, x.A, x.Lda, x.B, x.Ldb, x.C, x.Ldc, x.Accumulate);
    }

    /// <summary>
    /// GotoBLAS-style blocking: for each block of columns and depth, op(B) is packed into 16-column panels; for
    /// each block of rows, op(A) into k-major slivers; then the micro-kernel runs with a panel pair held in L1
    /// while slivers of A stream from L2. Later depth blocks continue the chains from C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyBlocked<TOps, TVector>(
        bool transA, bool transB, int m, int n, int k,
        float* a, nint lda, float* b, nint ldb, float* c, nint ldc, bool accumulate)
        where TOps : struct, IFloatVectorOps<TVector>
        where TVector : struct
    {
        if (TOps.Count == 1) return; // the scalar path is MatMulScalar
        int mr = TOps.GemmRows;
        int np = TOps.GemmPanels;
        int blockM = mr * BlockMSlivers;
        int kcMax = Math.Min(k, BlockK);
        int ncMax = Math.Min(PackedMatrix.RoundUp(n, W), BlockN);
        int mcMax = Math.Min(PackedMatrix.RoundUp(m, mr), blockM);
        float* packedB = KernelScratch.PackedB((long)kcMax * ncMax);
        float* packedA = KernelScratch.PackedA((long)mcMax * kcMax + KernelPacking.RowsSpill);
        const int TileStride = 2 * W;
        float* tile = stackalloc float[8 * TileStride]; // the largest kernel: 8 rows × 2 panels

        for (int jc = 0; jc < n; jc += BlockN)
        {
            int nc = Math.Min(BlockN, n - jc);
            int panels = (nc + W - 1) / W;
            for (int pc = 0; pc < k; pc += BlockK)
            {
                int kc = Math.Min(BlockK, k - pc);
                nint panelStride = (nint)kc * W;
                if (transB) KernelPacking.PackPanelsFromColumns(b + jc * ldb + pc, kc, nc, ldb, packedB);
                else KernelPacking.PackPanelsFromRows(b + pc * ldb + jc, kc, nc, ldb, packedB);
                bool loadC = accumulate || pc > 0;
                for (int ic = 0; ic < m; ic += blockM)
                {
                    int mc = Math.Min(blockM, m - ic);
                    if (transA) KernelPacking.PackColumnsKMajor(a + pc * lda + ic, mc, lda, kc, mr, packedA);
                    else KernelPacking.PackRowsKMajor(a + ic * lda + pc, mc, lda, kc, mr, packedA);
                    for (int p = 0; p < panels; p += np)
                    {
                        int panelsHere = Math.Min(np, panels - p);
                        int cols = Math.Min(panelsHere * W, nc - p * W);
                        float* bp = packedB + p * panelStride;
                        for (int r0 = 0; r0 < mc; r0 += mr)
                        {
                            int rows = Math.Min(mr, mc - r0);
                            float* ap = packedA + (long)r0 * kc;
                            float* cp = c + (ic + r0) * ldc + jc + p * W;
                            if (cols == panelsHere * W)
                            {
                                GemmKernels<TOps, TVector>.Kernel(rows, panelsHere, ap, bp, panelStride, W, kc, cp, ldc, null, null, loadC, addC: false);
                            }
                            else
                            {
                                // Right edge: the panels hold zero columns past n, which C has no room for.
                                if (loadC) CopyBlock(cp, ldc, tile, TileStride, rows, cols);
                                GemmKernels<TOps, TVector>.Kernel(rows, panelsHere, ap, bp, panelStride, W, kc, tile, TileStride, null, null, loadC, addC: false);
                                CopyBlock(tile, TileStride, cp, ldc, rows, cols);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void CopyBlock(float* src, nint srcStride, float* dst, nint dstStride, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
            new ReadOnlySpan<float>(src + r * srcStride, cols).CopyTo(new Span<float>(dst + r * dstStride, cols));
    }
}
