using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// Logistic sigmoid and tanh, element-wise. The internal forms (one generic vector form for every width, reached
/// through <see cref="IFloatVectorOps{TVector}"/>, and a <see cref="float"/> form) are meant to be inlined into
/// fused cell loops; the public span methods are conveniences over them.
/// Accuracy of the vector forms (checked by the tests against double precision): ≤ 2e-7 absolute on all inputs,
/// a few ulps relative. ±∞ saturate to the limits, NaN propagates, and no result is subnormal (sigmoid below
/// the smallest normal float returns 0), so later FMAs never hit the slow subnormal path.
/// The scalar forms use <see cref="MathF"/>, so they can differ from the vector forms in the last bits.
/// </summary>
internal static class Activations
{
    /// <summary>Below this, 1 / (1 + e^-x) is under the smallest normal float; the result is flushed to 0.</summary>
    private const float SigmoidFlushBelow = -87.33654f;

    // exp(z) = 2^n · e^r with n = round(z / ln 2), r = z − n·ln 2 in [−ln2/2, ln2/2]; ln 2 split in a part exact
    // in float (so n·Ln2Hi is exact for |n| ≤ 128) and the rest, so r carries no cancellation error.
    private const float Log2E = 1.44269504f;
    private const float Ln2Hi = 0.693145752f;
    private const float Ln2Lo = 1.42860677e-6f;
    // e^r by Taylor to r^7 / 7!: truncation error ≤ 0.347^8 / 8! ≈ 5e-9, below float rounding.
    private const float E2 = 1f / 2, E3 = 1f / 6, E4 = 1f / 24, E5 = 1f / 120, E6 = 1f / 720, E7 = 1f / 5040;
    // exp is only evaluated on [ExpMin, ExpMax]: 2^n stays a normal float, e^ExpMax is finite.
    private const float ExpMin = -87f, ExpMax = 88f;
    private const float RoundingShift = 12582912f; // 1.5 · 2^23

    // tanh: for |x| < TanhSmall, tanh(x) = x + x³·G(x²) with G a Chebyshev fit (made for this file) of
    // (tanh(x) − x)/x³, 1.7e-8 relative; the correction is under a fifth of x, so float rounding stays ≤ 1 ulp
    // and tanh(x) = x exactly for tiny x. Above it, tanh|x| = 1 − 2/(e^{2|x|} + 1): the subtracted term is
    // ≤ 0.46, so its few-ulp error is ≤ 1.3e-7 absolute, shrinking fast as |x| grows. (A single rational
    // x·P/Q over the whole range loses ~5 ulps near |x| = 6 to float rounding.)
    private const float TanhSmall = 0.625f;
    private const float G0 = -0.333333289f, G1 = 0.133327697f, G2 = -5.38509096e-2f, G3 = 2.09971790e-2f,
        G4 = -6.09671417e-3f;

    /// <summary>y[i] = 1 / (1 + e^(−x[i])). x and y have the same length; y may be x (in place) but not
    /// otherwise overlap it.</summary>
    public static void Sigmoid(KernelPath path, ReadOnlySpan<float> x, Span<float> y) =>
        Apply<SigmoidOperator>(path, x, y);

