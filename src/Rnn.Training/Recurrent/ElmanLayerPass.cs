using Rnn.Training.Parameters;
using Rnn.Runtime.Cells;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Layers;

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
    public static void BackwardStep(int batch, int hidden, ReadOnlySpan<bool> inactive, ReadOnlySpan<float> dy, int ldy,
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
            ReadOnlySpan<float> dyRow = dy.Slice(b * ldy, hidden), hv = hNew.Slice(b * hidden, hidden);
            Span<float> dhRow = dh.Slice(b * hidden, hidden);
            for (int u = 0; u < hidden; u++)
            {
                float dhu = dyRow[u] + dhRow[u];
                dp[u] = relu ? (hv[u] > 0f ? dhu : 0f) : dhu * (1f - hv[u] * hv[u]);
                dhRow[u] = 0f;
            }
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

    public static void BackwardStep(int batch, int hidden, ReadOnlySpan<bool> inactive, ReadOnlySpan<float> dy, int ldy,
        ReadOnlySpan<float> saved, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> hNew, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> cNew,
        Span<float> dh, Span<float> dc, Span<float> dGx, Span<float> dGh) =>
        ElmanLayerPass.BackwardStep(batch, hidden, inactive, dy, ldy, hNew, dh, dGx, relu: false);
}

/// <summary>Elman RNN with relu, as an <see cref="ICellPass"/>.</summary>
internal readonly struct ElmanReluLayerPass : ICellPass
{
    public static int SavedWidth(int hidden) => 0;
    public static bool SeparateRecurrentGradient => false;

    public static void ForwardStep(KernelPath path, RecurrentLayerWeights w, int batch, ReadOnlySpan<float> productInput,
        Span<float> gx, Span<float> gh, Span<float> h, Span<float> c, Span<float> saved, ReadOnlySpan<bool> inactive) =>
        ElmanLayerPass.ForwardStep(path, w, batch, productInput, gx, h, inactive, relu: true);

    public static void BackwardStep(int batch, int hidden, ReadOnlySpan<bool> inactive, ReadOnlySpan<float> dy, int ldy,
        ReadOnlySpan<float> saved, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> hNew, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> cNew,
        Span<float> dh, Span<float> dc, Span<float> dGx, Span<float> dGh) =>
        ElmanLayerPass.BackwardStep(batch, hidden, inactive, dy, ldy, hNew, dh, dGx, relu: true);
}
