using Rnn.Training.Parameters;
using Rnn.Runtime.Cells;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Layers;
using System.Runtime.InteropServices;

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
    public static void BackwardStep(KernelPath path, int batch, int hidden, ReadOnlySpan<bool> inactive, ReadOnlySpan<float> dy, int ldy,
        ReadOnlySpan<float> saved, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> hNew, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> cNew,
        Span<float> dh, Span<float> dc, Span<float> dGx, Span<float> dGh, Span<float> scratch)
    {
        int gates = 4 * hidden, stateSize = batch * hidden;
        // τ for the whole step in one vectorised pass (tanh is most of this step's element-wise cost), the forward's tanh.
        Span<float> tanhC = scratch.Slice(0, stateSize);
        Activations.Tanh(path, cNew.Slice(0, stateSize), tanhC);
        for (int b = 0; b < batch; b++)
        {
            Span<float> dG = dGx.Slice(b * gates, gates);
            if (!inactive.IsEmpty && inactive[b])
            {
                dG.Clear();
                continue;
            }
            var row = new BackwardRow(saved.Slice(b * gates, gates), dy.Slice(b * ldy, hidden), cPrev.Slice(b * hidden, hidden),
                tanhC.Slice(b * hidden, hidden), dh.Slice(b * hidden, hidden), dc.Slice(b * hidden, hidden), dG);
            KernelDispatch.RunRange<BackwardRow, BackwardRow>(path, ref row);
        }
    }

    /// <summary>One row's derivative: every width (and the scalar tail) evaluates the same expressions in the same
    /// order (no fused multiply-add), so a row's result does not depend on the path or where the tail starts.</summary>
    private readonly ref struct BackwardRow : IRangeKernel<BackwardRow>
    {
        private readonly ref float _s, _dy, _cPrev, _tanhC, _dh, _dc, _dG;
        private readonly int _hidden;

        public BackwardRow(ReadOnlySpan<float> saved, ReadOnlySpan<float> dy, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> tanhC,
            Span<float> dh, Span<float> dc, Span<float> dG)
        {
            _s = ref MemoryMarshal.GetReference(saved);
            _dy = ref MemoryMarshal.GetReference(dy);
            _cPrev = ref MemoryMarshal.GetReference(cPrev);
            _tanhC = ref MemoryMarshal.GetReference(tanhC);
            _dh = ref MemoryMarshal.GetReference(dh);
            _dc = ref MemoryMarshal.GetReference(dc);
            _dG = ref MemoryMarshal.GetReference(dG);
            _hidden = dh.Length;
        }

        public static int Run<TOps, TVector>(ref BackwardRow r, int from)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct
        {
            int H = r._hidden, u = from, v = TOps.Count;
            TVector one = TOps.One;
            for (; u <= H - v; u += v)
            {
                nuint at = (nuint)u, h = (nuint)H;
                TVector i = TOps.Load(ref r._s, at), f = TOps.Load(ref r._s, h + at);
                TVector g = TOps.Load(ref r._s, 2 * h + at), o = TOps.Load(ref r._s, 3 * h + at);
                TVector tc = TOps.Load(ref r._tanhC, at);
                TVector dhu = TOps.Add(TOps.Load(ref r._dy, at), TOps.Load(ref r._dh, at));
                // δc = dc + δh·o·(1 - τ²)
                TVector dcu = TOps.Add(TOps.Load(ref r._dc, at),
                    TOps.Multiply(TOps.Multiply(dhu, o), TOps.Subtract(one, TOps.Multiply(tc, tc))));
                TOps.Store(TOps.Multiply(TOps.Multiply(TOps.Multiply(dcu, g), i), TOps.Subtract(one, i)), ref r._dG, at);
                TOps.Store(TOps.Multiply(TOps.Multiply(TOps.Multiply(dcu, TOps.Load(ref r._cPrev, at)), f), TOps.Subtract(one, f)), ref r._dG, h + at);
                TOps.Store(TOps.Multiply(TOps.Multiply(dcu, i), TOps.Subtract(one, TOps.Multiply(g, g))), ref r._dG, 2 * h + at);
                TOps.Store(TOps.Multiply(TOps.Multiply(TOps.Multiply(dhu, tc), o), TOps.Subtract(one, o)), ref r._dG, 3 * h + at);
                TOps.Store(TOps.Multiply(dcu, f), ref r._dc, at);
                TOps.Store(TOps.Zero, ref r._dh, at);
            }
            return u;
        }
    }
}
