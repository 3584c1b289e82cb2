using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Rnn.Runtime.Kernels;

namespace Rnn.Runtime.Cells;

/// <summary>The element-wise half of a GRU step (PyTorch semantics), after the gate products.</summary>
internal static class GruCell
{
    /// <summary>Units per block of the two-pass vector update.</summary>
    private const int Block = 64;

    /// <summary>
    /// gx is (3H): W_ih x + b_ih, with b_hr and b_hz already added to the r and z blocks.
    /// gh is (3H): W_hh h, with b_hn added to the n block (b_hn sits inside r * (W_hn h + b_hn)).
    /// h is (H): the previous state, overwritten with the new one, h' = (1 - z)·n + z·h = n + z·(h - n).
    /// gates, if not empty, is (4H) and receives r, z, n and W_hn h + b_hn for the backward pass.
    /// </summary>
    [SkipLocalsInit]
    public static void Pointwise(KernelPath path, ReadOnlySpan<float> gx, ReadOnlySpan<float> gh, Span<float> h, Span<float> gates)
    {
        int hidden = h.Length;
        if (gx.Length < 3 * hidden || gh.Length < 3 * hidden || (!gates.IsEmpty && gates.Length < 4 * hidden))
            throw new ArgumentException("GRU pointwise: spans shorter than 3H / 4H.");
        ref float x = ref MemoryMarshal.GetReference(gx);
        ref float r = ref MemoryMarshal.GetReference(gh);
        ref float hs = ref MemoryMarshal.GetReference(h);
        ref float gs = ref MemoryMarshal.GetReference(gates);
        bool save = !gates.IsEmpty;
        int u = 0;
        Span<float> activations = stackalloc float[2 * Block];
        ref float act = ref MemoryMarshal.GetReference(activations);
        if (path == KernelPath.Vector512) u = Update<Vector512Ops, Vector512<float>>(ref x, ref r, ref hs, ref gs, ref act, save, hidden, u);
        if (path >= KernelPath.Vector256) u = Update<Vector256Ops, Vector256<float>>(ref x, ref r, ref hs, ref gs, ref act, save, hidden, u);
        Update<ScalarOps, float>(ref x, ref r, ref hs, ref gs, ref act, save, hidden, u);
    }

    /// <summary>
    /// Units [from, …) in whole vectors (one unit at a time with <see cref="ScalarOps"/>), in two passes per block of
    /// <see cref="Block"/> units: r and z into <paramref name="act"/> (2 × Block floats), then n and the update. Split,
    /// the dependent chain per vector is one activation long instead of two, so the core overlaps far more of them
    /// (see <see cref="LstmCell"/>). Same bits. Returns the first unit left for a narrower width.
    /// </summary>
    private static int Update<TOps, TVector>(ref float x, ref float r, ref float hs, ref float gs, ref float act,
        bool save, int hidden, int from)
        where TOps : struct, IFloatVectorOps<TVector>
        where TVector : struct
    {
        int v = TOps.Count, u = from;
        while (u <= hidden - v)
        {
            int width = Math.Min(Block, (hidden - u) / v * v);
            for (int j = 0; j < width; j += v)
            {
                TOps.Store(TOps.Sigmoid(TOps.Add(TOps.Load(ref x, (nuint)(u + j)), TOps.Load(ref r, (nuint)(u + j)))), ref act, (nuint)j);
                TOps.Store(TOps.Sigmoid(TOps.Add(TOps.Load(ref x, (nuint)(hidden + u + j)), TOps.Load(ref r, (nuint)(hidden + u + j)))),
                    ref act, (nuint)(Block + j));
            }
            for (int j = 0; j < width; j += v, u += v)
            {
                TVector rr = TOps.Load(ref act, (nuint)j);
                TVector z = TOps.Load(ref act, (nuint)(Block + j));
                TVector hn = TOps.Load(ref r, (nuint)(2 * hidden + u));
                TVector n = TOps.Tanh(TOps.MultiplyAdd(rr, hn, TOps.Load(ref x, (nuint)(2 * hidden + u))));
                TVector prev = TOps.Load(ref hs, (nuint)u);
                TOps.Store(TOps.Add(TOps.Multiply(TOps.Subtract(TOps.One, z), n), TOps.Multiply(z, prev)), ref hs, (nuint)u);
                if (save)
                {
                    TOps.Store(rr, ref gs, (nuint)u);
                    TOps.Store(z, ref gs, (nuint)(hidden + u));
                    TOps.Store(n, ref gs, (nuint)(2 * hidden + u));
                    TOps.Store(hn, ref gs, (nuint)(3 * hidden + u));
                }
            }
        }
        return u;
    }
}
