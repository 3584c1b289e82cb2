using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// The float-to-double widening a width needs for sums accumulated in double (gradient norms): a float vector of
/// the width splits into two double vectors of the same width. Implemented by the width structs beside their
/// <see cref="IFloatVectorOps{TVector}"/> members (loads, |x|, the lane count); <see cref="DoubleSums"/> holds the
/// loops, written once.
/// </summary>
internal interface IDoubleWidening<TVector, TDouble> : IFloatVectorOps<TVector>
    where TVector : struct
    where TDouble : struct
{
    static abstract void Widen(TVector value, out TDouble lower, out TDouble upper);
    static abstract TDouble ZeroDouble { get; }
    static abstract TDouble Add(TDouble left, TDouble right);
    /// <summary>a · b + c, fused where the hardware fuses (the sums here multiply exact squares: same bits either way).</summary>
    static abstract TDouble MultiplyAdd(TDouble a, TDouble b, TDouble c);
    static abstract double Sum(TDouble value);
}

/// <summary>
/// Σ g² and Σ |g| of float data, accumulated in double: two accumulators (the widened lower and upper halves),
/// then the lanes' sum, then the elements past the last whole vector one by one. A float squared is exact in
/// double, so only the additions round.
/// </summary>
internal static class DoubleSums
{
    public static double SumOfSquares(ReadOnlySpan<float> values, KernelPath path) => Sum(values, path, squares: true);

    public static double SumOfMagnitudes(ReadOnlySpan<float> values, KernelPath path) => Sum(values, path, squares: false);

    private static double Sum(ReadOnlySpan<float> values, KernelPath path, bool squares) => path switch
    {
        KernelPath.Vector512 => Sum<Vector512Ops, Vector512<float>, Vector512<double>>(values, squares),
        KernelPath.Vector256 => Sum<Vector256Ops, Vector256<float>, Vector256<double>>(values, squares),
        KernelPath.Vector128 => Sum<Vector128Ops, Vector128<float>, Vector128<double>>(values, squares),
        _ => Tail(values, 0, 0, squares),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Sum<TOps, TVector, TDouble>(ReadOnlySpan<float> values, bool squares)
        where TOps : struct, IDoubleWidening<TVector, TDouble>
        where TVector : struct
        where TDouble : struct
    {
        ref float start = ref MemoryMarshal.GetReference(values);
        int length = values.Length, i = 0;
        double sum = 0;
        if (length >= TOps.Count)
        {
            TDouble a0 = TOps.ZeroDouble, a1 = TOps.ZeroDouble;
            for (; i <= length - TOps.Count; i += TOps.Count)
            {
                TVector v = TOps.Load(ref start, (nuint)i);
                if (!squares) v = TOps.Abs(v);
                TOps.Widen(v, out TDouble lower, out TDouble upper);
                a0 = squares ? TOps.MultiplyAdd(lower, lower, a0) : TOps.Add(a0, lower);
                a1 = squares ? TOps.MultiplyAdd(upper, upper, a1) : TOps.Add(a1, upper);
            }
            sum = TOps.Sum(TOps.Add(a0, a1));
        }
        return Tail(values, i, sum, squares);
    }

    private static double Tail(ReadOnlySpan<float> values, int from, double sum, bool squares)
    {
        for (int i = from; i < values.Length; i++)
        {
            double g = values[i];
            sum += squares ? g * g : Math.Abs(g);
        }
        return sum;
    }
}
