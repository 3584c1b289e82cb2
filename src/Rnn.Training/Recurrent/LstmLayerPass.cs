using Rnn.Training.Parameters;
using Rnn.Runtime.Cells;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Layers;

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
        Span<float> dh, Span<float> dc, Span<float> dGx, Span<float> dGh)
    {
        int gates = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            Span<float> dG = dGx.Slice(b * gates, gates);
            if (!inactive.IsEmpty && inactive[b])
            {
                dG.Clear();
                continue;
            }
            ReadOnlySpan<float> s = saved.Slice(b * gates, gates), dyRow = dy.Slice(b * ldy, hidden);
            ReadOnlySpan<float> cp = cPrev.Slice(b * hidden, hidden), cn = cNew.Slice(b * hidden, hidden);
            Span<float> dhRow = dh.Slice(b * hidden, hidden), dcRow = dc.Slice(b * hidden, hidden);
            for (int u = 0; u < hidden; u++)
            {
                float i = s[u], f = s[hidden + u], g = s[2 * hidden + u], o = s[3 * hidden + u];
                float tc = MathF.Tanh(cn[u]);
                float dhu = dyRow[u] + dhRow[u];
                float dcu = dcRow[u] + dhu * o * (1f - tc * tc);
                dG[u] = dcu * g * i * (1f - i);
                dG[hidden + u] = dcu * cp[u] * f * (1f - f);
                dG[2 * hidden + u] = dcu * i * (1f - g * g);
                dG[3 * hidden + u] = dhu * tc * o * (1f - o);
                dcRow[u] = dcu * f;
                dhRow[u] = 0f;
            }
        }
    }
}
