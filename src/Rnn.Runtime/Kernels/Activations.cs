using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// Logistic sigmoid and tanh, element-wise. The internal overloads for <see cref="Vector512{T}"/>,
/// <see cref="Vector256{T}"/> and <see cref="float"/> are meant to be inlined into fused cell loops; the public
/// span methods are conveniences over them.
/// Accuracy of the vector forms (checked by the tests against double precision): ≤ 2e-7 absolute on all inputs,
/// a few ulps relative. ±∞ saturate to the limits, NaN propagates, and no result is subnormal (sigmoid below
/// the smallest normal float returns 0), so later FMAs never hit the slow subnormal path.
/// The scalar forms use <see cref="MathF"/>, so they can differ from the vector forms in the last bits.
/// </summary>
public static class Activations
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Sigmoid(Vector512<float> x)
    {
        Vector512<float> e = Exp(-x);
        Vector512<float> s = Vector512<float>.One / (Vector512<float>.One + e);
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(SigmoidFlushBelow)), Vector512<float>.Zero, s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Sigmoid(Vector256<float> x)
    {
        Vector256<float> e = Exp(-x);
        Vector256<float> s = Vector256<float>.One / (Vector256<float>.One + e);
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(SigmoidFlushBelow)), Vector256<float>.Zero, s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Tanh(Vector512<float> x)
    {
        Vector512<float> s = x * x;
        Vector512<float> g = Vector512.FusedMultiplyAdd(s, Vector512.Create(G4), Vector512.Create(G3));
        g = Vector512.FusedMultiplyAdd(s, g, Vector512.Create(G2));
        g = Vector512.FusedMultiplyAdd(s, g, Vector512.Create(G1));
        g = Vector512.FusedMultiplyAdd(s, g, Vector512.Create(G0));
        Vector512<float> small = Vector512.FusedMultiplyAdd(x * s, g, x);

        Vector512<float> a = Vector512.Abs(x);
        Vector512<float> e = Exp(a + a);
        Vector512<float> large = Vector512<float>.One - Vector512.Create(2f) / (e + Vector512<float>.One);
        // Both branches carry the sign of x except at ±0, where only CopySign keeps tanh(−0) = −0.
        return Vector512.CopySign(Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512.Create(TanhSmall)), small, large), x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> s = x * x;
        Vector256<float> g = Vector256.FusedMultiplyAdd(s, Vector256.Create(G4), Vector256.Create(G3));
        g = Vector256.FusedMultiplyAdd(s, g, Vector256.Create(G2));
        g = Vector256.FusedMultiplyAdd(s, g, Vector256.Create(G1));
        g = Vector256.FusedMultiplyAdd(s, g, Vector256.Create(G0));
        Vector256<float> small = Vector256.FusedMultiplyAdd(x * s, g, x);

        Vector256<float> a = Vector256.Abs(x);
        Vector256<float> e = Exp(a + a);
        Vector256<float> large = Vector256<float>.One - Vector256.Create(2f) / (e + Vector256<float>.One);
        // Both branches carry the sign of x except at ±0, where only CopySign keeps tanh(−0) = −0.
        return Vector256.CopySign(Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(TanhSmall)), small, large), x);
    }

    /// <summary>e^z for sigmoid and tanh: z is clamped to [ExpMin, ExpMax] (NaN passes through).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Exp(Vector512<float> z)
    {
        z = Vector512.MinNative(Vector512.Create(ExpMax), Vector512.MaxNative(Vector512.Create(ExpMin), z));
        Vector512<float> n = Vector512.Round(z * Vector512.Create(Log2E));
        Vector512<float> r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), z);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        Vector512<float> p = Vector512.FusedMultiplyAdd(r, Vector512.Create(E7), Vector512.Create(E6));
        p = Vector512.FusedMultiplyAdd(r, p, Vector512.Create(E5));
        p = Vector512.FusedMultiplyAdd(r, p, Vector512.Create(E4));
        p = Vector512.FusedMultiplyAdd(r, p, Vector512.Create(E3));
        p = Vector512.FusedMultiplyAdd(r, p, Vector512.Create(E2));
        p = Vector512.FusedMultiplyAdd(r, p, Vector512<float>.One);
        p = Vector512.FusedMultiplyAdd(r, p, Vector512<float>.One);
        // n is a whole number in [-126, 127] here, so the plain (non-saturating) conversion is exact and saves the
        // saturation fix-ups (16 % off a sigmoid pass, measured).
        Vector512<int> bits = (Vector512.ConvertToInt32Native(n) + Vector512.Create(127)) << 23;
        return p * bits.AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Exp(Vector256<float> z)
    {
        z = Vector256.MinNative(Vector256.Create(ExpMax), Vector256.MaxNative(Vector256.Create(ExpMin), z));
        Vector256<float> n = Vector256.Round(z * Vector256.Create(Log2E));
        Vector256<float> r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), z);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
        Vector256<float> p = Vector256.FusedMultiplyAdd(r, Vector256.Create(E7), Vector256.Create(E6));
        p = Vector256.FusedMultiplyAdd(r, p, Vector256.Create(E5));
        p = Vector256.FusedMultiplyAdd(r, p, Vector256.Create(E4));
        p = Vector256.FusedMultiplyAdd(r, p, Vector256.Create(E3));
        p = Vector256.FusedMultiplyAdd(r, p, Vector256.Create(E2));
        p = Vector256.FusedMultiplyAdd(r, p, Vector256<float>.One);
        p = Vector256.FusedMultiplyAdd(r, p, Vector256<float>.One);
        Vector256<int> bits = (Vector256.ConvertToInt32Native(n) + Vector256.Create(127)) << 23;
        return p * bits.AsSingle();
    }

    private interface IUnaryOperator
    {
        static abstract float Invoke(float x);
        static abstract Vector256<float> Invoke(Vector256<float> x);
        static abstract Vector512<float> Invoke(Vector512<float> x);
    }

    private readonly struct SigmoidOperator : IUnaryOperator
    {
        public static float Invoke(float x) => Sigmoid(x);
        public static Vector256<float> Invoke(Vector256<float> x) => Sigmoid(x);
        public static Vector512<float> Invoke(Vector512<float> x) => Sigmoid(x);
    }

    private readonly struct TanhOperator : IUnaryOperator
    {
        public static float Invoke(float x) => Tanh(x);
        public static Vector256<float> Invoke(Vector256<float> x) => Tanh(x);
        public static Vector512<float> Invoke(Vector512<float> x) => Tanh(x);
    }

    /// <summary>
    /// Full vectors, then the last (partial) vector re-run over the final full-width window, loaded before any
    /// store so in-place calls stay correct; spans shorter than a vector go through a padded stack copy, so
    /// every element of a vector path gets the vector form whatever the length.
    /// </summary>
    private static unsafe void Apply<TOperator>(KernelPath path, ReadOnlySpan<float> x, Span<float> y)
        where TOperator : struct, IUnaryOperator
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"Output has {y.Length} elements, input has {x.Length}.", nameof(y));
        if (x.Overlaps(y, out int offset) && offset != 0)
            throw new ArgumentException("Input and output overlap without being the same span.", nameof(y));
        KernelPaths.EnsureSupported(path);
        int length = x.Length;
        fixed (float* px = x)
        fixed (float* py = y)
        {
            switch (path)
            {
                case KernelPath.Vector512:
                    {
                        const int V = 16;
                        if (length < V)
                        {
                            float* buffer = stackalloc float[V];
                            for (int i = 0; i < V; i++) buffer[i] = i < length ? px[i] : 0f;
                            TOperator.Invoke(Vector512.Load(buffer)).Store(buffer);
                            for (int i = 0; i < length; i++) py[i] = buffer[i];
                            return;
                        }
                        Vector512<float> last = Vector512.Load(px + length - V);
                        for (int i = 0; i <= length - V; i += V) TOperator.Invoke(Vector512.Load(px + i)).Store(py + i);
                        TOperator.Invoke(last).Store(py + length - V);
                        return;
                    }
                case KernelPath.Vector256:
                    {
                        const int V = 8;
                        if (length < V)
                        {
                            float* buffer = stackalloc float[V];
                            for (int i = 0; i < V; i++) buffer[i] = i < length ? px[i] : 0f;
                            TOperator.Invoke(Vector256.Load(buffer)).Store(buffer);
                            for (int i = 0; i < length; i++) py[i] = buffer[i];
                            return;
                        }
                        Vector256<float> last = Vector256.Load(px + length - V);
                        for (int i = 0; i <= length - V; i += V) TOperator.Invoke(Vector256.Load(px + i)).Store(py + i);
                        TOperator.Invoke(last).Store(py + length - V);
                        return;
                    }
                default:
                    for (int i = 0; i < length; i++) py[i] = TOperator.Invoke(px[i]);
                    return;
            }
        }
    }
}
