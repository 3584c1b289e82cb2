using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// Vector512 micro-kernels over packed panels (16 columns = one zmm per panel row). Every output element is one
/// FMA chain over k ascending, started from zero (or from C), exactly as <see cref="GemmScalar"/> does it, so the
/// paths agree bit for bit; only the blocking differs.
/// </summary>
internal static unsafe class GemmVector512
{
    /// <summary>Rows of A per micro-kernel call (MR). 8 rows × 2 panels = 16 zmm accumulators of the 32.</summary>
    public const int Rows = 8;

    /// <summary>Panels of B per micro-kernel call.</summary>
    public const int Panels = 2;

    /// <summary>Panels per matrix-vector pass: 8 independent FMA chains hide the FMA latency.</summary>
    public const int GemvPanels = 8;

    private const int W = PackedMatrix.PanelWidth;

    /// <summary>
    /// c[0 .. 16·P) = [c +] bias + x · (P consecutive panels starting at b). x has k floats; panel j starts at
    /// b + j·panelStride and its rows are rowStride floats apart; bias (optional) is read at bias + 16·j.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemv<TPanels>(float* x, float* b, nint panelStride, nint rowStride, int k, float* c, float* bias, bool addC)
        where TPanels : struct, IKernelCount
    {
        Vector512<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
        Vector512<float> acc4 = default, acc5 = default, acc6 = default, acc7 = default;
        float* b0 = b;
        float* b1 = b0 + panelStride;
        float* b2 = b1 + panelStride;
        float* b3 = b2 + panelStride;
        float* b4 = b3 + panelStride;
        float* b5 = b4 + panelStride;
        float* b6 = b5 + panelStride;
        float* b7 = b6 + panelStride;
        nint end = k * rowStride;
        for (nint o = 0; o < end; o += rowStride)
        {
            Vector512<float> xv = Vector512.Create(*x++);
            acc0 = Vector512.FusedMultiplyAdd(xv, Vector512.LoadAligned(b0 + o), acc0);
            if (TPanels.Value > 1) acc1 = Vector512.FusedMultiplyAdd(xv, Vector512.LoadAligned(b1 + o), acc1);
            if (TPanels.Value > 2) acc2 = Vector512.FusedMultiplyAdd(xv, Vector512.LoadAligned(b2 + o), acc2);
            if (TPanels.Value > 3) acc3 = Vector512.FusedMultiplyAdd(xv, Vector512.LoadAligned(b3 + o), acc3);
            if (TPanels.Value > 4) acc4 = Vector512.FusedMultiplyAdd(xv, Vector512.LoadAligned(b4 + o), acc4);
            if (TPanels.Value > 5) acc5 = Vector512.FusedMultiplyAdd(xv, Vector512.LoadAligned(b5 + o), acc5);
            if (TPanels.Value > 6) acc6 = Vector512.FusedMultiplyAdd(xv, Vector512.LoadAligned(b6 + o), acc6);
            if (TPanels.Value > 7) acc7 = Vector512.FusedMultiplyAdd(xv, Vector512.LoadAligned(b7 + o), acc7);
        }
        Finish(acc0, c, bias, addC);
        if (TPanels.Value > 1) Finish(acc1, c + 1 * W, bias == null ? null : bias + 1 * W, addC);
        if (TPanels.Value > 2) Finish(acc2, c + 2 * W, bias == null ? null : bias + 2 * W, addC);
        if (TPanels.Value > 3) Finish(acc3, c + 3 * W, bias == null ? null : bias + 3 * W, addC);
        if (TPanels.Value > 4) Finish(acc4, c + 4 * W, bias == null ? null : bias + 4 * W, addC);
        if (TPanels.Value > 5) Finish(acc5, c + 5 * W, bias == null ? null : bias + 5 * W, addC);
        if (TPanels.Value > 6) Finish(acc6, c + 6 * W, bias == null ? null : bias + 6 * W, addC);
        if (TPanels.Value > 7) Finish(acc7, c + 7 * W, bias == null ? null : bias + 7 * W, addC);
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
    /// a[k·Rows + r]. Panel j of B starts at b + j·panelStride, its rows rowStride floats apart; bias0/bias1
    /// (optional) are the panels' 16 biases.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel<TRows, TPanels>(
        float* a, float* b, nint panelStride, nint rowStride, int k, float* c, nint ldc,
        float* bias0, float* bias1, bool loadC, bool addC)
        where TRows : struct, IKernelCount
        where TPanels : struct, IKernelCount
    {
        Vector512<float> c0a = default, c0b = default, c1a = default, c1b = default;
        Vector512<float> c2a = default, c2b = default, c3a = default, c3b = default;
        Vector512<float> c4a = default, c4b = default, c5a = default, c5b = default;
        Vector512<float> c6a = default, c6b = default, c7a = default, c7b = default;
        bool two = TPanels.Value > 1;
        if (loadC)
        {
            c0a = Vector512.Load(c); if (two) c0b = Vector512.Load(c + W);
            if (TRows.Value > 1) { c1a = Vector512.Load(c + 1 * ldc); if (two) c1b = Vector512.Load(c + 1 * ldc + W); }
            if (TRows.Value > 2) { c2a = Vector512.Load(c + 2 * ldc); if (two) c2b = Vector512.Load(c + 2 * ldc + W); }
            if (TRows.Value > 3) { c3a = Vector512.Load(c + 3 * ldc); if (two) c3b = Vector512.Load(c + 3 * ldc + W); }
            if (TRows.Value > 4) { c4a = Vector512.Load(c + 4 * ldc); if (two) c4b = Vector512.Load(c + 4 * ldc + W); }
            if (TRows.Value > 5) { c5a = Vector512.Load(c + 5 * ldc); if (two) c5b = Vector512.Load(c + 5 * ldc + W); }
            if (TRows.Value > 6) { c6a = Vector512.Load(c + 6 * ldc); if (two) c6b = Vector512.Load(c + 6 * ldc + W); }
            if (TRows.Value > 7) { c7a = Vector512.Load(c + 7 * ldc); if (two) c7b = Vector512.Load(c + 7 * ldc + W); }
        }

        float* b1 = b + panelStride;
        for (int kk = 0; kk < k; kk++)
        {
            Vector512<float> ba = Vector512.LoadAligned(b);
            Vector512<float> bb = two ? Vector512.LoadAligned(b1) : default;
            Vector512<float> av = Vector512.Create(a[0]);
            c0a = Vector512.FusedMultiplyAdd(av, ba, c0a); if (two) c0b = Vector512.FusedMultiplyAdd(av, bb, c0b);
            if (TRows.Value > 1) { av = Vector512.Create(a[1]); c1a = Vector512.FusedMultiplyAdd(av, ba, c1a); if (two) c1b = Vector512.FusedMultiplyAdd(av, bb, c1b); }
            if (TRows.Value > 2) { av = Vector512.Create(a[2]); c2a = Vector512.FusedMultiplyAdd(av, ba, c2a); if (two) c2b = Vector512.FusedMultiplyAdd(av, bb, c2b); }
            if (TRows.Value > 3) { av = Vector512.Create(a[3]); c3a = Vector512.FusedMultiplyAdd(av, ba, c3a); if (two) c3b = Vector512.FusedMultiplyAdd(av, bb, c3b); }
            if (TRows.Value > 4) { av = Vector512.Create(a[4]); c4a = Vector512.FusedMultiplyAdd(av, ba, c4a); if (two) c4b = Vector512.FusedMultiplyAdd(av, bb, c4b); }
            if (TRows.Value > 5) { av = Vector512.Create(a[5]); c5a = Vector512.FusedMultiplyAdd(av, ba, c5a); if (two) c5b = Vector512.FusedMultiplyAdd(av, bb, c5b); }
            if (TRows.Value > 6) { av = Vector512.Create(a[6]); c6a = Vector512.FusedMultiplyAdd(av, ba, c6a); if (two) c6b = Vector512.FusedMultiplyAdd(av, bb, c6b); }
            if (TRows.Value > 7) { av = Vector512.Create(a[7]); c7a = Vector512.FusedMultiplyAdd(av, ba, c7a); if (two) c7b = Vector512.FusedMultiplyAdd(av, bb, c7b); }
            a += Rows;
            b += rowStride;
            b1 += rowStride;
        }

        Finish(c0a, c, bias0, addC); if (two) Finish(c0b, c + W, bias1, addC);
        if (TRows.Value > 1) { Finish(c1a, c + 1 * ldc, bias0, addC); if (two) Finish(c1b, c + 1 * ldc + W, bias1, addC); }
        if (TRows.Value > 2) { Finish(c2a, c + 2 * ldc, bias0, addC); if (two) Finish(c2b, c + 2 * ldc + W, bias1, addC); }
        if (TRows.Value > 3) { Finish(c3a, c + 3 * ldc, bias0, addC); if (two) Finish(c3b, c + 3 * ldc + W, bias1, addC); }
        if (TRows.Value > 4) { Finish(c4a, c + 4 * ldc, bias0, addC); if (two) Finish(c4b, c + 4 * ldc + W, bias1, addC); }
        if (TRows.Value > 5) { Finish(c5a, c + 5 * ldc, bias0, addC); if (two) Finish(c5b, c + 5 * ldc + W, bias1, addC); }
        if (TRows.Value > 6) { Finish(c6a, c + 6 * ldc, bias0, addC); if (two) Finish(c6b, c + 6 * ldc + W, bias1, addC); }
        if (TRows.Value > 7) { Finish(c7a, c + 7 * ldc, bias0, addC); if (two) Finish(c7b, c + 7 * ldc + W, bias1, addC); }
    }

