using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
                    case KernelPath.Vector512: Group512(xp, group, b.K, out64); break;
                    case KernelPath.Vector256: Group256(xp, group, b.K, out64); break;
                    default: GroupScalar(xp, group, b.K, out64); break;
                }
                int valid = Math.Min(G, b.N - g * G);
                if (!bias.IsEmpty)
                    for (int j = 0; j < valid; j++) out64[j] += bias[g * G + j];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Group512(float* x, ushort* w, int k, float* y)
    {
        Vector512<float> e0 = default, e1 = default, e2 = default, e3 = default;
        Vector512<float> o0 = default, o1 = default, o2 = default, o3 = default;
        int kk = 0;
        for (; kk + 1 < k; kk += 2)
        {
            ushort* row = w + (nint)kk * G;
            Vector512<float> xe = Vector512.Create(x[kk]), xo = Vector512.Create(x[kk + 1]);
            Vector512<ushort> a = Vector512.LoadAligned(row), bb = Vector512.LoadAligned(row + 32);
            e0 = Vector512.FusedMultiplyAdd(xe, Widen(Vector512.WidenLower(a)), e0);
            e1 = Vector512.FusedMultiplyAdd(xe, Widen(Vector512.WidenUpper(a)), e1);
            e2 = Vector512.FusedMultiplyAdd(xe, Widen(Vector512.WidenLower(bb)), e2);
            e3 = Vector512.FusedMultiplyAdd(xe, Widen(Vector512.WidenUpper(bb)), e3);
            Vector512<ushort> c = Vector512.LoadAligned(row + G), d = Vector512.LoadAligned(row + G + 32);
            o0 = Vector512.FusedMultiplyAdd(xo, Widen(Vector512.WidenLower(c)), o0);
            o1 = Vector512.FusedMultiplyAdd(xo, Widen(Vector512.WidenUpper(c)), o1);
            o2 = Vector512.FusedMultiplyAdd(xo, Widen(Vector512.WidenLower(d)), o2);
            o3 = Vector512.FusedMultiplyAdd(xo, Widen(Vector512.WidenUpper(d)), o3);
        }
        if (kk < k)
        {
            ushort* row = w + (nint)kk * G;
            Vector512<float> xe = Vector512.Create(x[kk]);
            Vector512<ushort> a = Vector512.LoadAligned(row), bb = Vector512.LoadAligned(row + 32);
            e0 = Vector512.FusedMultiplyAdd(xe, Widen(Vector512.WidenLower(a)), e0);
            e1 = Vector512.FusedMultiplyAdd(xe, Widen(Vector512.WidenUpper(a)), e1);
            e2 = Vector512.FusedMultiplyAdd(xe, Widen(Vector512.WidenLower(bb)), e2);
            e3 = Vector512.FusedMultiplyAdd(xe, Widen(Vector512.WidenUpper(bb)), e3);
        }
        (e0 + o0).Store(y);
        (e1 + o1).Store(y + 16);
        (e2 + o2).Store(y + 32);
        (e3 + o3).Store(y + 48);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Widen(Vector512<uint> bits) => Vector512.ShiftLeft(bits, 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Widen(Vector256<uint> bits) => Vector256.ShiftLeft(bits, 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Group256(float* x, ushort* w, int k, float* y)
    {
        // 64 columns as 8 ymm per parity; two halves of 32 columns keep the register count at 16 accumulators.
        for (int half = 0; half < 2; half++)
        {
            Vector256<float> e0 = default, e1 = default, e2 = default, e3 = default;
            Vector256<float> o0 = default, o1 = default, o2 = default, o3 = default;
            ushort* baseRow = w + half * 32;
            int kk = 0;
            for (; kk + 1 < k; kk += 2)
            {
                ushort* row = baseRow + (nint)kk * G;
                Vector256<float> xe = Vector256.Create(x[kk]), xo = Vector256.Create(x[kk + 1]);
                Vector256<ushort> a = Vector256.LoadAligned(row), bb = Vector256.LoadAligned(row + 16);
                e0 = Vector256.FusedMultiplyAdd(xe, Widen(Vector256.WidenLower(a)), e0);
                e1 = Vector256.FusedMultiplyAdd(xe, Widen(Vector256.WidenUpper(a)), e1);
                e2 = Vector256.FusedMultiplyAdd(xe, Widen(Vector256.WidenLower(bb)), e2);
                e3 = Vector256.FusedMultiplyAdd(xe, Widen(Vector256.WidenUpper(bb)), e3);
                Vector256<ushort> c = Vector256.LoadAligned(row + G), d = Vector256.LoadAligned(row + G + 16);
                o0 = Vector256.FusedMultiplyAdd(xo, Widen(Vector256.WidenLower(c)), o0);
                o1 = Vector256.FusedMultiplyAdd(xo, Widen(Vector256.WidenUpper(c)), o1);
                o2 = Vector256.FusedMultiplyAdd(xo, Widen(Vector256.WidenLower(d)), o2);
                o3 = Vector256.FusedMultiplyAdd(xo, Widen(Vector256.WidenUpper(d)), o3);
            }
            if (kk < k)
            {
                ushort* row = baseRow + (nint)kk * G;
                Vector256<float> xe = Vector256.Create(x[kk]);
                Vector256<ushort> a = Vector256.LoadAligned(row), bb = Vector256.LoadAligned(row + 16);
                e0 = Vector256.FusedMultiplyAdd(xe, Widen(Vector256.WidenLower(a)), e0);
                e1 = Vector256.FusedMultiplyAdd(xe, Widen(Vector256.WidenUpper(a)), e1);
                e2 = Vector256.FusedMultiplyAdd(xe, Widen(Vector256.WidenLower(bb)), e2);
                e3 = Vector256.FusedMultiplyAdd(xe, Widen(Vector256.WidenUpper(bb)), e3);
            }
            float* yh = y + half * 32;
            (e0 + o0).Store(yh);
            (e1 + o1).Store(yh + 8);
            (e2 + o2).Store(yh + 16);
            (e3 + o3).Store(yh + 24);
        }
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
