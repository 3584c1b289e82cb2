using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Rnn.Runtime.Kernels;

namespace Rnn.Runtime.Cells;

/// <summary>The element-wise half of an LSTM step, after the gate products.</summary>
internal static class LstmCell
{
    /// <summary>Units per block of the two-pass vector update (its activations stay in L1: 1 KiB).</summary>
    private const int Block = 64;

    /// <summary>
    /// pre is (4H): pre-activations of gates i, f, g, o with every bias added. c is (H), read and updated.
    /// h is (H), written. gates, if not empty, is (4H) and receives the activated i, f, g, o for the backward pass.
    /// </summary>
    [SkipLocalsInit]
    public static void Pointwise(KernelPath path, ReadOnlySpan<float> pre, Span<float> c, Span<float> h, Span<float> gates)
    {
        int hidden = h.Length;
        if (pre.Length < 4 * hidden || c.Length < hidden || (!gates.IsEmpty && gates.Length < 4 * hidden))
            throw new ArgumentException("LSTM pointwise: spans shorter than 4H / H.");
        Span<float> activations = stackalloc float[4 * Block];
        var args = new Args(pre, c, h, gates, activations, hidden);
        KernelDispatch.RunRange<Update, Args>(path, ref args);
    }

    private readonly ref struct Args(ReadOnlySpan<float> pre, Span<float> c, Span<float> h, Span<float> gates, Span<float> act, int hidden)
    {
        public readonly ref float P = ref MemoryMarshal.GetReference(pre);
        public readonly ref float C = ref MemoryMarshal.GetReference(c);
        public readonly ref float H = ref MemoryMarshal.GetReference(h);
        public readonly ref float Gates = ref MemoryMarshal.GetReference(gates);
        public readonly ref float Act = ref MemoryMarshal.GetReference(act);
        public readonly bool Save = !gates.IsEmpty;
        public readonly int Hidden = hidden;
    }

    /// <summary>
    /// Units [from, …) in whole vectors (one unit at a time with <see cref="ScalarOps"/>), in two passes per block of
    /// <see cref="Block"/> units: the four gate activations into the scratch <c>act</c> (4 × Block floats), then the
    /// state update with tanh(c). In one pass each vector chains exp, divide, exp, divide (~160 cycles) and the core
    /// overlaps few of those chains; split, each chain is one activation long. Same bits; measured 1.2-1.35x faster
    /// with Vector512, 1.5x with Vector256 (H = 256 and 1024). Returns the first unit left for a narrower width.
    /// </summary>
    private readonly struct Update : IRangeKernel<Args>
    {
        public static int Run<TOps, TVector>(ref Args args, int from)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct
        {
            ref float p = ref args.P, cs = ref args.C, hs = ref args.H, gs = ref args.Gates, act = ref args.Act;
            bool save = args.Save;
            int hidden = args.Hidden;
            int v = TOps.Count, u = from;
            while (u <= hidden - v)
            {
                int width = Math.Min(Block, (hidden - u) / v * v);
                for (int j = 0; j < width; j += v)
                {
                    TOps.Store(TOps.Sigmoid(TOps.Load(ref p, (nuint)(u + j))), ref act, (nuint)j);
                    TOps.Store(TOps.Sigmoid(TOps.Load(ref p, (nuint)(hidden + u + j))), ref act, (nuint)(Block + j));
                    TOps.Store(TOps.Tanh(TOps.Load(ref p, (nuint)(2 * hidden + u + j))), ref act, (nuint)(2 * Block + j));
                    TOps.Store(TOps.Sigmoid(TOps.Load(ref p, (nuint)(3 * hidden + u + j))), ref act, (nuint)(3 * Block + j));
                }
                for (int j = 0; j < width; j += v, u += v)
                {
                    TVector i = TOps.Load(ref act, (nuint)j);
                    TVector f = TOps.Load(ref act, (nuint)(Block + j));
                    TVector g = TOps.Load(ref act, (nuint)(2 * Block + j));
                    TVector o = TOps.Load(ref act, (nuint)(3 * Block + j));
                    TVector cNew = TOps.MultiplyAdd(f, TOps.Load(ref cs, (nuint)u), TOps.Multiply(i, g));
                    TOps.Store(cNew, ref cs, (nuint)u);
                    TOps.Store(TOps.Multiply(o, TOps.Tanh(cNew)), ref hs, (nuint)u);
                    if (save)
                    {
                        TOps.Store(i, ref gs, (nuint)u);
                        TOps.Store(f, ref gs, (nuint)(hidden + u));
                        TOps.Store(g, ref gs, (nuint)(2 * hidden + u));
                        TOps.Store(o, ref gs, (nuint)(3 * hidden + u));
                    }
                }
            }
            return u;
        }
    }
}