    /// <summary>y[i] = tanh(x[i]). x and y have the same length; y may be x (in place) but not otherwise
    /// overlap it.</summary>
    public static void Tanh(KernelPath path, ReadOnlySpan<float> x, Span<float> y) =>
        Apply<TanhOperator>(path, x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Sigmoid(float x) => x < SigmoidFlushBelow ? 0f : 1f / (1f + MathF.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Tanh(float x) => MathF.Tanh(x);

    /// <summary>The vector form of the sigmoid, one formula for every width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVector Sigmoid<TOps, TVector>(TVector x)
        where TOps : struct, IFloatVectorOps<TVector>
        where TVector : struct
    {
        TVector e = Exp<TOps, TVector>(TOps.Negate(x));
        TVector s = TOps.Divide(TOps.One, TOps.Add(TOps.One, e));
        return TOps.SelectWhereLess(x, TOps.Broadcast(SigmoidFlushBelow), TOps.Zero, s);
    }

    /// <summary>The vector form of tanh, one formula for every width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVector Tanh<TOps, TVector>(TVector x)
        where TOps : struct, IFloatVectorOps<TVector>
        where TVector : struct
    {
        TVector s = TOps.Multiply(x, x);
        TVector g = TOps.MultiplyAdd(s, TOps.Broadcast(G4), TOps.Broadcast(G3));
        g = TOps.MultiplyAdd(s, g, TOps.Broadcast(G2));
        g = TOps.MultiplyAdd(s, g, TOps.Broadcast(G1));
        g = TOps.MultiplyAdd(s, g, TOps.Broadcast(G0));
        TVector small = TOps.MultiplyAdd(TOps.Multiply(x, s), g, x);

        TVector a = TOps.Abs(x);
        TVector e = Exp<TOps, TVector>(TOps.Add(a, a));
        TVector large = TOps.Subtract(TOps.One, TOps.Divide(TOps.Broadcast(2f), TOps.Add(e, TOps.One)));
        // Both branches carry the sign of x except at ±0, where only CopySign keeps tanh(−0) = −0.
        return TOps.CopySign(TOps.SelectWhereLess(a, TOps.Broadcast(TanhSmall), small, large), x);
    }

    /// <summary>e^z for sigmoid and tanh: z is clamped to [ExpMin, ExpMax] (NaN passes through).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Exp<TOps, TVector>(TVector z)
        where TOps : struct, IFloatVectorOps<TVector>
        where TVector : struct
    {
        z = TOps.MinNative(TOps.Broadcast(ExpMax), TOps.MaxNative(TOps.Broadcast(ExpMin), z));
        // Round to nearest even by adding and taking away 1.5·2^23 (exact for |t| < 2^22; here |t| ≤ 127): the same
        // value as Round, in two additions that every width has (SSE2 has no round instruction).
        TVector t = TOps.Multiply(z, TOps.Broadcast(Log2E));
        TVector n = TOps.Subtract(TOps.Add(t, TOps.Broadcast(RoundingShift)), TOps.Broadcast(RoundingShift));
        TVector r = TOps.MultiplyAdd(n, TOps.Broadcast(-Ln2Hi), z);
        r = TOps.MultiplyAdd(n, TOps.Broadcast(-Ln2Lo), r);
        TVector p = TOps.MultiplyAdd(r, TOps.Broadcast(E7), TOps.Broadcast(E6));
        p = TOps.MultiplyAdd(r, p, TOps.Broadcast(E5));
        p = TOps.MultiplyAdd(r, p, TOps.Broadcast(E4));
        p = TOps.MultiplyAdd(r, p, TOps.Broadcast(E3));
        p = TOps.MultiplyAdd(r, p, TOps.Broadcast(E2));
        p = TOps.MultiplyAdd(r, p, TOps.One);
        p = TOps.MultiplyAdd(r, p, TOps.One);
        // n is a whole number in [-126, 127] here, so 2^n is exact and p · 2^n rounds once.
        return TOps.ScaleByPow2(p, n);
    }

    private interface IUnaryOperator
    {
        static abstract TVector Invoke<TOps, TVector>(TVector x)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct;
    }

    private readonly struct SigmoidOperator : IUnaryOperator
    {
        public static TVector Invoke<TOps, TVector>(TVector x)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct => TOps.Sigmoid(x);
    }

    private readonly struct TanhOperator : IUnaryOperator
    {
        public static TVector Invoke<TOps, TVector>(TVector x)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct => TOps.Tanh(x);
    }

    private static unsafe void Apply<TOperator>(KernelPath path, ReadOnlySpan<float> x, Span<float> y)
        where TOperator : struct, IUnaryOperator
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"Output has {y.Length} elements, input has {x.Length}.", nameof(y));
        if (x.Overlaps(y, out int offset) && offset != 0)
            throw new ArgumentException("Input and output overlap without being the same span.", nameof(y));
        KernelPaths.EnsureSupported(path);
        fixed (float* px = x)
        fixed (float* py = y)
        {
            var args = new UnaryArgs(px, py, x.Length);
            KernelDispatch.Run<UnaryKernel<TOperator>, UnaryArgs>(path, ref args);
        }
    }

    private readonly unsafe struct UnaryArgs(float* x, float* y, int length)
    {
        public readonly float* X = x, Y = y;
        public readonly int Length = length;
    }

    /// <summary>
    /// Full vectors, then the last (partial) vector re-run over the final full-width window, loaded before any
    /// store so in-place calls stay correct; spans shorter than a vector go through a padded stack copy, so
    /// every element of a vector path gets the vector form whatever the length.
    /// </summary>
    private readonly unsafe struct UnaryKernel<TOperator> : IWidthKernel<UnaryArgs>
        where TOperator : struct, IUnaryOperator
    {
        public static void Run<TOps, TVector>(ref UnaryArgs args)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct
        {
            int v = TOps.Count, length = args.Length;
            float* px = args.X, py = args.Y;
            if (v == 1)
            {
                for (int i = 0; i < length; i++) TOps.Store(TOperator.Invoke<TOps, TVector>(TOps.Load(px + i)), py + i);
                return;
            }
            if (length < v)
            {
                float* buffer = stackalloc float[16];
                for (int i = 0; i < v; i++) buffer[i] = i < length ? px[i] : 0f;
                TOps.Store(TOperator.Invoke<TOps, TVector>(TOps.Load(buffer)), buffer);
                for (int i = 0; i < length; i++) py[i] = buffer[i];
                return;
            }
            TVector last = TOps.Load(px + length - v);
            for (int i = 0; i <= length - v; i += v) TOps.Store(TOperator.Invoke<TOps, TVector>(TOps.Load(px + i)), py + i);
            TOps.Store(TOperator.Invoke<TOps, TVector>(last), py + length - v);
        }
    }
}
