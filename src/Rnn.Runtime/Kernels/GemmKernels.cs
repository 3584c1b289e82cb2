using System.Runtime.CompilerServices;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// The GEMM/GEMV micro-kernels over packed 16-column panels, written once for every width (a panel row is
/// 16 / Count vectors: one zmm, two ymm, four xmm or sixteen floats). Every output element is one multiply-add chain
/// over k ascending, started from zero (or from C), then + bias, then (with addC) C + that: all widths compute the
/// same operations in the same order, so where the hardware fuses (or nowhere) they agree bit for bit; only the
/// blocking differs, and it comes from the width struct (<see cref="IFloatVectorOps{TVector}.GemvPanels"/>,
/// <see cref="IFloatVectorOps{TVector}.GemmRows"/>, <see cref="IFloatVectorOps{TVector}.GemmPanels"/>).
/// Accumulators are locals named one by one, with compile-time counts that drop the ones a width does not use,
/// so the JIT and NativeAOT keep them in registers.
/// </summary>
internal static unsafe class GemmKernels<TOps, TVector>
    where TOps : struct, IFloatVectorOps<TVector>
    where TVector : struct
{
    private const int W = PackedMatrix.PanelWidth;

    /// <summary>
    /// c[0 .. 16·P) = [c +] bias + x · (P consecutive panels starting at b). x has k floats; panel j starts at
    /// b + j·panelStride and its rows are rowStride floats apart; bias (optional) is read at bias + 16·j.
    /// P·16 / Count ≤ 16 accumulators.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemv<TPanels>(float* x, float* b, nint panelStride, nint rowStride, int k, float* c, float* bias, bool addC)
        where TPanels : struct, IKernelCount
    {
        int N = TPanels.Value * (W / TOps.Count);
        TVector a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        TVector a8 = default, a9 = default, a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default;
        float* p0 = b;
        float* p1 = p0 + panelStride;
        float* p2 = p1 + panelStride;
        float* p3 = p2 + panelStride;
        float* p4 = p3 + panelStride;
        float* p5 = p4 + panelStride;
        float* p6 = p5 + panelStride;
        float* p7 = p6 + panelStride;
        nint end = k * rowStride;
        for (nint o = 0; o < end; o += rowStride)
        {
            TVector xv = TOps.Broadcast(*x++);
            a0 = TOps.MultiplyAdd(xv, TOps.LoadAligned(At(0, p0, p1, p2, p3, p4, p5, p6, p7) + o), a0);
            if (N > 1) a1 = TOps.MultiplyAdd(xv, TOps.LoadAligned(At(1, p0, p1, p2, p3, p4, p5, p6, p7) + o), a1);
            if (N > 2) a2 = TOps.MultiplyAdd(xv, TOps.LoadAligned(At(2, p0, p1, p2, p3, p4, p5, p6, p7) + o), a2);
            if (N > 3) a3 = TOps.MultiplyAdd(xv, TOps.LoadAligned(At(3, p0, p1, p2, p3, p4, p5, p6, p7) + o), a3);
            if (N > 4) a4 = TOps.MultiplyAdd(xv, TOps.LoadAligned(At(4, p0, p1, p2, p3, p4, p5, p6, p7) + o), a4);
            if (N > 5) a5 = TOps.MultiplyAdd(xv, TOps.LoadAligned(At(5, p0, p1, p2, p3, p4, p5, p6, p7) + o), a5);
            if (N > 6) a6 = TOps.MultiplyAdd(xv, TOps.LoadAligned(At(6, p0, p1, p2, p3, p4, p5, p6, p7) + o), a6);
            if (N > 7) a7 = TOps.MultiplyAdd(xv, TOps.LoadAligned(At(7, p0, p1, p2, p3, p4, p5, p6, p7) + o), a7);
            if (N > 8) a8 = TOps.MultiplyAdd(xv, TOps.LoadAligned(At(8, p0, p1, p2, p3, p4, p5, p6, p7) + o), a8);
            if (N > 9) a9 = TOps.MultiplyAdd(xv, TOps.LoadAligned(At(9, p0, p1, p2, p3, p4, p5, p6, p7) + o), a9);
            if (N > 10) a10 = TOps.MultiplyAdd(xv, TOps.LoadAligned(At(10, p0, p1, p2, p3, p4, p5, p6, p7) + o), a10);
            if (N > 11) a11 = TOps.MultiplyAdd(xv, TOps.LoadAligned(At(11, p0, p1, p2, p3, p4, p5, p6, p7) + o), a11);
            if (N > 12) a12 = TOps.MultiplyAdd(xv, TOps.LoadAligned(At(12, p0, p1, p2, p3, p4, p5, p6, p7) + o), a12);
            if (N > 13) a13 = TOps.MultiplyAdd(xv, TOps.LoadAligned(At(13, p0, p1, p2, p3, p4, p5, p6, p7) + o), a13);
            if (N > 14) a14 = TOps.MultiplyAdd(xv, TOps.LoadAligned(At(14, p0, p1, p2, p3, p4, p5, p6, p7) + o), a14);
            if (N > 15) a15 = TOps.MultiplyAdd(xv, TOps.LoadAligned(At(15, p0, p1, p2, p3, p4, p5, p6, p7) + o), a15);
        }
        Finish(a0, c + 0 * TOps.Count, bias == null ? null : bias + 0 * TOps.Count, addC);
        if (N > 1) Finish(a1, c + 1 * TOps.Count, bias == null ? null : bias + 1 * TOps.Count, addC);
        if (N > 2) Finish(a2, c + 2 * TOps.Count, bias == null ? null : bias + 2 * TOps.Count, addC);
        if (N > 3) Finish(a3, c + 3 * TOps.Count, bias == null ? null : bias + 3 * TOps.Count, addC);
        if (N > 4) Finish(a4, c + 4 * TOps.Count, bias == null ? null : bias + 4 * TOps.Count, addC);
        if (N > 5) Finish(a5, c + 5 * TOps.Count, bias == null ? null : bias + 5 * TOps.Count, addC);
        if (N > 6) Finish(a6, c + 6 * TOps.Count, bias == null ? null : bias + 6 * TOps.Count, addC);
        if (N > 7) Finish(a7, c + 7 * TOps.Count, bias == null ? null : bias + 7 * TOps.Count, addC);
        if (N > 8) Finish(a8, c + 8 * TOps.Count, bias == null ? null : bias + 8 * TOps.Count, addC);
        if (N > 9) Finish(a9, c + 9 * TOps.Count, bias == null ? null : bias + 9 * TOps.Count, addC);
        if (N > 10) Finish(a10, c + 10 * TOps.Count, bias == null ? null : bias + 10 * TOps.Count, addC);
        if (N > 11) Finish(a11, c + 11 * TOps.Count, bias == null ? null : bias + 11 * TOps.Count, addC);
        if (N > 12) Finish(a12, c + 12 * TOps.Count, bias == null ? null : bias + 12 * TOps.Count, addC);
        if (N > 13) Finish(a13, c + 13 * TOps.Count, bias == null ? null : bias + 13 * TOps.Count, addC);
        if (N > 14) Finish(a14, c + 14 * TOps.Count, bias == null ? null : bias + 14 * TOps.Count, addC);
        if (N > 15) Finish(a15, c + 15 * TOps.Count, bias == null ? null : bias + 15 * TOps.Count, addC);
    }

    /// <summary>Where accumulator j of a GEMV pass reads: panel j / (16 / Count), vector j mod (16 / Count) of its row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* At(int j, float* p0, float* p1, float* p2, float* p3, float* p4, float* p5, float* p6, float* p7)
    {
        int perPanel = W / TOps.Count;
        float* panel = (j / perPanel) switch
        {
            0 => p0, 1 => p1, 2 => p2, 3 => p3, 4 => p4, 5 => p5, 6 => p6, _ => p7,
        };
        return panel + j % perPanel * TOps.Count;
    }

    /// <summary>Runs <see cref="Gemv{TPanels}"/> for a group of 1..8 panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemv(int panels, float* x, float* b, nint panelStride, nint rowStride, int k, float* c, float* bias, bool addC)
    {
        switch (panels)
        {
            case 8: Gemv<Count8>(x, b, panelStride, rowStride, k, c, bias, addC); break;
            case 7: Gemv<Count7>(x, b, panelStride, rowStride, k, c, bias, addC); break;
            case 6: Gemv<Count6>(x, b, panelStride, rowStride, k, c, bias, addC); break;
            case 5: Gemv<Count5>(x, b, panelStride, rowStride, k, c, bias, addC); break;
            case 4: Gemv<Count4>(x, b, panelStride, rowStride, k, c, bias, addC); break;
            case 3: Gemv<Count3>(x, b, panelStride, rowStride, k, c, bias, addC); break;
            case 2: Gemv<Count2>(x, b, panelStride, rowStride, k, c, bias, addC); break;
            default: Gemv<Count1>(x, b, panelStride, rowStride, k, c, bias, addC); break;
        }
    }

    /// <summary>
    /// The register-blocked kernel: C (TRows × 16·TPanels, row stride ldc) = [C +] bias + A·B, or with
    /// <paramref name="loadC"/> the chains start from C instead of zero. A is packed k-major: element (r, k) at
    /// a[k·GemmRows + r]. Panel j of B starts at b + j·panelStride, its rows rowStride floats apart; bias0/bias1
    /// (optional) are the panels' 16 biases. TRows ≤ 8 rows × V = 16·TPanels / Count ≤ 4 vectors per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel<TRows, TPanels>(
        float* a, float* b, nint panelStride, nint rowStride, int k, float* c, nint ldc,
        float* bias0, float* bias1, bool loadC, bool addC)
        where TRows : struct, IKernelCount
        where TPanels : struct, IKernelCount
    {
        int R = TRows.Value, V = TPanels.Value * (W / TOps.Count), mr = TOps.GemmRows;
        TVector c00 = default, c01 = default, c02 = default, c03 = default;
        TVector c10 = default, c11 = default, c12 = default, c13 = default;
        TVector c20 = default, c21 = default, c22 = default, c23 = default;
        TVector c30 = default, c31 = default, c32 = default, c33 = default;
        TVector c40 = default, c41 = default, c42 = default, c43 = default;
        TVector c50 = default, c51 = default, c52 = default, c53 = default;
        TVector c60 = default, c61 = default, c62 = default, c63 = default;
        TVector c70 = default, c71 = default, c72 = default, c73 = default;
        if (loadC)
        {
            { c00 = TOps.Load(c + 0 * ldc); if (V > 1) c01 = TOps.Load(c + 0 * ldc + TOps.Count); if (V > 2) c02 = TOps.Load(c + 0 * ldc + 2 * TOps.Count); if (V > 3) c03 = TOps.Load(c + 0 * ldc + 3 * TOps.Count); }
            if (R > 1) { c10 = TOps.Load(c + 1 * ldc); if (V > 1) c11 = TOps.Load(c + 1 * ldc + TOps.Count); if (V > 2) c12 = TOps.Load(c + 1 * ldc + 2 * TOps.Count); if (V > 3) c13 = TOps.Load(c + 1 * ldc + 3 * TOps.Count); }
            if (R > 2) { c20 = TOps.Load(c + 2 * ldc); if (V > 1) c21 = TOps.Load(c + 2 * ldc + TOps.Count); if (V > 2) c22 = TOps.Load(c + 2 * ldc + 2 * TOps.Count); if (V > 3) c23 = TOps.Load(c + 2 * ldc + 3 * TOps.Count); }
            if (R > 3) { c30 = TOps.Load(c + 3 * ldc); if (V > 1) c31 = TOps.Load(c + 3 * ldc + TOps.Count); if (V > 2) c32 = TOps.Load(c + 3 * ldc + 2 * TOps.Count); if (V > 3) c33 = TOps.Load(c + 3 * ldc + 3 * TOps.Count); }
            if (R > 4) { c40 = TOps.Load(c + 4 * ldc); if (V > 1) c41 = TOps.Load(c + 4 * ldc + TOps.Count); if (V > 2) c42 = TOps.Load(c + 4 * ldc + 2 * TOps.Count); if (V > 3) c43 = TOps.Load(c + 4 * ldc + 3 * TOps.Count); }
            if (R > 5) { c50 = TOps.Load(c + 5 * ldc); if (V > 1) c51 = TOps.Load(c + 5 * ldc + TOps.Count); if (V > 2) c52 = TOps.Load(c + 5 * ldc + 2 * TOps.Count); if (V > 3) c53 = TOps.Load(c + 5 * ldc + 3 * TOps.Count); }
            if (R > 6) { c60 = TOps.Load(c + 6 * ldc); if (V > 1) c61 = TOps.Load(c + 6 * ldc + TOps.Count); if (V > 2) c62 = TOps.Load(c + 6 * ldc + 2 * TOps.Count); if (V > 3) c63 = TOps.Load(c + 6 * ldc + 3 * TOps.Count); }
            if (R > 7) { c70 = TOps.Load(c + 7 * ldc); if (V > 1) c71 = TOps.Load(c + 7 * ldc + TOps.Count); if (V > 2) c72 = TOps.Load(c + 7 * ldc + 2 * TOps.Count); if (V > 3) c73 = TOps.Load(c + 7 * ldc + 3 * TOps.Count); }
        }

        float* q0 = B(0, b, panelStride), q1 = B(1, b, panelStride), q2 = B(2, b, panelStride), q3 = B(3, b, panelStride);
        for (int kk = 0; kk < k; kk++)
        {
            TVector b0 = TOps.LoadAligned(q0);
            TVector b1 = V > 1 ? TOps.LoadAligned(q1) : default;
            TVector b2 = V > 2 ? TOps.LoadAligned(q2) : default;
            TVector b3 = V > 3 ? TOps.LoadAligned(q3) : default;
            TVector av;
            { av = TOps.Broadcast(a[0]); c00 = TOps.MultiplyAdd(av, b0, c00); if (V > 1) c01 = TOps.MultiplyAdd(av, b1, c01); if (V > 2) c02 = TOps.MultiplyAdd(av, b2, c02); if (V > 3) c03 = TOps.MultiplyAdd(av, b3, c03); }
            if (R > 1) { av = TOps.Broadcast(a[1]); c10 = TOps.MultiplyAdd(av, b0, c10); if (V > 1) c11 = TOps.MultiplyAdd(av, b1, c11); if (V > 2) c12 = TOps.MultiplyAdd(av, b2, c12); if (V > 3) c13 = TOps.MultiplyAdd(av, b3, c13); }
            if (R > 2) { av = TOps.Broadcast(a[2]); c20 = TOps.MultiplyAdd(av, b0, c20); if (V > 1) c21 = TOps.MultiplyAdd(av, b1, c21); if (V > 2) c22 = TOps.MultiplyAdd(av, b2, c22); if (V > 3) c23 = TOps.MultiplyAdd(av, b3, c23); }
            if (R > 3) { av = TOps.Broadcast(a[3]); c30 = TOps.MultiplyAdd(av, b0, c30); if (V > 1) c31 = TOps.MultiplyAdd(av, b1, c31); if (V > 2) c32 = TOps.MultiplyAdd(av, b2, c32); if (V > 3) c33 = TOps.MultiplyAdd(av, b3, c33); }
            if (R > 4) { av = TOps.Broadcast(a[4]); c40 = TOps.MultiplyAdd(av, b0, c40); if (V > 1) c41 = TOps.MultiplyAdd(av, b1, c41); if (V > 2) c42 = TOps.MultiplyAdd(av, b2, c42); if (V > 3) c43 = TOps.MultiplyAdd(av, b3, c43); }
            if (R > 5) { av = TOps.Broadcast(a[5]); c50 = TOps.MultiplyAdd(av, b0, c50); if (V > 1) c51 = TOps.MultiplyAdd(av, b1, c51); if (V > 2) c52 = TOps.MultiplyAdd(av, b2, c52); if (V > 3) c53 = TOps.MultiplyAdd(av, b3, c53); }
            if (R > 6) { av = TOps.Broadcast(a[6]); c60 = TOps.MultiplyAdd(av, b0, c60); if (V > 1) c61 = TOps.MultiplyAdd(av, b1, c61); if (V > 2) c62 = TOps.MultiplyAdd(av, b2, c62); if (V > 3) c63 = TOps.MultiplyAdd(av, b3, c63); }
            if (R > 7) { av = TOps.Broadcast(a[7]); c70 = TOps.MultiplyAdd(av, b0, c70); if (V > 1) c71 = TOps.MultiplyAdd(av, b1, c71); if (V > 2) c72 = TOps.MultiplyAdd(av, b2, c72); if (V > 3) c73 = TOps.MultiplyAdd(av, b3, c73); }
            a += mr;
            q0 += rowStride; q1 += rowStride; q2 += rowStride; q3 += rowStride;
        }

        { Finish(c00, c + 0 * ldc, Bias(0, bias0, bias1), addC); if (V > 1) Finish(c01, c + 0 * ldc + TOps.Count, Bias(1, bias0, bias1), addC); if (V > 2) Finish(c02, c + 0 * ldc + 2 * TOps.Count, Bias(2, bias0, bias1), addC); if (V > 3) Finish(c03, c + 0 * ldc + 3 * TOps.Count, Bias(3, bias0, bias1), addC); }
        if (R > 1) { Finish(c10, c + 1 * ldc, Bias(0, bias0, bias1), addC); if (V > 1) Finish(c11, c + 1 * ldc + TOps.Count, Bias(1, bias0, bias1), addC); if (V > 2) Finish(c12, c + 1 * ldc + 2 * TOps.Count, Bias(2, bias0, bias1), addC); if (V > 3) Finish(c13, c + 1 * ldc + 3 * TOps.Count, Bias(3, bias0, bias1), addC); }
        if (R > 2) { Finish(c20, c + 2 * ldc, Bias(0, bias0, bias1), addC); if (V > 1) Finish(c21, c + 2 * ldc + TOps.Count, Bias(1, bias0, bias1), addC); if (V > 2) Finish(c22, c + 2 * ldc + 2 * TOps.Count, Bias(2, bias0, bias1), addC); if (V > 3) Finish(c23, c + 2 * ldc + 3 * TOps.Count, Bias(3, bias0, bias1), addC); }
        if (R > 3) { Finish(c30, c + 3 * ldc, Bias(0, bias0, bias1), addC); if (V > 1) Finish(c31, c + 3 * ldc + TOps.Count, Bias(1, bias0, bias1), addC); if (V > 2) Finish(c32, c + 3 * ldc + 2 * TOps.Count, Bias(2, bias0, bias1), addC); if (V > 3) Finish(c33, c + 3 * ldc + 3 * TOps.Count, Bias(3, bias0, bias1), addC); }
        if (R > 4) { Finish(c40, c + 4 * ldc, Bias(0, bias0, bias1), addC); if (V > 1) Finish(c41, c + 4 * ldc + TOps.Count, Bias(1, bias0, bias1), addC); if (V > 2) Finish(c42, c + 4 * ldc + 2 * TOps.Count, Bias(2, bias0, bias1), addC); if (V > 3) Finish(c43, c + 4 * ldc + 3 * TOps.Count, Bias(3, bias0, bias1), addC); }
        if (R > 5) { Finish(c50, c + 5 * ldc, Bias(0, bias0, bias1), addC); if (V > 1) Finish(c51, c + 5 * ldc + TOps.Count, Bias(1, bias0, bias1), addC); if (V > 2) Finish(c52, c + 5 * ldc + 2 * TOps.Count, Bias(2, bias0, bias1), addC); if (V > 3) Finish(c53, c + 5 * ldc + 3 * TOps.Count, Bias(3, bias0, bias1), addC); }
        if (R > 6) { Finish(c60, c + 6 * ldc, Bias(0, bias0, bias1), addC); if (V > 1) Finish(c61, c + 6 * ldc + TOps.Count, Bias(1, bias0, bias1), addC); if (V > 2) Finish(c62, c + 6 * ldc + 2 * TOps.Count, Bias(2, bias0, bias1), addC); if (V > 3) Finish(c63, c + 6 * ldc + 3 * TOps.Count, Bias(3, bias0, bias1), addC); }
        if (R > 7) { Finish(c70, c + 7 * ldc, Bias(0, bias0, bias1), addC); if (V > 1) Finish(c71, c + 7 * ldc + TOps.Count, Bias(1, bias0, bias1), addC); if (V > 2) Finish(c72, c + 7 * ldc + 2 * TOps.Count, Bias(2, bias0, bias1), addC); if (V > 3) Finish(c73, c + 7 * ldc + 3 * TOps.Count, Bias(3, bias0, bias1), addC); }
    }

    /// <summary>Row 0 of vector v of a kernel's panel row: panel v / (16 / Count), part v mod (16 / Count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* B(int v, float* b, nint panelStride)
    {
        int perPanel = W / TOps.Count;
        return b + v / perPanel * panelStride + v % perPanel * TOps.Count;
    }

    /// <summary>The biases of vector v of a kernel's panel row (null for none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* Bias(int v, float* bias0, float* bias1)
    {
        int perPanel = W / TOps.Count;
        float* panel = v / perPanel == 0 ? bias0 : bias1;
        return panel == null ? null : panel + v % perPanel * TOps.Count;
    }

    /// <summary>Runs <see cref="Kernel{TRows, TPanels}"/> for 1..8 rows and 1..2 panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel(
        int rows, int panels, float* a, float* b, nint panelStride, nint rowStride, int k, float* c, nint ldc,
        float* bias0, float* bias1, bool loadC, bool addC)
    {
        if (panels == 2) Kernel<Count2>(rows, a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC);
        else Kernel<Count1>(rows, a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel<TPanels>(
        int rows, float* a, float* b, nint panelStride, nint rowStride, int k, float* c, nint ldc,
        float* bias0, float* bias1, bool loadC, bool addC)
        where TPanels : struct, IKernelCount
    {
        switch (rows)
        {
            case 8: Kernel<Count8, TPanels>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
            case 7: Kernel<Count7, TPanels>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
            case 6: Kernel<Count6, TPanels>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
            case 5: Kernel<Count5, TPanels>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
            case 4: Kernel<Count4, TPanels>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
            case 3: Kernel<Count3, TPanels>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
            case 2: Kernel<Count2, TPanels>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
            default: Kernel<Count1, TPanels>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
        }
    }

    /// <summary>The epilogue, in the scalar order: v = acc + bias; c = addC ? c + v : v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(TVector acc, float* c, float* bias, bool addC)
    {
        if (bias != null) acc = TOps.Add(acc, TOps.Load(bias));
        if (addC) acc = TOps.Add(TOps.Load(c), acc);
        TOps.Store(acc, c);
    }
}
