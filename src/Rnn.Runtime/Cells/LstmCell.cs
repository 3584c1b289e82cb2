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
    /// variant (null: PyTorch's cell) adds ONNX's clip, peepholes and input_forget; it cannot save gates (no backward).
    /// </summary>
    [SkipLocalsInit]
    public static void Pointwise(KernelPath path, ReadOnlySpan<float> pre, Span<float> c, Span<float> h, Span<float> gates, CellVariant? variant = null)
    {
        int hidden = h.Length;
        if (pre.Length < 4 * hidden || c.Length < hidden || (!gates.IsEmpty && gates.Length < 4 * hidden))
            throw new ArgumentException("LSTM pointwise: spans shorter than 4H / H.");
        Span<float> activations = stackalloc float[4 * Block];
        if (variant is null || variant.IsPlain)
        {
            var args = new Args(pre, c, h, gates, activations, hidden, CellVariant.Plain);
            KernelDispatch.RunRange<Update<PlainCell>, Args>(path, ref args);
            return;
        }
        if (!gates.IsEmpty) throw new NotSupportedException("LSTM pointwise: ONNX cell variants have no backward pass, so gates cannot be saved.");
        if (variant.Peepholes.Length != 0 && variant.Peepholes.Length < 3 * hidden)
            throw new ArgumentException($"LSTM pointwise: {variant.Peepholes.Length} peephole weights, expected 3H = {3 * hidden}.");
        var variantArgs = new Args(pre, c, h, gates, activations, hidden, variant);
        KernelDispatch.RunRange<Update<VariantCell>, Args>(path, ref variantArgs);
    }

    private readonly ref struct Args(ReadOnlySpan<float> pre, Span<float> c, Span<float> h, Span<float> gates, Span<float> act, int hidden, CellVariant variant)
    {
        public readonly ref float P = ref MemoryMarshal.GetReference(pre);
        public readonly ref float C = ref MemoryMarshal.GetReference(c);
        public readonly ref float H = ref MemoryMarshal.GetReference(h);
        public readonly ref float Gates = ref MemoryMarshal.GetReference(gates);
        public readonly ref float Act = ref MemoryMarshal.GetReference(act);
        public readonly ref float Peep = ref MemoryMarshal.GetArrayDataReference(variant.Peepholes);
        public readonly bool Save = !gates.IsEmpty;
        public readonly bool Peepholes = variant.Peepholes.Length != 0, InputForget = variant.InputForget, Clips = variant.Clips;
        public readonly float Clip = variant.Clip;
        public readonly int Hidden = hidden;
    }

    /// <summary>
    /// Units [from, …) in whole vectors (one unit at a time with <see cref="ScalarOps"/>), in two passes per block of
    /// <see cref="Block"/> units: the four gate activations into the scratch <c>act</c> (4 × Block floats), then the
    /// state update with tanh(c). In one pass each vector chains exp, divide, exp, divide (~160 cycles) and the core
    /// overlaps few of those chains; split, each chain is one activation long. Same bits; measured 1.2-1.35x faster
    /// with Vector512, 1.5x with Vector256 (H = 256 and 1024). Returns the first unit left for a narrower width.
    /// With <see cref="VariantCell"/>: pre-activations are clipped, i and f add the peephole term of the old c, f may be
    /// 1 − i, and with peepholes o waits (as its pre-activation) for the second pass, where it adds that of the new c.
    /// </summary>
    private readonly struct Update<TVariant> : IRangeKernel<Args>
        where TVariant : struct, ICellVariantSwitch
    {
        public static int Run<TOps, TVector>(ref Args args, int from)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct
        {
            ref float p = ref args.P, cs = ref args.C, hs = ref args.H, gs = ref args.Gates, act = ref args.Act, peep = ref args.Peep;
            bool save = args.Save;
            bool peepholes = TVariant.On && args.Peepholes, coupled = TVariant.On && args.InputForget, clips = TVariant.On && args.Clips;
            TVector hi = clips ? TOps.Broadcast(args.Clip) : default, lo = clips ? TOps.Broadcast(-args.Clip) : default;
            int hidden = args.Hidden;
            int v = TOps.Count, u = from;
            while (u <= hidden - v)
            {
                int width = Math.Min(Block, (hidden - u) / v * v);
                for (int j = 0; j < width; j += v)
                {
                    if (!TVariant.On)
                    {
                        TOps.Store(TOps.Sigmoid(TOps.Load(ref p, (nuint)(u + j))), ref act, (nuint)j);
                        TOps.Store(TOps.Sigmoid(TOps.Load(ref p, (nuint)(hidden + u + j))), ref act, (nuint)(Block + j));
                        TOps.Store(TOps.Tanh(TOps.Load(ref p, (nuint)(2 * hidden + u + j))), ref act, (nuint)(2 * Block + j));
                        TOps.Store(TOps.Sigmoid(TOps.Load(ref p, (nuint)(3 * hidden + u + j))), ref act, (nuint)(3 * Block + j));
                        continue;
                    }
                    TVector pi = TOps.Load(ref p, (nuint)(u + j)), pf = TOps.Load(ref p, (nuint)(hidden + u + j));
                    TVector pg = TOps.Load(ref p, (nuint)(2 * hidden + u + j)), po = TOps.Load(ref p, (nuint)(3 * hidden + u + j));
                    if (peepholes)
                    {
                        TVector cOld = TOps.Load(ref cs, (nuint)(u + j));
                        pi = TOps.MultiplyAdd(TOps.Load(ref peep, (nuint)(u + j)), cOld, pi);
                        pf = TOps.MultiplyAdd(TOps.Load(ref peep, (nuint)(hidden + u + j)), cOld, pf);
                    }
                    if (clips)
                    {
                        pi = CellVariant.Clamp<TOps, TVector>(pi, lo, hi);
                        pf = CellVariant.Clamp<TOps, TVector>(pf, lo, hi);
                        pg = CellVariant.Clamp<TOps, TVector>(pg, lo, hi);
                        if (!peepholes) po = CellVariant.Clamp<TOps, TVector>(po, lo, hi);
                    }
                    TVector i = TOps.Sigmoid(pi);
                    TOps.Store(i, ref act, (nuint)j);
                    TOps.Store(coupled ? TOps.Subtract(TOps.One, i) : TOps.Sigmoid(pf), ref act, (nuint)(Block + j));
                    TOps.Store(TOps.Tanh(pg), ref act, (nuint)(2 * Block + j));
                    TOps.Store(peepholes ? po : TOps.Sigmoid(po), ref act, (nuint)(3 * Block + j));
                }
                for (int j = 0; j < width; j += v, u += v)
                {
                    TVector i = TOps.Load(ref act, (nuint)j);
                    TVector f = TOps.Load(ref act, (nuint)(Block + j));
                    TVector g = TOps.Load(ref act, (nuint)(2 * Block + j));
                    TVector o = TOps.Load(ref act, (nuint)(3 * Block + j));
                    TVector cNew = TOps.MultiplyAdd(f, TOps.Load(ref cs, (nuint)u), TOps.Multiply(i, g));
                    if (peepholes)
                    {
                        o = TOps.MultiplyAdd(TOps.Load(ref peep, (nuint)(2 * hidden + u)), cNew, o);
                        if (clips) o = CellVariant.Clamp<TOps, TVector>(o, lo, hi);
                        o = TOps.Sigmoid(o);
                    }
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
