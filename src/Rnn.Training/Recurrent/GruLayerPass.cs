using Rnn.Training.Parameters;
using System.Numerics;
using Rnn.Runtime.Cells;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Layers;
using static Rnn.Training.Recurrent.VectorAccess;

namespace Rnn.Training.Recurrent;

/// <summary>
/// One GRU time step over a batch, forward and its derivative. Gate blocks r, z, n (PyTorch's order):
/// r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r·h_n), h' = (1 - z)·n + z·h,
/// with x = W_ih x + b_ih and h_• = W_hh h̃ + b_hh (h̃ = h, or h ⊙ recurrent-dropout mask; the state update uses h).
/// Saved per row: r, z, n and h_n (4H).
/// </summary>
internal readonly struct GruLayerPass : ICellPass
{
    public static int SavedWidth(int hidden) => 4 * hidden;
    public static bool SeparateRecurrentGradient => true;

    /// <summary>gh (B, P) = h̃ W_hhᵀ + [0, 0, b_hn]; the runtime's cell combines it with gx and updates h in place.</summary>
    public static void ForwardStep(KernelPath path, RecurrentLayerWeights w, int batch, ReadOnlySpan<float> productInput,
        Span<float> gx, Span<float> gh, Span<float> h, Span<float> c, Span<float> saved, ReadOnlySpan<bool> inactive)
    {
        int hidden = w.HiddenSize, ld = w.RecurrentWeights.PaddedN, gates = 3 * hidden, width = 4 * hidden;
        Gemm.Multiply(path, productInput, batch, hidden, w.RecurrentWeights, w.RecurrentBias, gh, ld, accumulate: false);
        for (int b = 0; b < batch; b++)
        {
            if (!inactive.IsEmpty && inactive[b]) continue;
            GruCell.Pointwise(path, gx.Slice(b * ld, gates), gh.Slice(b * ld, gates), h.Slice(b * hidden, hidden),
                saved.Slice(b * width, width));
        }
    }

    /// <summary>
    /// With δh = dy + dh:  dp_n = δh·(1-z)·(1-n²), dp_z = δh·(h - n)·z(1-z), dp_r = dp_n·h_n·r(1-r).
    /// Input side dGx = [dp_r, dp_z, dp_n]; recurrent side dGh = [dp_r, dp_z, dp_n·r] (r multiplies W_hn h + b_hn);
    /// dh ← δh·z, the direct path of h' = … + z·h.
    /// </summary>
    public static void BackwardStep(int batch, int hidden, ReadOnlySpan<bool> inactive, ReadOnlySpan<float> dy, int ldy,
        ReadOnlySpan<float> saved, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> hNew, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> cNew,
        Span<float> dh, Span<float> dc, Span<float> dGx, Span<float> dGh, Span<float> scratch)
    {
        int gates = 3 * hidden, width = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            Span<float> gx = dGx.Slice(b * gates, gates), gh = dGh.Slice(b * gates, gates);
            if (!inactive.IsEmpty && inactive[b])
            {
                gx.Clear();
                gh.Clear();
                continue;
            }
            BackwardRow(hidden, saved.Slice(b * width, width), dy.Slice(b * ldy, hidden), hPrev.Slice(b * hidden, hidden),
                dh.Slice(b * hidden, hidden), gx, gh);
        }
    }

    // The vector loop and the scalar tail evaluate the same expressions in the same order.
    private static void BackwardRow(int H, ReadOnlySpan<float> s, ReadOnlySpan<float> dy, ReadOnlySpan<float> hPrev,
        Span<float> dh, Span<float> gx, Span<float> gh)
    {
        int u = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<float> one = Vector<float>.One;
            for (; u <= H - Vector<float>.Count; u += Vector<float>.Count)
            {
                Vector<float> r = Load(s, u), z = Load(s, H + u), n = Load(s, 2 * H + u), hn = Load(s, 3 * H + u);
                Vector<float> dhu = Load(dy, u) + Load(dh, u);
                Vector<float> dpn = dhu * (one - z) * (one - n * n);
                Vector<float> dpz = dhu * (Load(hPrev, u) - n) * z * (one - z);
                Vector<float> dpr = dpn * hn * r * (one - r);
                Store(gx, u, dpr);
                Store(gx, H + u, dpz);
                Store(gx, 2 * H + u, dpn);
                Store(gh, u, dpr);
                Store(gh, H + u, dpz);
                Store(gh, 2 * H + u, dpn * r);
                Store(dh, u, dhu * z);
            }
        }
        for (; u < H; u++)
        {
            float r = s[u], z = s[H + u], n = s[2 * H + u], hn = s[3 * H + u];
            float dhu = dy[u] + dh[u];
            float dpn = dhu * (1f - z) * (1f - n * n);
            float dpz = dhu * (hPrev[u] - n) * z * (1f - z);
            float dpr = dpn * hn * r * (1f - r);
            gx[u] = dpr;
            gx[H + u] = dpz;
            gx[2 * H + u] = dpn;
            gh[u] = dpr;
            gh[H + u] = dpz;
            gh[2 * H + u] = dpn * r;
            dh[u] = dhu * z;
        }
    }
}