    /// <summary>Runs <see cref="Kernel{TRows, TPanels}"/> for 1..8 rows and 1..2 panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel(
        int rows, int panels, float* a, float* b, nint panelStride, nint rowStride, int k, float* c, nint ldc,
        float* bias0, float* bias1, bool loadC, bool addC)
    {
        if (panels == 2)
        {
            switch (rows)
            {
                case 8: Kernel<Count8, Count2>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
                case 7: Kernel<Count7, Count2>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
                case 6: Kernel<Count6, Count2>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
                case 5: Kernel<Count5, Count2>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
                case 4: Kernel<Count4, Count2>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
                case 3: Kernel<Count3, Count2>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
                case 2: Kernel<Count2, Count2>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
                default: Kernel<Count1, Count2>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
            }
        }
        else
        {
            switch (rows)
            {
                case 8: Kernel<Count8, Count1>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
                case 7: Kernel<Count7, Count1>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
                case 6: Kernel<Count6, Count1>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
                case 5: Kernel<Count5, Count1>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
                case 4: Kernel<Count4, Count1>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
                case 3: Kernel<Count3, Count1>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
                case 2: Kernel<Count2, Count1>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
                default: Kernel<Count1, Count1>(a, b, panelStride, rowStride, k, c, ldc, bias0, bias1, loadC, addC); break;
            }
        }
    }

    /// <summary>The epilogue, in the scalar order: v = acc + bias; c = addC ? c + v : v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(Vector512<float> acc, float* c, float* bias, bool addC)
    {
        if (bias != null) acc += Vector512.Load(bias);
        if (addC) acc = Vector512.Load(c) + acc;
        acc.Store(c);
    }
}
