using Rnn.Training.Parameters;
using System.Numerics;
using Rnn.Runtime.Cells;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Layers;
using static Rnn.Training.Recurrent.VectorAccess;

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
            BackwardRow(hidden, dy.Slice(b * ldy, hidden), hNew.Slice(b * hidden, hidden), dh.Slice(b * hidden, hidden), dp, relu);
        }
    }

    // The vector loop and the scalar tail evaluate the same expressions in the same order.
    private static void BackwardRow(int H, ReadOnlySpan<float> dy, ReadOnlySpan<float> h, Span<float> dh, Span<float> dp, bool relu)
    {
        int u = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; u <= H - Vector<float>.Count; u += Vector<float>.Count)
            {
                Vector<float> dhu = Load(dy, u) + Load(dh, u), hv = Load(h, u);
                Store(dp, u, relu
                    ? Vector.ConditionalSelect(Vector.GreaterThan(hv, Vector<float>.Zero), dhu, Vector<float>.Zero)
                    : dhu * (Vector<float>.One - hv * hv));
                Store(dh, u, Vector<float>.Zero);
            }
        }
        for (; u < H; u++)
        {
            float dhu = dy[u] + dh[u];
            dp[u] = relu ? (h[u] > 0f ? dhu : 0f) : dhu * (1f - h[u] * h[u]);
            dh[u] = 0f;
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
        Span<float> dh, Span<float> dc, Span<float> dGx, Span<float> dGh, Span<float> scratch) =>
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
        Span<float> dh, Span<float> dc, Span<float> dGx, Span<float> dGh, Span<float> scratch) =>
        ElmanLayerPass.BackwardStep(batch, hidden, inactive, dy, ldy, hNew, dh, dGx, relu: true);
}
