using System.Runtime.CompilerServices;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// C (m × PaddedN, row stride ldc) = [C +] bias + A (m × K, row stride lda) · B (packed).
/// Used for the recurrent product of a step (m = batch) and the input projection of all steps at once
/// (m = seq × batch). Columns N..PaddedN of C are written too (with zeros from the padded panels).
/// Every path computes each element as one multiply-add chain over k ascending from zero, then adds the bias, then
/// (with <c>accumulate</c>) adds that to C: all four paths give identical bits on one machine, and
/// a row gives the same bits whatever m it is computed in.
/// m = 1 streams several panels at a time with no packing; m &gt; 1 packs A into a per-thread buffer and runs a
/// register-blocked kernel (<see cref="GemmKernels{TOps, TVector}"/>; the width struct sets both blockings; the
/// scalar path runs every row as m = 1). Thread-safe; warm calls allocate nothing.
/// </summary>
internal static unsafe class Gemm
{
    private const int W = PackedMatrix.PanelWidth;

    /// <summary>Largest packed block of A (floats) kept per pass: 256 KiB, a quarter of L2, so it stays there
    /// while the panels of B stream past it.</summary>
    private const int MaxPackedAFloats = 64 * 1024;

    /// <summary>C = [C +] bias + A · B, as the class summary says.</summary>
    /// <param name="path">The kernel path; it must be supported here.</param>
    /// <param name="a">A, m rows of K floats, <paramref name="lda"/> apart.</param>
    /// <param name="m">Rows of A and C.</param>
    /// <param name="lda">Floats between rows of A (at least K).</param>
    /// <param name="b">The packed right-hand operand.</param>
    /// <param name="bias">N biases, or empty for none.</param>
    /// <param name="c">C, m rows of PaddedN floats, <paramref name="ldc"/> apart; may not overlap A or the bias.</param>
    /// <param name="ldc">Floats between rows of C (at least PaddedN).</param>
    /// <param name="accumulate">Add the product to C instead of overwriting it.</param>
    /// <param name="descending">
    /// Visit the panels of B last to first (same bits either way). Alternate it between consecutive products over
    /// the same weights: each then starts on the panels the previous one read last, which are still in L2. For a
    /// batch-1 product over 1–4 MiB of weights on this machine (1 MiB L2) that saves 18–27 % of the time.
    /// </param>
    public static void Multiply(
        KernelPath path, ReadOnlySpan<float> a, int m, int lda,
        PackedMatrix b, ReadOnlySpan<float> bias, Span<float> c, int ldc, bool accumulate, bool descending = false)
    {
        ArgumentNullException.ThrowIfNull(b);
        ObjectDisposedException.ThrowIf(b.IsDisposed, b);
        int k = b.K;
        if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), m, "m must be >= 0.");
        if (m == 0) return;
        if (lda < k) throw new ArgumentException($"lda {lda} < K {k}.", nameof(lda));
        if (ldc < b.PaddedN) throw new ArgumentException($"ldc {ldc} < padded N {b.PaddedN}.", nameof(ldc));
        if (a.Length < (long)(m - 1) * lda + k) throw new ArgumentException($"A has {a.Length} elements, needs {(long)(m - 1) * lda + k}.", nameof(a));
        if (c.Length < (long)(m - 1) * ldc + b.PaddedN) throw new ArgumentException($"C has {c.Length} elements, needs {(long)(m - 1) * ldc + b.PaddedN}.", nameof(c));
        if (!bias.IsEmpty && bias.Length < b.N) throw new ArgumentException($"bias has {bias.Length} elements, needs {b.N}.", nameof(bias));
        if (c.Overlaps(a)) throw new ArgumentException("C overlaps A; the product cannot be computed in place.", nameof(c));
        if (c.Overlaps(bias)) throw new ArgumentException("C overlaps the bias.", nameof(c));
        KernelPaths.EnsureSupported(path);

        fixed (float* pa = a)
        fixed (float* pbias = bias)
        fixed (float* pc = c)
        {
            var args = new Args(pa, m, lda, b, bias.IsEmpty ? null : pbias, pc, ldc, accumulate, descending);
            KernelDispatch.Run<Driver, Args>(path, ref args);
        }
    }

    private readonly ref struct Args(float* a, int m, int lda, PackedMatrix b, float* bias, float* c, int ldc, bool accumulate, bool descending)
    {
        public readonly float* A = a, Bias = bias, C = c;
        public readonly int M = m, Lda = lda, Ldc = ldc;
        public readonly PackedMatrix B = b;
        public readonly bool Accumulate = accumulate, Descending = descending;
    }

    private readonly struct Driver : IWidthKernel<Args>
    {
        public static void Run<TOps, TVector>(ref Args args)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct =>
            Multiply<TOps, TVector>(args.A, args.M, args.Lda, args.B, args.Bias, args.C, args.Ldc, args.Accumulate, args.Descending);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Multiply<TOps, TVector>(float* a, int m, int lda, PackedMatrix b, float* bias, float* c, int ldc, bool accumulate, bool descending)
        where TOps : struct, IFloatVectorOps<TVector>
        where TVector : struct
    {
        int k = b.K;
        int panels = b.PanelCount;

        // The last panel may hold fewer than 16 real columns; its biases go through a zero-padded copy so the
        // kernels can always load 16.
        int fullPanels = b.N / W;
        float* tailBias = stackalloc float[W];
        if (bias != null && fullPanels < panels)
        {
            for (int j = 0; j < W; j++) tailBias[j] = fullPanels * W + j < b.N ? bias[fullPanels * W + j] : 0f;
        }

        if (m == 1 || TOps.Count == 1)
        {
            // Batch-1 step: bandwidth bound, so GemvPanels panels per pass (with the Groups layout one wide row per
            // k) and nothing to pack. The scalar path takes every row this way: a panel row is 16 chains already.
            for (int i = 0; i < m; i++)
                Gemv<TOps, TVector>(a + (long)i * lda, b, bias, tailBias, fullPanels, c + (long)i * ldc, accumulate, descending);
            return;
        }

        int mr = TOps.GemmRows;
        int np = TOps.GemmPanels;
        int mc = Math.Max(mr, Math.Min(PackedMatrix.RoundUp(m, mr), MaxPackedAFloats / k / mr * mr));
        float* packedA = KernelScratch.PackedA((long)mc * k + KernelPacking.RowsSpill);
        for (int i0 = 0; i0 < m; i0 += mc)
        {
            int rowsInBlock = Math.Min(mc, m - i0);
            KernelPacking.PackRowsKMajor(a + (long)i0 * lda, rowsInBlock, lda, k, mr, packedA);
            int pairs = (panels + np - 1) / np;
            for (int pi = 0; pi < pairs; pi++)
            {
                int p = (descending ? pairs - 1 - pi : pi) * np;
                int panelsHere = Math.Min(np, panels - p);
                float* bias0 = bias == null ? null : p < fullPanels ? bias + p * W : tailBias;
                float* bias1 = bias == null || panelsHere < 2 ? null : p + 1 < fullPanels ? bias + (p + 1) * W : tailBias;
                nint rowStride = b.RowStride(p); // p and p + 1 share a run: runs start at even panels
                for (int r0 = 0; r0 < rowsInBlock; r0 += mr)
                {
                    int rows = Math.Min(mr, rowsInBlock - r0);
                    float* ap = packedA + (long)r0 * k;
                    float* cp = c + (long)(i0 + r0) * ldc + p * W;
                    GemmKernels<TOps, TVector>.Kernel(rows, panelsHere, ap, b.Panel(p), b.PanelStride, rowStride, k, cp, ldc, bias0, bias1, false, accumulate);
                }
            }
        }
    }

    /// <summary>One row: c (PaddedN) = [c +] bias + x · B, in passes of GemvPanels panels within each run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gemv<TOps, TVector>(float* x, PackedMatrix b, float* bias, float* tailBias, int fullPanels, float* c, bool accumulate, bool descending)
        where TOps : struct, IFloatVectorOps<TVector>
        where TVector : struct
    {
        int k = b.K, panels = b.PanelCount;
        int pass = TOps.GemvPanels;
        int run = b.PanelsPerRun;
        nint panelStride = b.PanelStride;
        int runs = (panels + run - 1) / run;
        for (int ri = 0; ri < runs; ri++)
        {
            int g0 = (descending ? runs - 1 - ri : ri) * run;
            int groupEnd = Math.Min(panels, g0 + run);
            nint rowStride = b.RowStride(g0);
            // A partial last panel goes alone, with the zero-padded copy of its biases.
            bool hasTail = bias != null && fullPanels < groupEnd;
            int fullEnd = hasTail ? groupEnd - 1 : groupEnd;
            if (hasTail && descending) GemmKernels<TOps, TVector>.Gemv(1, x, b.Panel(fullEnd), panelStride, rowStride, k, c + fullEnd * W, tailBias, accumulate);
            for (int i = g0; i < fullEnd; i += pass)
            {
                int g = Math.Min(pass, fullEnd - i);
                int p = descending ? fullEnd - (i - g0) - g : i;
                GemmKernels<TOps, TVector>.Gemv(g, x, b.Panel(p), panelStride, rowStride, k, c + p * W, bias == null ? null : bias + p * W, accumulate);
            }
            if (hasTail && !descending) GemmKernels<TOps, TVector>.Gemv(1, x, b.Panel(fullEnd), panelStride, rowStride, k, c + fullEnd * W, tailBias, accumulate);
        }
    }
}
