using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// y (PaddedN) = bias + x (K) · B for a bfloat16 B: weights widened to float32 in registers, float32 FMA chains.
/// Each output sums its even k and its odd k in two chains (to hide FMA latency) and adds them at the end; every
/// path does exactly that, so the paths agree bit for bit.
/// </summary>
public static unsafe class GemvBf16
{
    private const int G = PackedMatrixBf16.GroupWidth;

    public static void Multiply(KernelPath path, ReadOnlySpan<float> x, PackedMatrixBf16 b, ReadOnlySpan<float> bias, Span<float> y)
    {
        if (x.Length < b.K) throw new ArgumentException($"x has {x.Length} floats, needs K = {b.K}.", nameof(x));
        if (y.Length < b.PaddedN) throw new ArgumentException($"y has {y.Length} floats, needs padded N = {b.PaddedN}.", nameof(y));
        if (!bias.IsEmpty && bias.Length < b.N) throw new ArgumentException($"bias has {bias.Length} floats, needs N = {b.N}.", nameof(bias));
        KernelPaths.EnsureSupported(path);
        fixed (float* xp = x)
        fixed (float* yp = y)
        {
            for (int g = 0; g < b.GroupCount; g++)
            {
                ushort* group = b.Data + (long)g * b.K * G;
                float* out64 = yp + g * G;
                switch (path)
                {
                    case KernelPath.Vector512:
                        Columns<Vector512Ops, Vector512<float>>(xp, group, b.K, out64);
                        break;
                    case KernelPath.Vector256:
                        Columns<Vector256Ops, Vector256<float>>(xp, group, b.K, out64);
                        Columns<Vector256Ops, Vector256<float>>(xp, group + G / 2, b.K, out64 + G / 2);
                        break;
                    default: GroupScalar(xp, group, b.K, out64); break;
                }
                int valid = Math.Min(G, b.N - g * G);
                if (!bias.IsEmpty)
                    for (int j = 0; j < valid; j++) out64[j] += bias[g * G + j];
            }
        }
    }

    /// <summary>
    /// 4·Count columns of a group (from <paramref name="w"/>, rows G values apart) into y: per column an even-k and an
    /// odd-k FMA chain, added at the end. One call covers a Vector512 group (64 columns); Vector256 takes two, which
    /// keeps it at 16 accumulators.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Columns<TOps, TVector>(float* x, ushort* w, int k, float* y)
        where TOps : struct, IVectorOps<TVector>
        where TVector : struct
    {
        int n = TOps.Count;
        TVector e0 = default, e1 = default, e2 = default, e3 = default;
        TVector o0 = default, o1 = default, o2 = default, o3 = default;
        int kk = 0;
        for (; kk + 1 < k; kk += 2)
        {
            ushort* row = w + (nint)kk * G;
            TVector xe = TOps.Broadcast(x[kk]), xo = TOps.Broadcast(x[kk + 1]);
            TOps.WidenBf16(row, out TVector a0, out TVector a1);
            TOps.WidenBf16(row + 2 * n, out TVector a2, out TVector a3);
            e0 = TOps.FusedMultiplyAdd(xe, a0, e0);
            e1 = TOps.FusedMultiplyAdd(xe, a1, e1);
            e2 = TOps.FusedMultiplyAdd(xe, a2, e2);
            e3 = TOps.FusedMultiplyAdd(xe, a3, e3);
            TOps.WidenBf16(row + G, out TVector b0, out TVector b1);
            TOps.WidenBf16(row + G + 2 * n, out TVector b2, out TVector b3);
            o0 = TOps.FusedMultiplyAdd(xo, b0, o0);
            o1 = TOps.FusedMultiplyAdd(xo, b1, o1);
            o2 = TOps.FusedMultiplyAdd(xo, b2, o2);
            o3 = TOps.FusedMultiplyAdd(xo, b3, o3);
        }
        if (kk < k)
        {
            ushort* row = w + (nint)kk * G;
            TVector xe = TOps.Broadcast(x[kk]);
            TOps.WidenBf16(row, out TVector a0, out TVector a1);
            TOps.WidenBf16(row + 2 * n, out TVector a2, out TVector a3);
            e0 = TOps.FusedMultiplyAdd(xe, a0, e0);
            e1 = TOps.FusedMultiplyAdd(xe, a1, e1);
            e2 = TOps.FusedMultiplyAdd(xe, a2, e2);
            e3 = TOps.FusedMultiplyAdd(xe, a3, e3);
        }
        TOps.Store(TOps.Add(e0, o0), ref *y, 0);
        TOps.Store(TOps.Add(e1, o1), ref *y, (nuint)n);
        TOps.Store(TOps.Add(e2, o2), ref *y, (nuint)(2 * n));
        TOps.Store(TOps.Add(e3, o3), ref *y, (nuint)(3 * n));
    }

    private static void GroupScalar(float* x, ushort* w, int k, float* y)
    {
        for (int j = 0; j < G; j++)
        {
            float even = 0, odd = 0;
            int kk = 0;
            for (; kk + 1 < k; kk += 2)
            {
                even = MathF.FusedMultiplyAdd(x[kk], PackedMatrixBf16.FromBf16(w[(nint)kk * G + j]), even);
                odd = MathF.FusedMultiplyAdd(x[kk + 1], PackedMatrixBf16.FromBf16(w[(nint)(kk + 1) * G + j]), odd);
            }
            if (kk < k) even = MathF.FusedMultiplyAdd(x[kk], PackedMatrixBf16.FromBf16(w[(nint)kk * G + j]), even);
            y[j] = even + odd;
        }
    }
}
