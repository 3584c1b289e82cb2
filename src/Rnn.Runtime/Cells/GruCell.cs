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
        Span<float> activations = stackalloc float[2 * Block];
        var args = new Args(gx, gh, h, gates, activations, hidden);
        KernelDispatch.RunRange<Update, Args>(path, ref args);
    }

    private readonly ref struct Args(ReadOnlySpan<float> gx, ReadOnlySpan<float> gh, Span<float> h, Span<float> gates, Span<float> act, int hidden)
    {
        public readonly ref float X = ref MemoryMarshal.GetReference(gx);
        public readonly ref float R = ref MemoryMarshal.GetReference(gh);
        public readonly ref float H = ref MemoryMarshal.GetReference(h);
        public readonly ref float Gates = ref MemoryMarshal.GetReference(gates);
        public readonly ref float Act = ref MemoryMarshal.GetReference(act);
        public readonly bool Save = !gates.IsEmpty;
        public readonly int Hidden = hidden;
    }

    /// <summary>
    /// Units [from, …) in whole vectors (one unit at a time with <see cref="ScalarOps"/>), in two passes per block of
    /// <see cref="Block"/> units: r and z into the scratch <c>act</c> (2 × Block floats), then n and the update. Split,
    /// the dependent chain per vector is one activation long instead of two, so the core overlaps far more of them
    /// (see <see cref="LstmCell"/>). Same bits. Returns the first unit left for a narrower width.
    /// </summary>
    private readonly struct Update : IRangeKernel<Args>
    {
        public static int Run<TOps, TVector>(ref Args args, int from)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct
        {
            ref float x = ref args.X, r = ref args.R, hs = ref args.H, gs = ref args.Gates, act = ref args.Act;
            bool save = args.Save;
            int hidden = args.Hidden;
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
}
