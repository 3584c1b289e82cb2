using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Rnn.Runtime.Kernels;

namespace Rnn.Runtime.Cells;

/// <summary>The element-wise half of a GRU step (PyTorch semantics), after the gate products.</summary>
internal static unsafe class GruCell
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
        // Two passes per block of units, r and z first, then n and the update: split, the dependent chain per
        // vector is one activation long instead of two, so the core overlaps far more of them (see LstmCell).
        float* act = stackalloc float[2 * Block];
        if (path == KernelPath.Vector512)
        {
            const int V = 16;
            while (u <= hidden - V)
            {
                int width = Math.Min(Block, (hidden - u) / V * V);
                for (int j = 0; j < width; j += V)
                {
                    Activations.Sigmoid(Vector512.LoadUnsafe(ref x, (nuint)(u + j)) + Vector512.LoadUnsafe(ref r, (nuint)(u + j))).Store(act + j);
                    Activations.Sigmoid(Vector512.LoadUnsafe(ref x, (nuint)(hidden + u + j)) + Vector512.LoadUnsafe(ref r, (nuint)(hidden + u + j))).Store(act + Block + j);
                }
                for (int j = 0; j < width; j += V, u += V)
                {
                    Vector512<float> rr = Vector512.Load(act + j);
                    Vector512<float> z = Vector512.Load(act + Block + j);
                    Vector512<float> hn = Vector512.LoadUnsafe(ref r, (nuint)(2 * hidden + u));
                    Vector512<float> n = Activations.Tanh(Vector512.FusedMultiplyAdd(rr, hn, Vector512.LoadUnsafe(ref x, (nuint)(2 * hidden + u))));
                    Vector512<float> prev = Vector512.LoadUnsafe(ref hs, (nuint)u);
                    ((Vector512<float>.One - z) * n + z * prev).StoreUnsafe(ref hs, (nuint)u);
                    if (save)
                    {
                        rr.StoreUnsafe(ref gs, (nuint)u);
                        z.StoreUnsafe(ref gs, (nuint)(hidden + u));
                        n.StoreUnsafe(ref gs, (nuint)(2 * hidden + u));
                        hn.StoreUnsafe(ref gs, (nuint)(3 * hidden + u));
                    }
                }
            }
        }
        if (path >= KernelPath.Vector256)
        {
            const int V = 8;
            while (u <= hidden - V)
            {
                int width = Math.Min(Block, (hidden - u) / V * V);
                for (int j = 0; j < width; j += V)
                {
                    Activations.Sigmoid(Vector256.LoadUnsafe(ref x, (nuint)(u + j)) + Vector256.LoadUnsafe(ref r, (nuint)(u + j))).Store(act + j);
                    Activations.Sigmoid(Vector256.LoadUnsafe(ref x, (nuint)(hidden + u + j)) + Vector256.LoadUnsafe(ref r, (nuint)(hidden + u + j))).Store(act + Block + j);
                }
                for (int j = 0; j < width; j += V, u += V)
                {
                    Vector256<float> rr = Vector256.Load(act + j);
                    Vector256<float> z = Vector256.Load(act + Block + j);
                    Vector256<float> hn = Vector256.LoadUnsafe(ref r, (nuint)(2 * hidden + u));
                    Vector256<float> n = Activations.Tanh(Vector256.FusedMultiplyAdd(rr, hn, Vector256.LoadUnsafe(ref x, (nuint)(2 * hidden + u))));
                    Vector256<float> prev = Vector256.LoadUnsafe(ref hs, (nuint)u);
                    ((Vector256<float>.One - z) * n + z * prev).StoreUnsafe(ref hs, (nuint)u);
                    if (save)
                    {
                        rr.StoreUnsafe(ref gs, (nuint)u);
                        z.StoreUnsafe(ref gs, (nuint)(hidden + u));
                        n.StoreUnsafe(ref gs, (nuint)(2 * hidden + u));
                        hn.StoreUnsafe(ref gs, (nuint)(3 * hidden + u));
                    }
                }
            }
        }
        for (; u < hidden; u++)
        {
            float rr = Activations.Sigmoid(Unsafe.Add(ref x, u) + Unsafe.Add(ref r, u));
            float z = Activations.Sigmoid(Unsafe.Add(ref x, hidden + u) + Unsafe.Add(ref r, hidden + u));
            float hn = Unsafe.Add(ref r, 2 * hidden + u);
            float n = Activations.Tanh(MathF.FusedMultiplyAdd(rr, hn, Unsafe.Add(ref x, 2 * hidden + u)));
            float prev = Unsafe.Add(ref hs, u);
            Unsafe.Add(ref hs, u) = (1f - z) * n + z * prev;
            if (save)
            {
                Unsafe.Add(ref gs, u) = rr;
                Unsafe.Add(ref gs, hidden + u) = z;
                Unsafe.Add(ref gs, 2 * hidden + u) = n;
                Unsafe.Add(ref gs, 3 * hidden + u) = hn;
            }
        }
    }
}
