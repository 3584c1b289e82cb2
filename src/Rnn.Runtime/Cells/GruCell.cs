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
    /// variant (null: PyTorch's cell) may clip the pre-activations (ONNX clip); it cannot save gates (no backward).
    /// </summary>
    [SkipLocalsInit]
    public static void Pointwise(KernelPath path, ReadOnlySpan<float> gx, ReadOnlySpan<float> gh, Span<float> h, Span<float> gates, CellVariant? variant = null)
    {
        int hidden = h.Length;
        if (gx.Length < 3 * hidden || gh.Length < 3 * hidden || (!gates.IsEmpty && gates.Length < 4 * hidden))
            throw new ArgumentException("GRU pointwise: spans shorter than 3H / 4H.");
        Span<float> activations = stackalloc float[2 * Block];
        var args = new Args(gx, gh, h, gates, activations, hidden, variant?.Clip ?? float.PositiveInfinity);
        if (variant is null || !variant.Clips)
        {
            KernelDispatch.RunRange<Update<PlainCell>, Args>(path, ref args);
            return;
        }
        if (!gates.IsEmpty) throw new NotSupportedException("GRU pointwise: ONNX's clip has no backward pass, so gates cannot be saved.");
        KernelDispatch.RunRange<Update<VariantCell>, Args>(path, ref args);
    }

    private readonly ref struct Args(ReadOnlySpan<float> gx, ReadOnlySpan<float> gh, Span<float> h, Span<float> gates, Span<float> act, int hidden, float clip)
    {
        public readonly ref float X = ref MemoryMarshal.GetReference(gx);
        public readonly ref float R = ref MemoryMarshal.GetReference(gh);
        public readonly ref float H = ref MemoryMarshal.GetReference(h);
        public readonly ref float Gates = ref MemoryMarshal.GetReference(gates);
        public readonly ref float Act = ref MemoryMarshal.GetReference(act);
        public readonly bool Save = !gates.IsEmpty;
        public readonly int Hidden = hidden;
        public readonly float Clip = clip;
    }

    /// <summary>
    /// Units [from, …) in whole vectors (one unit at a time with <see cref="ScalarOps"/>), in two passes per block of
    /// <see cref="Block"/> units: r and z into the scratch <c>act</c> (2 × Block floats), then n and the update. Split,
    /// the dependent chain per vector is one activation long instead of two, so the core overlaps far more of them
    /// (see <see cref="LstmCell"/>). Same bits. Returns the first unit left for a narrower width.
    /// <see cref="VariantCell"/> clamps the three pre-activations to ±clip.
    /// </summary>
    private readonly struct Update<TVariant> : IRangeKernel<Args>
        where TVariant : struct, ICellVariantSwitch
    {
        public static int Run<TOps, TVector>(ref Args args, int from)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct
        {
            ref float x = ref args.X, r = ref args.R, hs = ref args.H, gs = ref args.Gates, act = ref args.Act;
            bool save = args.Save;
            TVector hi = TVariant.On ? TOps.Broadcast(args.Clip) : default, lo = TVariant.On ? TOps.Broadcast(-args.Clip) : default;
            int hidden = args.Hidden;
            int v = TOps.Count, u = from;
            while (u <= hidden - v)
            {
                int width = Math.Min(Block, (hidden - u) / v * v);
                for (int j = 0; j < width; j += v)
                {
                    TVector pr = TOps.Add(TOps.Load(ref x, (nuint)(u + j)), TOps.Load(ref r, (nuint)(u + j)));
                    TVector pz = TOps.Add(TOps.Load(ref x, (nuint)(hidden + u + j)), TOps.Load(ref r, (nuint)(hidden + u + j)));
                    if (TVariant.On)
                    {
                        pr = CellVariant.Clamp<TOps, TVector>(pr, lo, hi);
                        pz = CellVariant.Clamp<TOps, TVector>(pz, lo, hi);
                    }
                    TOps.Store(TOps.Sigmoid(pr), ref act, (nuint)j);
                    TOps.Store(TOps.Sigmoid(pz), ref act, (nuint)(Block + j));
                }
                for (int j = 0; j < width; j += v, u += v)
                {
                    TVector rr = TOps.Load(ref act, (nuint)j);
                    TVector z = TOps.Load(ref act, (nuint)(Block + j));
                    TVector hn = TOps.Load(ref r, (nuint)(2 * hidden + u));
                    TVector pn = TOps.MultiplyAdd(rr, hn, TOps.Load(ref x, (nuint)(2 * hidden + u)));
                    if (TVariant.On) pn = CellVariant.Clamp<TOps, TVector>(pn, lo, hi);
                    TVector n = TOps.Tanh(pn);
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

    /// <summary>
    /// First half of a GRU step that resets h before the recurrent product (ONNX linear_before_reset = 0):
    /// gx is (3H): W_ih x plus every bias (b_hn too: it sits outside the product here). ghRz is (2H): W_hr h, W_hz h.
    /// Writes r ⊙ h into <paramref name="resetH"/> (H), for the candidate's product, and z over ghRz's z block.
    /// </summary>
    public static void ResetGate(KernelPath path, ReadOnlySpan<float> gx, Span<float> ghRz, ReadOnlySpan<float> h, Span<float> resetH, CellVariant variant)
    {
        int hidden = h.Length;
        if (gx.Length < 3 * hidden || ghRz.Length < 2 * hidden || resetH.Length < hidden)
            throw new ArgumentException("GRU reset gate: spans shorter than 3H / 2H / H.");
        var args = new SplitArgs(gx, ghRz, h, resetH, default, hidden, variant.Clip);
        if (variant.Clips) KernelDispatch.RunRange<ResetPass<VariantCell>, SplitArgs>(path, ref args);
        else KernelDispatch.RunRange<ResetPass<PlainCell>, SplitArgs>(path, ref args);
    }

    /// <summary>
    /// Second half of that step: ghN is (H), (r ⊙ h) W_hnᵀ; n = tanh(gx_n + ghN), h' = (1 − z)·n + z·h with z from
    /// ghRz's z block as <see cref="ResetGate"/> left it. h (H) is overwritten.
    /// </summary>
    public static void Candidate(KernelPath path, ReadOnlySpan<float> gx, ReadOnlySpan<float> ghRz, ReadOnlySpan<float> ghN, Span<float> h, CellVariant variant)
    {
        int hidden = h.Length;
        if (gx.Length < 3 * hidden || ghRz.Length < 2 * hidden || ghN.Length < hidden)
            throw new ArgumentException("GRU candidate: spans shorter than 3H / 2H / H.");
        var args = new SplitArgs(gx, ghRz, h, h, ghN, hidden, variant.Clip);
        if (variant.Clips) KernelDispatch.RunRange<CandidatePass<VariantCell>, SplitArgs>(path, ref args);
        else KernelDispatch.RunRange<CandidatePass<PlainCell>, SplitArgs>(path, ref args);
    }

    private readonly ref struct SplitArgs(ReadOnlySpan<float> gx, ReadOnlySpan<float> ghRz, ReadOnlySpan<float> h, Span<float> output, ReadOnlySpan<float> ghN, int hidden, float clip)
    {
        public readonly ref float X = ref MemoryMarshal.GetReference(gx);
        public readonly ref float Rz = ref MemoryMarshal.GetReference(ghRz);
        public readonly ref float H = ref MemoryMarshal.GetReference(h);
        public readonly ref float Output = ref MemoryMarshal.GetReference(output);
        public readonly ref float N = ref MemoryMarshal.GetReference(ghN);
        public readonly int Hidden = hidden;
        public readonly float Clip = clip;
    }

    /// <summary>r = σ(gx_r + W_hr h), z = σ(gx_z + W_hz h) (clipped with <see cref="VariantCell"/>); Output = r ⊙ h, z over ghRz's z block.</summary>
    private readonly struct ResetPass<TVariant> : IRangeKernel<SplitArgs>
        where TVariant : struct, ICellVariantSwitch
    {
        public static int Run<TOps, TVector>(ref SplitArgs args, int from)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct
        {
            ref float x = ref args.X, rz = ref args.Rz, hs = ref args.H, reset = ref args.Output;
            TVector hi = TVariant.On ? TOps.Broadcast(args.Clip) : default, lo = TVariant.On ? TOps.Broadcast(-args.Clip) : default;
            int hidden = args.Hidden, v = TOps.Count, u = from;
            for (; u <= hidden - v; u += v)
            {
                TVector pr = TOps.Add(TOps.Load(ref x, (nuint)u), TOps.Load(ref rz, (nuint)u));
                TVector pz = TOps.Add(TOps.Load(ref x, (nuint)(hidden + u)), TOps.Load(ref rz, (nuint)(hidden + u)));
                if (TVariant.On)
                {
                    pr = CellVariant.Clamp<TOps, TVector>(pr, lo, hi);
                    pz = CellVariant.Clamp<TOps, TVector>(pz, lo, hi);
                }
                TOps.Store(TOps.Multiply(TOps.Sigmoid(pr), TOps.Load(ref hs, (nuint)u)), ref reset, (nuint)u);
                TOps.Store(TOps.Sigmoid(pz), ref rz, (nuint)(hidden + u));
            }
            return u;
        }
    }

    /// <summary>n = tanh(gx_n + ghN) (clipped with <see cref="VariantCell"/>), h' = (1 − z)·n + z·h.</summary>
    private readonly struct CandidatePass<TVariant> : IRangeKernel<SplitArgs>
        where TVariant : struct, ICellVariantSwitch
    {
        public static int Run<TOps, TVector>(ref SplitArgs args, int from)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct
        {
            ref float x = ref args.X, rz = ref args.Rz, hs = ref args.Output, gn = ref args.N;
            TVector hi = TVariant.On ? TOps.Broadcast(args.Clip) : default, lo = TVariant.On ? TOps.Broadcast(-args.Clip) : default;
            int hidden = args.Hidden, v = TOps.Count, u = from;
            for (; u <= hidden - v; u += v)
            {
                TVector pn = TOps.Add(TOps.Load(ref x, (nuint)(2 * hidden + u)), TOps.Load(ref gn, (nuint)u));
                if (TVariant.On) pn = CellVariant.Clamp<TOps, TVector>(pn, lo, hi);
                TVector n = TOps.Tanh(pn);
                TVector z = TOps.Load(ref rz, (nuint)(hidden + u));
                TVector prev = TOps.Load(ref hs, (nuint)u);
                TOps.Store(TOps.Add(TOps.Multiply(TOps.Subtract(TOps.One, z), n), TOps.Multiply(z, prev)), ref hs, (nuint)u);
            }
            return u;
        }
    }
}
