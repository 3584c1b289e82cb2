using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// y (PaddedN) = bias + x (K) · B for a bfloat16 B: weights widened to float32 in registers, float32 multiply-add chains.
/// Each output sums its even k and its odd k in two chains (to hide FMA latency) and adds them at the end; every
/// path does exactly that, so the paths agree bit for bit.
/// </summary>
internal static unsafe class GemvBf16
{
    private const int G = PackedMatrixBf16.GroupWidth;

    /// <summary>y[0 .. PaddedN) = bias + x · B (bias optional: empty adds nothing). y may not overlap x or the bias.</summary>
    public static void Multiply(KernelPath path, ReadOnlySpan<float> x, PackedMatrixBf16 b, ReadOnlySpan<float> bias, Span<float> y)
    {
        ArgumentNullException.ThrowIfNull(b);
        ObjectDisposedException.ThrowIf(b.IsDisposed, b);
        if (y.Overlaps(x)) throw new ArgumentException("y overlaps x; the product cannot be computed in place.", nameof(y));
        if (y.Overlaps(bias)) throw new ArgumentException("y overlaps the bias.", nameof(y));
        if (x.Length < b.K) throw new ArgumentException($"x has {x.Length} floats, needs K = {b.K}.", nameof(x));
        if (y.Length < b.PaddedN) throw new ArgumentException($"y has {y.Length} floats, needs padded N = {b.PaddedN}.", nameof(y));
        if (!bias.IsEmpty && bias.Length < b.N) throw new ArgumentException($"bias has {bias.Length} floats, needs N = {b.N}.", nameof(bias));
        KernelPaths.EnsureSupported(path);
        fixed (float* xp = x)
        fixed (float* yp = y)
        {
            var args = new Args(xp, b, yp);
            KernelDispatch.Run<Groups, Args>(path, ref args);
            if (!bias.IsEmpty)
            {
                for (int j = 0; j < b.N; j++) yp[j] += bias[j];
            }
        }
    }

    private readonly ref struct Args(float* x, PackedMatrixBf16 b, float* y)
    {
        public readonly float* X = x, Y = y;
        public readonly PackedMatrixBf16 B = b;
    }

    /// <summary>
    /// Every group of 64 columns in calls of 4·Count columns (one with Vector512, sixteen with scalars), or 8·Count
    /// where the path keeps sixteen accumulators in registers (Vector128 with 32 registers: two calls a group, each
    /// reading half of every 256-byte pair row instead of a quarter).
    /// </summary>
    private readonly struct Groups : IWidthKernel<Args>
    {
        public static void Run<TOps, TVector>(ref Args args)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct
        {
            PackedMatrixBf16 b = args.B;
            bool eight = TOps.Count > 1 && 8 * TOps.GemvPanels / TOps.Count >= 8;
            for (int g = 0; g < b.GroupCount; g++)
            {
                ushort* group = b.Data + g * b.GroupLength;
                if (eight)
                {
                    for (int j = 0; j < G; j += 8 * TOps.Count) Columns<TOps, TVector, Count8>(args.X, group + 2 * j, b.K, args.Y + g * G + j);
                }
                else
                {
                    for (int j = 0; j < G; j += 4 * TOps.Count) Columns<TOps, TVector, Count4>(args.X, group + 2 * j, b.K, args.Y + g * G + j);
                }
            }
        }
    }

