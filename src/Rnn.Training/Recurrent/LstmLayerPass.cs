using Rnn.Training.Parameters;
using System.Numerics;
using System.Numerics.Tensors;
using Rnn.Runtime.Cells;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Layers;
using static Rnn.Training.Recurrent.VectorAccess;

namespace Rnn.Training.Recurrent;

/// <summary>
/// One LSTM time step over a batch, forward and its derivative. Gate blocks i, f, g, o (PyTorch's order):
/// i = σ(pᵢ), f = σ(p_f), g = tanh(p_g), o = σ(p_o), c' = f·c + i·g, h' = o·tanh(c'),
/// with p = W_ih x + b_ih + W_hh h̃ + b_hh (h̃ = h, or h ⊙ recurrent-dropout mask).
/// </summary>
internal readonly struct LstmLayerPass : ICellPass
{
    public static int SavedWidth(int hidden) => 4 * hidden;
    public static bool SeparateRecurrentGradient => false;

    /// <summary>gx (B, P) += h̃ W_hhᵀ, then the runtime's cell turns each row into c', h' and saves i, f, g, o.</summary>
    public static void ForwardStep(KernelPath path, RecurrentLayerWeights w, int batch, ReadOnlySpan<float> productInput,
        Span<float> gx, Span<float> gh, Span<float> h, Span<float> c, Span<float> saved, ReadOnlySpan<bool> inactive)
    {
        int hidden = w.HiddenSize, ldgx = w.RecurrentWeights.PaddedN, gates = 4 * hidden;
        Gemm.Multiply(path, productInput, batch, hidden, w.RecurrentWeights, default, gx, ldgx, accumulate: true);
        for (int b = 0; b < batch; b++)
        {
            if (!inactive.IsEmpty && inactive[b]) continue;
            LstmCell.Pointwise(path, gx.Slice(b * ldgx, gates), c.Slice(b * hidden, hidden), h.Slice(b * hidden, hidden),
                saved.Slice(b * gates, gates));
        }
    }

    /// <summary>
    /// With δh = dy + dh and τ = tanh(c'):  δc = dc + δh·o·(1 - τ²),
    /// dpᵢ = δc·g·i(1-i), dp_f = δc·c·f(1-f), dp_g = δc·i·(1-g²), dp_o = δh·τ·o(1-o);
    /// dc ← δc·f and dh ← 0 (h reaches the previous step only through W_hh, which the caller adds).
    /// </summary>
    public static void BackwardStep(int batch, int hidden, ReadOnlySpan<bool> inactive, ReadOnlySpan<float> dy, int ldy,
        ReadOnlySpan<float> saved, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> hNew, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> cNew,
        Span<float> dh, Span<float> dc, Span<float> dGx, Span<float> dGh, Span<float> scratch)
    {
        int gates = 4 * hidden, stateSize = batch * hidden;
        // τ for the whole step in one vectorised pass (tanh is most of this step's element-wise cost).
        Span<float> tanhC = scratch.Slice(0, stateSize);
        TensorPrimitives.Tanh(cNew.Slice(0, stateSize), tanhC);
        for (int b = 0; b < batch; b++)
        {
            Span<float> dG = dGx.Slice(b * gates, gates);
            if (!inactive.IsEmpty && inactive[b])
            {
                dG.Clear();
                continue;
            }
            BackwardRow(hidden, saved.Slice(b * gates, gates), dy.Slice(b * ldy, hidden), cPrev.Slice(b * hidden, hidden),
                tanhC.Slice(b * hidden, hidden), dh.Slice(b * hidden, hidden), dc.Slice(b * hidden, hidden), dG);
        }
    }

    // The vector loop and the scalar tail evaluate the same expressions in the same order (no FMA contraction),
    // so a row's result does not depend on where the tail starts.
    private static void BackwardRow(int H, ReadOnlySpan<float> s, ReadOnlySpan<float> dy, ReadOnlySpan<float> cPrev,
        ReadOnlySpan<float> tanhC, Span<float> dh, Span<float> dc, Span<float> dG)
    {
        int u = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<float> one = Vector<float>.One;
            for (; u <= H - Vector<float>.Count; u += Vector<float>.Count)
            {
                Vector<float> i = Load(s, u), f = Load(s, H + u), g = Load(s, 2 * H + u), o = Load(s, 3 * H + u);
                Vector<float> tc = Load(tanhC, u);
                Vector<float> dhu = Load(dy, u) + Load(dh, u);
                Vector<float> dcu = Load(dc, u) + dhu * o * (one - tc * tc);
                Store(dG, u, dcu * g * i * (one - i));
                Store(dG, H + u, dcu * Load(cPrev, u) * f * (one - f));
                Store(dG, 2 * H + u, dcu * i * (one - g * g));
                Store(dG, 3 * H + u, dhu * tc * o * (one - o));
                Store(dc, u, dcu * f);
                Store(dh, u, Vector<float>.Zero);
            }
        }
        for (; u < H; u++)
        {
            float i = s[u], f = s[H + u], g = s[2 * H + u], o = s[3 * H + u];
            float tc = tanhC[u];
            float dhu = dy[u] + dh[u];
            float dcu = dc[u] + dhu * o * (1f - tc * tc);
            dG[u] = dcu * g * i * (1f - i);
            dG[H + u] = dcu * cPrev[u] * f * (1f - f);
            dG[2 * H + u] = dcu * i * (1f - g * g);
            dG[3 * H + u] = dhu * tc * o * (1f - o);
            dc[u] = dcu * f;
            dh[u] = 0f;
        }
    }
}
