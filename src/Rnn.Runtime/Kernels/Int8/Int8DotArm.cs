using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace Rnn.Runtime.Kernels.Int8;

/// <summary>
/// The ARM64 int8 dot products of one group over <c>quads</c> quad rows (see <see cref="Int8DotX64"/> for the
/// contract): <c>SDOT</c> multiplies signed bytes directly, four products per int32 lane; without it, widening
/// multiplies (exact in int16: |x · w| ≤ 127²) and pairwise widening adds into int32. ARM64's 32 registers hold
/// sixteen accumulators: the whole group for <c>SDOT</c>, half of it (low and high pairs) for the widening kernel.
/// </summary>
internal static unsafe class Int8DotArm
{
    private const int Row = PackedMatrixInt8.QuadRowBytes;

    /// <summary><c>SDOT</c>: the whole group in one pass, sixteen accumulators, so each quad row is read whole (256
    /// contiguous bytes) rather than half a row per pass: a pass over half of each row leaves the lines the other half
    /// needs to be fetched again (on x64 the float32 GEMV lost a third of its speed that way).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot(sbyte* w, sbyte* x, int quads, int* acc)
    {
        Vector128<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector128<int> a8 = default, a9 = default, a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default;
        for (int q = 0; q < quads; q++)
        {
            Vector128<sbyte> xb = Vector128.Create(Unsafe.ReadUnaligned<int>(x + 4 * q)).AsSByte();
            sbyte* row = w + (nint)q * Row;
            a0 = Dp.DotProduct(a0, AdvSimd.LoadVector128(row), xb);
            a1 = Dp.DotProduct(a1, AdvSimd.LoadVector128(row + 16), xb);
            a2 = Dp.DotProduct(a2, AdvSimd.LoadVector128(row + 32), xb);
            a3 = Dp.DotProduct(a3, AdvSimd.LoadVector128(row + 48), xb);
            a4 = Dp.DotProduct(a4, AdvSimd.LoadVector128(row + 64), xb);
            a5 = Dp.DotProduct(a5, AdvSimd.LoadVector128(row + 80), xb);
            a6 = Dp.DotProduct(a6, AdvSimd.LoadVector128(row + 96), xb);
            a7 = Dp.DotProduct(a7, AdvSimd.LoadVector128(row + 112), xb);
            a8 = Dp.DotProduct(a8, AdvSimd.LoadVector128(row + 128), xb);
            a9 = Dp.DotProduct(a9, AdvSimd.LoadVector128(row + 144), xb);
            a10 = Dp.DotProduct(a10, AdvSimd.LoadVector128(row + 160), xb);
            a11 = Dp.DotProduct(a11, AdvSimd.LoadVector128(row + 176), xb);
            a12 = Dp.DotProduct(a12, AdvSimd.LoadVector128(row + 192), xb);
            a13 = Dp.DotProduct(a13, AdvSimd.LoadVector128(row + 208), xb);
            a14 = Dp.DotProduct(a14, AdvSimd.LoadVector128(row + 224), xb);
            a15 = Dp.DotProduct(a15, AdvSimd.LoadVector128(row + 240), xb);
        }
        a0.Store(acc); a1.Store(acc + 4); a2.Store(acc + 8); a3.Store(acc + 12);
        a4.Store(acc + 16); a5.Store(acc + 20); a6.Store(acc + 24); a7.Store(acc + 28);
        a8.Store(acc + 32); a9.Store(acc + 36); a10.Store(acc + 40); a11.Store(acc + 44);
        a12.Store(acc + 48); a13.Store(acc + 52); a14.Store(acc + 56); a15.Store(acc + 60);
    }

    /// <summary>Four outputs of a 16-byte chunk: products of outputs 0-1 into <paramref name="low"/>, 2-3 into
    /// <paramref name="high"/>, each int32 lane the sum of two adjacent products.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Widen(ref Vector128<int> low, ref Vector128<int> high, Vector128<sbyte> x, sbyte* w)
    {
        Vector128<sbyte> weights = AdvSimd.LoadVector128(w);
        low = AdvSimd.AddPairwiseWideningAndAdd(low, AdvSimd.MultiplyWideningLower(weights.GetLower(), x.GetLower()));
        high = AdvSimd.AddPairwiseWideningAndAdd(high, AdvSimd.MultiplyWideningUpper(weights, x));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Widening(sbyte* w, sbyte* x, int quads, int* acc)
    {
        for (int half = 0; half < 2; half++)
        {
            Vector128<int> l0 = default, l1 = default, l2 = default, l3 = default, l4 = default, l5 = default, l6 = default, l7 = default;
            Vector128<int> h0 = default, h1 = default, h2 = default, h3 = default, h4 = default, h5 = default, h6 = default, h7 = default;
            sbyte* start = w + half * (Row / 2);
            for (int q = 0; q < quads; q++)
            {
                Vector128<sbyte> xb = Vector128.Create(Unsafe.ReadUnaligned<int>(x + 4 * q)).AsSByte();
                sbyte* row = start + (nint)q * Row;
                Widen(ref l0, ref h0, xb, row);
                Widen(ref l1, ref h1, xb, row + 16);
                Widen(ref l2, ref h2, xb, row + 32);
                Widen(ref l3, ref h3, xb, row + 48);
                Widen(ref l4, ref h4, xb, row + 64);
                Widen(ref l5, ref h5, xb, row + 80);
                Widen(ref l6, ref h6, xb, row + 96);
                Widen(ref l7, ref h7, xb, row + 112);
            }
            int* o = acc + half * 32;
            AdvSimd.Arm64.AddPairwise(l0, h0).Store(o);
            AdvSimd.Arm64.AddPairwise(l1, h1).Store(o + 4);
            AdvSimd.Arm64.AddPairwise(l2, h2).Store(o + 8);
            AdvSimd.Arm64.AddPairwise(l3, h3).Store(o + 12);
            AdvSimd.Arm64.AddPairwise(l4, h4).Store(o + 16);
            AdvSimd.Arm64.AddPairwise(l5, h5).Store(o + 20);
            AdvSimd.Arm64.AddPairwise(l6, h6).Store(o + 24);
            AdvSimd.Arm64.AddPairwise(l7, h7).Store(o + 28);
        }
    }
}
