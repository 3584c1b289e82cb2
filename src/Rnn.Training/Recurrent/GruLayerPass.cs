using Rnn.Training.Parameters;
using Rnn.Runtime.Cells;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Layers;
using System.Runtime.InteropServices;

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
    public static void BackwardStep(KernelPath path, int batch, int hidden, ReadOnlySpan<bool> inactive, ReadOnlySpan<float> dy, int ldy,
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
            var row = new BackwardRow(saved.Slice(b * width, width), dy.Slice(b * ldy, hidden), hPrev.Slice(b * hidden, hidden),
                dh.Slice(b * hidden, hidden), gx, gh);
            KernelDispatch.RunRange<BackwardRow, BackwardRow>(path, ref row);
        }
    }

    /// <summary>One row's derivative: every width (and the scalar tail) evaluates the same expressions in the same
    /// order (no fused multiply-add), so a row's result does not depend on the path or where the tail starts.</summary>
    private readonly ref struct BackwardRow : IRangeKernel<BackwardRow>
    {
        private readonly ref float _s, _dy, _hPrev, _dh, _gx, _gh;
        private readonly int _hidden;

        public BackwardRow(ReadOnlySpan<float> saved, ReadOnlySpan<float> dy, ReadOnlySpan<float> hPrev, Span<float> dh,
            Span<float> gx, Span<float> gh)
        {
            _s = ref MemoryMarshal.GetReference(saved);
            _dy = ref MemoryMarshal.GetReference(dy);
            _hPrev = ref MemoryMarshal.GetReference(hPrev);
            _dh = ref MemoryMarshal.GetReference(dh);
            _gx = ref MemoryMarshal.GetReference(gx);
            _gh = ref MemoryMarshal.GetReference(gh);
            _hidden = dh.Length;
        }

        public static int Run<TOps, TVector>(ref BackwardRow x, int from)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct
        {
            int H = x._hidden, u = from, v = TOps.Count;
            TVector one = TOps.One;
            for (; u <= H - v; u += v)
            {
                nuint at = (nuint)u, h = (nuint)H;
                TVector r = TOps.Load(ref x._s, at), z = TOps.Load(ref x._s, h + at);
                TVector n = TOps.Load(ref x._s, 2 * h + at), hn = TOps.Load(ref x._s, 3 * h + at);
                TVector dhu = TOps.Add(TOps.Load(ref x._dy, at), TOps.Load(ref x._dh, at));
                TVector dpn = TOps.Multiply(TOps.Multiply(dhu, TOps.Subtract(one, z)), TOps.Subtract(one, TOps.Multiply(n, n)));
                TVector dpz = TOps.Multiply(TOps.Multiply(TOps.Multiply(dhu, TOps.Subtract(TOps.Load(ref x._hPrev, at), n)), z), TOps.Subtract(one, z));
                TVector dpr = TOps.Multiply(TOps.Multiply(TOps.Multiply(dpn, hn), r), TOps.Subtract(one, r));
                TOps.Store(dpr, ref x._gx, at);
                TOps.Store(dpz, ref x._gx, h + at);
                TOps.Store(dpn, ref x._gx, 2 * h + at);
                TOps.Store(dpr, ref x._gh, at);
                TOps.Store(dpz, ref x._gh, h + at);
                TOps.Store(TOps.Multiply(dpn, r), ref x._gh, 2 * h + at);
                TOps.Store(TOps.Multiply(dhu, z), ref x._dh, at);
            }
            return u;
        }
    }
}
