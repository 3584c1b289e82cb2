using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Rnn.Runtime.Kernels;

namespace Rnn.Runtime.Cells;

/// <summary>The element-wise half of an LSTM step, after the gate products: one pass over the gates.</summary>
internal static class LstmCell
{
    /// <summary>
    /// pre is (4H): pre-activations of gates i, f, g, o with every bias added. c is (H), read and updated.
    /// h is (H), written. gates, if not empty, is (4H) and receives the activated i, f, g, o for the backward pass.
    /// </summary>
    public static void Pointwise(KernelPath path, ReadOnlySpan<float> pre, Span<float> c, Span<float> h, Span<float> gates)
    {
        int hidden = h.Length;
        if (pre.Length < 4 * hidden || c.Length < hidden || (!gates.IsEmpty && gates.Length < 4 * hidden))
            throw new ArgumentException("LSTM pointwise: spans shorter than 4H / H.");
        ref float p = ref MemoryMarshal.GetReference(pre);
        ref float cs = ref MemoryMarshal.GetReference(c);
        ref float hs = ref MemoryMarshal.GetReference(h);
        bool save = !gates.IsEmpty;
        ref float gs = ref MemoryMarshal.GetReference(gates);
        int u = 0;
        if (path == KernelPath.Vector512)
        {
            for (; u <= hidden - Vector512<float>.Count; u += Vector512<float>.Count)
            {
                Vector512<float> i = Activations.Sigmoid(Vector512.LoadUnsafe(ref p, (nuint)u));
                Vector512<float> f = Activations.Sigmoid(Vector512.LoadUnsafe(ref p, (nuint)(hidden + u)));
                Vector512<float> g = Activations.Tanh(Vector512.LoadUnsafe(ref p, (nuint)(2 * hidden + u)));
                Vector512<float> o = Activations.Sigmoid(Vector512.LoadUnsafe(ref p, (nuint)(3 * hidden + u)));
                Vector512<float> cNew = Vector512.FusedMultiplyAdd(f, Vector512.LoadUnsafe(ref cs, (nuint)u), i * g);
                cNew.StoreUnsafe(ref cs, (nuint)u);
                (o * Activations.Tanh(cNew)).StoreUnsafe(ref hs, (nuint)u);
                if (save)
                {
                    i.StoreUnsafe(ref gs, (nuint)u);
                    f.StoreUnsafe(ref gs, (nuint)(hidden + u));
                    g.StoreUnsafe(ref gs, (nuint)(2 * hidden + u));
                    o.StoreUnsafe(ref gs, (nuint)(3 * hidden + u));
                }
            }
        }
        if (path >= KernelPath.Vector256)
        {
            for (; u <= hidden - Vector256<float>.Count; u += Vector256<float>.Count)
            {
                Vector256<float> i = Activations.Sigmoid(Vector256.LoadUnsafe(ref p, (nuint)u));
                Vector256<float> f = Activations.Sigmoid(Vector256.LoadUnsafe(ref p, (nuint)(hidden + u)));
                Vector256<float> g = Activations.Tanh(Vector256.LoadUnsafe(ref p, (nuint)(2 * hidden + u)));
                Vector256<float> o = Activations.Sigmoid(Vector256.LoadUnsafe(ref p, (nuint)(3 * hidden + u)));
                Vector256<float> cNew = Vector256.FusedMultiplyAdd(f, Vector256.LoadUnsafe(ref cs, (nuint)u), i * g);
                cNew.StoreUnsafe(ref cs, (nuint)u);
                (o * Activations.Tanh(cNew)).StoreUnsafe(ref hs, (nuint)u);
                if (save)
                {
                    i.StoreUnsafe(ref gs, (nuint)u);
                    f.StoreUnsafe(ref gs, (nuint)(hidden + u));
                    g.StoreUnsafe(ref gs, (nuint)(2 * hidden + u));
                    o.StoreUnsafe(ref gs, (nuint)(3 * hidden + u));
                }
            }
        }
        for (; u < hidden; u++) Scalar(ref p, ref cs, ref hs, ref gs, save, hidden, u);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scalar(ref float p, ref float cs, ref float hs, ref float gs, bool save, int hidden, int u)
    {
        float i = Activations.Sigmoid(Unsafe.Add(ref p, u));
        float f = Activations.Sigmoid(Unsafe.Add(ref p, hidden + u));
        float g = Activations.Tanh(Unsafe.Add(ref p, 2 * hidden + u));
        float o = Activations.Sigmoid(Unsafe.Add(ref p, 3 * hidden + u));
        float cNew = MathF.FusedMultiplyAdd(f, Unsafe.Add(ref cs, u), i * g);
        Unsafe.Add(ref cs, u) = cNew;
        Unsafe.Add(ref hs, u) = o * Activations.Tanh(cNew);
        if (save)
        {
            Unsafe.Add(ref gs, u) = i;
            Unsafe.Add(ref gs, hidden + u) = f;
            Unsafe.Add(ref gs, 2 * hidden + u) = g;
            Unsafe.Add(ref gs, 3 * hidden + u) = o;
        }
    }
}