    /// <summary>
    /// V·Count columns of a group (V = 4 or 8 vectors, from <paramref name="w"/>, pair rows 2·G values apart) into y:
    /// per column an even-k and an odd-k multiply-add chain, added at the end, whatever V is (so every path agrees).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Columns<TOps, TVector, TVectors>(float* x, ushort* w, int k, float* y)
        where TOps : struct, IFloatVectorOps<TVector>
        where TVector : struct
        where TVectors : struct, IKernelCount
    {
        int n = TOps.Count;
        bool eight = TVectors.Value == 8;
        TVector e0 = default, e1 = default, e2 = default, e3 = default, e4 = default, e5 = default, e6 = default, e7 = default;
        TVector o0 = default, o1 = default, o2 = default, o3 = default, o4 = default, o5 = default, o6 = default, o7 = default;
        // Pointers that step by a pair row, so every load is row + a constant (no per-iteration address arithmetic).
        ushort* row = w;
        float* xk = x, pairsEnd = x + (k & ~1);
        for (; xk < pairsEnd; xk += 2, row += 2 * G)
        {
            TVector xe = TOps.Broadcast(xk[0]), xo = TOps.Broadcast(xk[1]);
            Accumulate<TOps, TVector>(row, 0, xe, xo, ref e0, ref e1, ref e2, ref e3, ref o0, ref o1, ref o2, ref o3);
            if (eight) Accumulate<TOps, TVector>(row, 8 * n, xe, xo, ref e4, ref e5, ref e6, ref e7, ref o4, ref o5, ref o6, ref o7);
        }
        if ((k & 1) != 0)
        {
            // The last pair holds only an even k (its odd half is zero, and there is no x for it).
            TVector xe = TOps.Broadcast(xk[0]);
            AccumulateEven<TOps, TVector>(row, 0, xe, ref e0, ref e1, ref e2, ref e3);
            if (eight) AccumulateEven<TOps, TVector>(row, 8 * n, xe, ref e4, ref e5, ref e6, ref e7);
        }
        TOps.Store(TOps.Add(e0, o0), ref *y, 0);
        TOps.Store(TOps.Add(e1, o1), ref *y, (nuint)n);
        TOps.Store(TOps.Add(e2, o2), ref *y, (nuint)(2 * n));
        TOps.Store(TOps.Add(e3, o3), ref *y, (nuint)(3 * n));
        if (eight)
        {
            TOps.Store(TOps.Add(e4, o4), ref *y, (nuint)(4 * n));
            TOps.Store(TOps.Add(e5, o5), ref *y, (nuint)(5 * n));
            TOps.Store(TOps.Add(e6, o6), ref *y, (nuint)(6 * n));
            TOps.Store(TOps.Add(e7, o7), ref *y, (nuint)(7 * n));
        }
    }

    /// <summary>e0..e3 += xe · (even-k weights), o0..o3 += xo · (odd-k weights) of four vectors of columns, from the pair
    /// row at row + <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate<TOps, TVector>(ushort* row, int offset, TVector xe, TVector xo,
        ref TVector e0, ref TVector e1, ref TVector e2, ref TVector e3, ref TVector o0, ref TVector o1, ref TVector o2, ref TVector o3)
        where TOps : struct, IFloatVectorOps<TVector>
        where TVector : struct
    {
        // Each pair widened and used at once: eight accumulators, two x, two widened halves and the widening's
        // constants fit sixteen registers (AVX2 without AVX-512); widening all four first spilled three of them.
        int n2 = 2 * TOps.Count;
        TOps.WidenBf16Pairs(row + offset, out TVector a, out TVector b);
        e0 = TOps.MultiplyAdd(xe, a, e0);
        o0 = TOps.MultiplyAdd(xo, b, o0);
        TOps.WidenBf16Pairs(row + offset + n2, out a, out b);
        e1 = TOps.MultiplyAdd(xe, a, e1);
        o1 = TOps.MultiplyAdd(xo, b, o1);
        TOps.WidenBf16Pairs(row + offset + 2 * n2, out a, out b);
        e2 = TOps.MultiplyAdd(xe, a, e2);
        o2 = TOps.MultiplyAdd(xo, b, o2);
        TOps.WidenBf16Pairs(row + offset + 3 * n2, out a, out b);
        e3 = TOps.MultiplyAdd(xe, a, e3);
        o3 = TOps.MultiplyAdd(xo, b, o3);
    }

    /// <summary>The even half of <see cref="Accumulate"/>, for the last pair of an odd K.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateEven<TOps, TVector>(ushort* row, int offset, TVector xe, ref TVector e0, ref TVector e1, ref TVector e2, ref TVector e3)
        where TOps : struct, IFloatVectorOps<TVector>
        where TVector : struct
    {
        int n2 = 2 * TOps.Count;
        TOps.WidenBf16Pairs(row + offset, out TVector a0, out _);
        TOps.WidenBf16Pairs(row + offset + n2, out TVector a1, out _);
        TOps.WidenBf16Pairs(row + offset + 2 * n2, out TVector a2, out _);
        TOps.WidenBf16Pairs(row + offset + 3 * n2, out TVector a3, out _);
        e0 = TOps.MultiplyAdd(xe, a0, e0);
        e1 = TOps.MultiplyAdd(xe, a1, e1);
        e2 = TOps.MultiplyAdd(xe, a2, e2);
        e3 = TOps.MultiplyAdd(xe, a3, e3);
    }
}
