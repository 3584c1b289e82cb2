using Rnn.Training.Parameters;
using Rnn.Runtime.Cells;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Layers;
using System.Runtime.InteropServices;

namespace Rnn.Training.Recurrent;

/// <summary>
/// One Elman RNN time step over a batch, forward and its derivative: h' = act(p), p = W_ih x + b_ih + W_hh h̃ + b_hh.
/// Nothing is saved: the derivative of tanh and relu can be read from h' itself.
/// </summary>
internal static class ElmanLayerPass
{
    /// <summary>gx (B, P) += h̃ W_hhᵀ; the runtime's cell writes h' = act(gx) per active row.</summary>
    public static void ForwardStep(KernelPath path, RecurrentLayerWeights w, int batch, ReadOnlySpan<float> productInput,
        Span<float> gx, Span<float> h, ReadOnlySpan<bool> inactive, bool relu)
    {
        int hidden = w.HiddenSize, ldgx = w.RecurrentWeights.PaddedN;
        Gemm.Multiply(path, productInput, batch, hidden, w.RecurrentWeights, default, gx, ldgx, accumulate: true);
        for (int b = 0; b < batch; b++)
        {
            if (!inactive.IsEmpty && inactive[b]) continue;
            ElmanCell.Pointwise(path, gx.Slice(b * ldgx, hidden), h.Slice(b * hidden, hidden), relu);
        }
    }

    /// <summary>dp = (dy + dh)·act'(p), with tanh' = 1 - h'² and relu' = [h' > 0]; dh ← 0 (only W_hh links the steps).</summary>
    public static void BackwardStep(KernelPath path, int batch, int hidden, ReadOnlySpan<bool> inactive, ReadOnlySpan<float> dy, int ldy,
        ReadOnlySpan<float> hNew, Span<float> dh, Span<float> dG, bool relu)
    {
        for (int b = 0; b < batch; b++)
        {
            Span<float> dp = dG.Slice(b * hidden, hidden);
            if (!inactive.IsEmpty && inactive[b])
            {
                dp.Clear();
                continue;
            }
            var row = new BackwardRow(dy.Slice(b * ldy, hidden), hNew.Slice(b * hidden, hidden), dh.Slice(b * hidden, hidden), dp, relu);
            KernelDispatch.RunRange<BackwardRow, BackwardRow>(path, ref row);
        }
    }

    /// <summary>One row's derivative: every width (and the scalar tail) evaluates the same expressions in the same
    /// order, with no fused multiply-add, so the result does not depend on the path or where the tail starts.</summary>
    private readonly ref struct BackwardRow : IRangeKernel<BackwardRow>
    {
        private readonly ref float _dy, _h, _dh, _dp;
        private readonly int _hidden;
        private readonly bool _relu;

        public BackwardRow(ReadOnlySpan<float> dy, ReadOnlySpan<float> h, Span<float> dh, Span<float> dp, bool relu)
        {
            _dy = ref MemoryMarshal.GetReference(dy);
            _h = ref MemoryMarshal.GetReference(h);
            _dh = ref MemoryMarshal.GetReference(dh);
            _dp = ref MemoryMarshal.GetReference(dp);
            _hidden = dp.Length;
            _relu = relu;
        }

        public static int Run<TOps, TVector>(ref BackwardRow r, int from)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct
        {
            int u = from, v = TOps.Count;
            for (; u <= r._hidden - v; u += v)
            {
                nuint at = (nuint)u;
                TVector dhu = TOps.Add(TOps.Load(ref r._dy, at), TOps.Load(ref r._dh, at)), hv = TOps.Load(ref r._h, at);
                TOps.Store(r._relu
                    ? TOps.SelectWhereLess(TOps.Zero, hv, dhu, TOps.Zero)
                    : TOps.Multiply(dhu, TOps.Subtract(TOps.One, TOps.Multiply(hv, hv))), ref r._dp, at);
                TOps.Store(TOps.Zero, ref r._dh, at);
            }
            return u;
        }
    }
}

/// <summary>Elman RNN with tanh, as an <see cref="ICellPass"/>.</summary>
internal readonly struct ElmanTanhLayerPass : ICellPass
{
    public static int SavedWidth(int hidden) => 0;
    public static bool SeparateRecurrentGradient => false;

    public static void ForwardStep(KernelPath path, RecurrentLayerWeights w, int batch, ReadOnlySpan<float> productInput,
        Span<float> gx, Span<float> gh, Span<float> h, Span<float> c, Span<float> saved, ReadOnlySpan<bool> inactive) =>
        ElmanLayerPass.ForwardStep(path, w, batch, productInput, gx, h, inactive, relu: false);

    public static void BackwardStep(KernelPath path, int batch, int hidden, ReadOnlySpan<bool> inactive, ReadOnlySpan<float> dy, int ldy,
        ReadOnlySpan<float> saved, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> hNew, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> cNew,
        Span<float> dh, Span<float> dc, Span<float> dGx, Span<float> dGh, Span<float> scratch) =>
        ElmanLayerPass.BackwardStep(path, batch, hidden, inactive, dy, ldy, hNew, dh, dGx, relu: false);
}

/// <summary>Elman RNN with relu, as an <see cref="ICellPass"/>.</summary>
internal readonly struct ElmanReluLayerPass : ICellPass
{
    public static int SavedWidth(int hidden) => 0;
    public static bool SeparateRecurrentGradient => false;

    public static void ForwardStep(KernelPath path, RecurrentLayerWeights w, int batch, ReadOnlySpan<float> productInput,
        Span<float> gx, Span<float> gh, Span<float> h, Span<float> c, Span<float> saved, ReadOnlySpan<bool> inactive) =>
        ElmanLayerPass.ForwardStep(path, w, batch, productInput, gx, h, inactive, relu: true);

    public static void BackwardStep(KernelPath path, int batch, int hidden, ReadOnlySpan<bool> inactive, ReadOnlySpan<float> dy, int ldy,
        ReadOnlySpan<float> saved, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> hNew, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> cNew,
        Span<float> dh, Span<float> dc, Span<float> dGx, Span<float> dGh, Span<float> scratch) =>
        ElmanLayerPass.BackwardStep(path, batch, hidden, inactive, dy, ldy, hNew, dh, dGx, relu: true);
}
