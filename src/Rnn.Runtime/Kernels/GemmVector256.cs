using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// Vector256 micro-kernels over packed panels (16 columns = two ymm per panel row, "lo" and "hi"). Same sums in
/// the same order as <see cref="GemmScalar"/> and <see cref="GemmVector512"/>; blocking sized for AVX2's 16
/// registers: 6 rows × 1 panel = 12 accumulators.
/// </summary>
internal static unsafe class GemmVector256
{
    /// <summary>Rows of A per micro-kernel call (MR).</summary>
    public const int Rows = 6;

    /// <summary>Panels of B per micro-kernel call.</summary>
    public const int Panels = 1;

    /// <summary>Panels per matrix-vector pass: 4 panels = 8 independent FMA chains.</summary>
    public const int GemvPanels = 4;

    private const int W = PackedMatrix.PanelWidth;
    private const int H = W / 2;

    /// <summary>
    /// c[0 .. 16·P) = [c +] bias + x · (P consecutive panels starting at b). x has k floats; panel j starts at
    /// b + j·panelStride; bias (optional) is read at bias + 16·j.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemv<TPanels>(float* x, float* b, nint panelStride, nint rowStride, int k, float* c, float* bias, bool addC)
        where TPanels : struct, IKernelCount
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector256<float> a4 = default, a5 = default, a6 = default, a7 = default;
        float* b0 = b;
        float* b1 = b0 + panelStride;
        float* b2 = b1 + panelStride;
        float* b3 = b2 + panelStride;
        nint end = k * rowStride;
        for (nint o = 0; o < end; o += rowStride)
        {
            Vector256<float> xv = Vector256.Create(*x++);
            a0 = Vector256.FusedMultiplyAdd(xv, Vector256.LoadAligned(b0 + o), a0);
            a1 = Vector256.FusedMultiplyAdd(xv, Vector256.LoadAligned(b0 + o + H), a1);
            if (TPanels.Value > 1)
            {
                a2 = Vector256.FusedMultiplyAdd(xv, Vector256.LoadAligned(b1 + o), a2);
                a3 = Vector256.FusedMultiplyAdd(xv, Vector256.LoadAligned(b1 + o + H), a3);
            }
            if (TPanels.Value > 2)
            {
                a4 = Vector256.FusedMultiplyAdd(xv, Vector256.LoadAligned(b2 + o), a4);
                a5 = Vector256.FusedMultiplyAdd(xv, Vector256.LoadAligned(b2 + o + H), a5);
            }
            if (TPanels.Value > 3)
            {
                a6 = Vector256.FusedMultiplyAdd(xv, Vector256.LoadAligned(b3 + o), a6);
                a7 = Vector256.FusedMultiplyAdd(xv, Vector256.LoadAligned(b3 + o + H), a7);
            }
        }
        Finish(a0, a1, c, bias, addC);
        if (TPanels.Value > 1) Finish(a2, a3, c + 1 * W, bias == null ? null : bias + 1 * W, addC);
        if (TPanels.Value > 2) Finish(a4, a5, c + 2 * W, bias == null ? null : bias + 2 * W, addC);
        if (TPanels.Value > 3) Finish(a6, a7, c + 3 * W, bias == null ? null : bias + 3 * W, addC);
    }

    /// <summary>Runs <see cref="Gemv{TPanels}"/> for a group of 1..4 panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemv(int panels, float* x, float* b, nint panelStride, nint rowStride, int k, float* c, float* bias, bool addC)
    {
        switch (panels)
        {
            case 4: Gemv<Count4>(x, b, panelStride, rowStride, k, c, bias, addC); break;
            case 3: Gemv<Count3>(x, b, panelStride, rowStride, k, c, bias, addC); break;
            case 2: Gemv<Count2>(x, b, panelStride, rowStride, k, c, bias, addC); break;
            default: Gemv<Count1>(x, b, panelStride, rowStride, k, c, bias, addC); break;
        }
    }

    /// <summary>
    /// The register-blocked kernel: C (TRows × 16, row stride ldc) = [C +] bias + A·B, or with
    /// <paramref name="loadC"/> the chains start from C instead of zero. A is packed k-major: element (r, k) at
    /// a[k·Rows + r]. B is one panel; bias (optional) its 16 biases.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel<TRows>(float* a, float* b, nint rowStride, int k, float* c, nint ldc, float* bias, bool loadC, bool addC)
        where TRows : struct, IKernelCount
    {
        Vector256<float> c0l = default, c0h = default, c1l = default, c1h = default;
        Vector256<float> c2l = default, c2h = default, c3l = default, c3h = default;
        Vector256<float> c4l = default, c4h = default, c5l = default, c5h = default;
        if (loadC)
        {
            c0l = Vector256.Load(c); c0h = Vector256.Load(c + H);
            if (TRows.Value > 1) { c1l = Vector256.Load(c + 1 * ldc); c1h = Vector256.Load(c + 1 * ldc + H); }
            if (TRows.Value > 2) { c2l = Vector256.Load(c + 2 * ldc); c2h = Vector256.Load(c + 2 * ldc + H); }
            if (TRows.Value > 3) { c3l = Vector256.Load(c + 3 * ldc); c3h = Vector256.Load(c + 3 * ldc + H); }
            if (TRows.Value > 4) { c4l = Vector256.Load(c + 4 * ldc); c4h = Vector256.Load(c + 4 * ldc + H); }
            if (TRows.Value > 5) { c5l = Vector256.Load(c + 5 * ldc); c5h = Vector256.Load(c + 5 * ldc + H); }
        }

        for (int kk = 0; kk < k; kk++)
        {
            Vector256<float> bl = Vector256.LoadAligned(b);
            Vector256<float> bh = Vector256.LoadAligned(b + H);
            Vector256<float> av = Vector256.Create(a[0]);
            c0l = Vector256.FusedMultiplyAdd(av, bl, c0l); c0h = Vector256.FusedMultiplyAdd(av, bh, c0h);
            if (TRows.Value > 1) { av = Vector256.Create(a[1]); c1l = Vector256.FusedMultiplyAdd(av, bl, c1l); c1h = Vector256.FusedMultiplyAdd(av, bh, c1h); }
            if (TRows.Value > 2) { av = Vector256.Create(a[2]); c2l = Vector256.FusedMultiplyAdd(av, bl, c2l); c2h = Vector256.FusedMultiplyAdd(av, bh, c2h); }
            if (TRows.Value > 3) { av = Vector256.Create(a[3]); c3l = Vector256.FusedMultiplyAdd(av, bl, c3l); c3h = Vector256.FusedMultiplyAdd(av, bh, c3h); }
            if (TRows.Value > 4) { av = Vector256.Create(a[4]); c4l = Vector256.FusedMultiplyAdd(av, bl, c4l); c4h = Vector256.FusedMultiplyAdd(av, bh, c4h); }
            if (TRows.Value > 5) { av = Vector256.Create(a[5]); c5l = Vector256.FusedMultiplyAdd(av, bl, c5l); c5h = Vector256.FusedMultiplyAdd(av, bh, c5h); }
            a += Rows;
            b += rowStride;
        }

        Finish(c0l, c0h, c, bias, addC);
        if (TRows.Value > 1) Finish(c1l, c1h, c + 1 * ldc, bias, addC);
        if (TRows.Value > 2) Finish(c2l, c2h, c + 2 * ldc, bias, addC);
        if (TRows.Value > 3) Finish(c3l, c3h, c + 3 * ldc, bias, addC);
        if (TRows.Value > 4) Finish(c4l, c4h, c + 4 * ldc, bias, addC);
        if (TRows.Value > 5) Finish(c5l, c5h, c + 5 * ldc, bias, addC);
    }

    /// <summary>Runs <see cref="Kernel{TRows}"/> for 1..6 rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel(int rows, float* a, float* b, nint rowStride, int k, float* c, nint ldc, float* bias, bool loadC, bool addC)
    {
        switch (rows)
        {
            case 6: Kernel<Count6>(a, b, rowStride, k, c, ldc, bias, loadC, addC); break;
            case 5: Kernel<Count5>(a, b, rowStride, k, c, ldc, bias, loadC, addC); break;
            case 4: Kernel<Count4>(a, b, rowStride, k, c, ldc, bias, loadC, addC); break;
            case 3: Kernel<Count3>(a, b, rowStride, k, c, ldc, bias, loadC, addC); break;
            case 2: Kernel<Count2>(a, b, rowStride, k, c, ldc, bias, loadC, addC); break;
            default: Kernel<Count1>(a, b, rowStride, k, c, ldc, bias, loadC, addC); break;
        }
    }

    /// <summary>The epilogue, in the scalar order: v = acc + bias; c = addC ? c + v : v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(Vector256<float> lo, Vector256<float> hi, float* c, float* bias, bool addC)
    {
        if (bias != null)
        {
            lo += Vector256.Load(bias);
            hi += Vector256.Load(bias + H);
        }
        if (addC)
        {
            lo = Vector256.Load(c) + lo;
            hi = Vector256.Load(c + H) + hi;
        }
        lo.Store(c);
        hi.Store(c + H);
    }
}
