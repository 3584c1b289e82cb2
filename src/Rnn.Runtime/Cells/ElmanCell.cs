using System.Runtime.InteropServices;
using Rnn.Runtime.Kernels;

namespace Rnn.Runtime.Cells;

/// <summary>The element-wise half of an Elman RNN step.</summary>
internal static class ElmanCell
{
    /// <summary>pre is (H): W_ih x + W_hh h + b_ih + b_hh. h is (H), written with tanh(pre) or relu(pre).
    /// clip (ONNX), when finite, clamps pre to [−clip, clip] first.</summary>
    public static void Pointwise(KernelPath path, ReadOnlySpan<float> pre, Span<float> h, bool relu, float clip = float.PositiveInfinity)
    {
        int hidden = h.Length;
        pre = pre.Slice(0, hidden);
        if (float.IsFinite(clip))
        {
            var args = new ClipArgs(pre, h, hidden, clip, relu);
            KernelDispatch.RunRange<ClippedUpdate, ClipArgs>(path, ref args);
        }
        else if (relu)
            for (int u = 0; u < hidden; u++) h[u] = MathF.Max(pre[u], 0f); // NaN stays NaN, as in PyTorch
        else
            Activations.Tanh(path, pre, h);
    }

    private readonly ref struct ClipArgs(ReadOnlySpan<float> pre, Span<float> h, int hidden, float clip, bool relu)
    {
        public readonly ref float Pre = ref MemoryMarshal.GetReference(pre);
        public readonly ref float H = ref MemoryMarshal.GetReference(h);
        public readonly int Hidden = hidden;
        public readonly float Clip = clip;
        public readonly bool Relu = relu;
    }

    /// <summary>h = act(clamp(pre, ±clip)) over units [from, …) in whole vectors.</summary>
    private readonly struct ClippedUpdate : IRangeKernel<ClipArgs>
    {
        public static int Run<TOps, TVector>(ref ClipArgs args, int from)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct
        {
            ref float pre = ref args.Pre, hs = ref args.H;
            TVector hi = TOps.Broadcast(args.Clip), lo = TOps.Broadcast(-args.Clip);
            bool relu = args.Relu;
            int hidden = args.Hidden, v = TOps.Count, u = from;
            for (; u <= hidden - v; u += v)
            {
                TVector p = CellVariant.Clamp<TOps, TVector>(TOps.Load(ref pre, (nuint)u), lo, hi);
                TOps.Store(relu ? TOps.Max(p, TOps.Zero) : TOps.Tanh(p), ref hs, (nuint)u);
            }
            return u;
        }
    }
}
