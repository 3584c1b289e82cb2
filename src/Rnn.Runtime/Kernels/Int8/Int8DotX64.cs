using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Runtime.Kernels.Int8;

/// <summary>
/// The x64 int8 dot products of one group (<see cref="PackedMatrixInt8.GroupWidth"/> outputs) over
/// <c>quads</c> quad rows: acc[j] = Σ x[k] · w[j, k], exact in int32. Activations are in [-127, 127] and weights in
/// [-127, 127]. AVX-VNNI's <c>vpdpbusd</c> wants unsigned activations, so it reads x + 128 and subtracts the row's
/// precomputed 128 · Σ w. The multiply-add pairs (<c>vpmaddubsw</c>) saturate int16 pairs of u8 × s8, so they multiply
/// |w| (≤ 127) by x with w's sign (|·| ≤ 127): a pair is at most 2 · 127 · 127 = 32258 and never saturates.
/// </summary>
internal static unsafe class Int8DotX64
{
    private const int Row = PackedMatrixInt8.QuadRowBytes;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Vnni(sbyte* w, sbyte* x, int quads, int* compensation, int* acc)
    {
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (int q = 0; q < quads; q++)
        {
            VnniQuadRow(w + (nint)q * Row, Shifted(x + 4 * q), ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
        }
        StoreCompensated(a0, a1, a2, a3, compensation, acc);
        StoreCompensated(a4, a5, a6, a7, compensation + 32, acc + 32);
    }

    /// <summary>
    /// <see cref="Vnni"/> over two groups at once (w0 and w1, each a group's quad rows): each broadcast of x feeds sixteen
    /// <c>vpdpbusd</c> instead of eight, the loop's one load that is not a weight. acc0/acc1 receive what
    /// <see cref="Vnni"/> gives for w0/w1. Seventeen ymm registers: for CPUs where AVX-512 gives the JIT thirty-two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void VnniTwoGroups(sbyte* w0, sbyte* w1, sbyte* x, int quads, int* compensation0, int* compensation1, int* acc0, int* acc1)
    {
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector256<int> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        for (int q = 0; q < quads; q++)
        {
            Vector256<byte> xb = Shifted(x + 4 * q);
            VnniQuadRow(w0 + (nint)q * Row, xb, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
            VnniQuadRow(w1 + (nint)q * Row, xb, ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7);
        }
        StoreCompensated(a0, a1, a2, a3, compensation0, acc0);
        StoreCompensated(a4, a5, a6, a7, compensation0 + 32, acc0 + 32);
        StoreCompensated(b0, b1, b2, b3, compensation1, acc1);
        StoreCompensated(b4, b5, b6, b7, compensation1 + 32, acc1 + 32);
    }

    /// <summary>
    /// <see cref="Vnni"/> for three rows of activations at once (a session's input projection, batched streams): each
    /// weight load feeds three <c>vpdpbusd</c>, and the twelve accumulators (three rows × half a group, two halves in
    /// turn) are enough independent chains to keep both ports busy through its latency, which the one-row kernel's
    /// eight are not. acc0..acc2 receive each row's 64 sums, as <see cref="Vnni"/> would give them. The three
    /// broadcasts first, then one weight register at a time: sixteen ymm registers in all, every one a CPU without
    /// AVX-512 lets the JIT use (AVX-VNNI alone: Intel's client cores). Keeping the four weights live instead spilled
    /// an accumulator through memory on those CPUs, 1.4× slower there, and is within 2 % of this order with AVX-512.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void VnniThreeRows(sbyte* w, sbyte* x0, sbyte* x1, sbyte* x2, int quads, int* compensation, int* acc0, int* acc1, int* acc2)
    {
        for (int half = 0; half < Row; half += Row / 2)
        {
            Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector256<int> b0 = default, b1 = default, b2 = default, b3 = default;
            Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default;
            sbyte* row = w + half;
            for (int q = 0; q < quads; q++, row += Row)
            {
                Vector256<byte> xa = Shifted(x0 + 4 * q), xb = Shifted(x1 + 4 * q), xc = Shifted(x2 + 4 * q);
                VnniThree(row, xa, xb, xc, ref a0, ref b0, ref c0);
                VnniThree(row + 32, xa, xb, xc, ref a1, ref b1, ref c1);
                VnniThree(row + 64, xa, xb, xc, ref a2, ref b2, ref c2);
                VnniThree(row + 96, xa, xb, xc, ref a3, ref b3, ref c3);
            }
            int o = half / 4;
            StoreCompensated(a0, a1, a2, a3, compensation + o, acc0 + o);
            StoreCompensated(b0, b1, b2, b3, compensation + o, acc1 + o);
            StoreCompensated(c0, c1, c2, c3, compensation + o, acc2 + o);
        }
    }

    /// <summary>One quad row of a group (64 outputs × 4 bytes) into its eight accumulators, with x's quad broadcast in xb.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void VnniQuadRow(sbyte* row, Vector256<byte> xb, ref Vector256<int> a0, ref Vector256<int> a1, ref Vector256<int> a2,
        ref Vector256<int> a3, ref Vector256<int> a4, ref Vector256<int> a5, ref Vector256<int> a6, ref Vector256<int> a7)
    {
        a0 = AvxVnni.MultiplyWideningAndAdd(a0, xb, Vector256.Load(row));
        a1 = AvxVnni.MultiplyWideningAndAdd(a1, xb, Vector256.Load(row + 32));
        a2 = AvxVnni.MultiplyWideningAndAdd(a2, xb, Vector256.Load(row + 64));
        a3 = AvxVnni.MultiplyWideningAndAdd(a3, xb, Vector256.Load(row + 96));
        a4 = AvxVnni.MultiplyWideningAndAdd(a4, xb, Vector256.Load(row + 128));
        a5 = AvxVnni.MultiplyWideningAndAdd(a5, xb, Vector256.Load(row + 160));
        a6 = AvxVnni.MultiplyWideningAndAdd(a6, xb, Vector256.Load(row + 192));
        a7 = AvxVnni.MultiplyWideningAndAdd(a7, xb, Vector256.Load(row + 224));
    }

    /// <summary>One weight vector into three rows' accumulators, loaded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void VnniThree(sbyte* w, Vector256<byte> xa, Vector256<byte> xb, Vector256<byte> xc,
        ref Vector256<int> a, ref Vector256<int> b, ref Vector256<int> c)
    {
        Vector256<sbyte> v = Vector256.Load(w);
        a = AvxVnni.MultiplyWideningAndAdd(a, xa, v);
        b = AvxVnni.MultiplyWideningAndAdd(b, xb, v);
        c = AvxVnni.MultiplyWideningAndAdd(c, xc, v);
    }

    /// <summary>One quad of activations, +128 (as unsigned bytes), broadcast to every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Shifted(sbyte* quad) =>
        Vector256.Create(Unsafe.ReadUnaligned<int>(quad) ^ unchecked((int)0x80808080)).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreCompensated(Vector256<int> s0, Vector256<int> s1, Vector256<int> s2, Vector256<int> s3, int* compensation, int* acc)
    {
        (s0 - Vector256.Load(compensation)).Store(acc);
        (s1 - Vector256.Load(compensation + 8)).Store(acc + 8);
        (s2 - Vector256.Load(compensation + 16)).Store(acc + 16);
        (s3 - Vector256.Load(compensation + 24)).Store(acc + 24);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Pair256(Vector256<int> acc, Vector256<sbyte> x, sbyte* w)
    {
        Vector256<sbyte> weights = Vector256.Load(w);
        Vector256<short> pairs = Avx2.MultiplyAddAdjacent(Avx2.Abs(weights), Avx2.Sign(x, weights));
        return acc + Avx2.MultiplyAddAdjacent(pairs, Vector256.Create((short)1));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx2Pairs(sbyte* w, sbyte* x, int quads, int* acc)
    {
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (int q = 0; q < quads; q++)
        {
            Vector256<sbyte> xb = Vector256.Create(Unsafe.ReadUnaligned<int>(x + 4 * q)).AsSByte();
            sbyte* row = w + (nint)q * Row;
            a0 = Pair256(a0, xb, row);
            a1 = Pair256(a1, xb, row + 32);
            a2 = Pair256(a2, xb, row + 64);
            a3 = Pair256(a3, xb, row + 96);
            a4 = Pair256(a4, xb, row + 128);
            a5 = Pair256(a5, xb, row + 160);
            a6 = Pair256(a6, xb, row + 192);
            a7 = Pair256(a7, xb, row + 224);
        }
        a0.Store(acc); a1.Store(acc + 8); a2.Store(acc + 16); a3.Store(acc + 24);
        a4.Store(acc + 32); a5.Store(acc + 40); a6.Store(acc + 48); a7.Store(acc + 56);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Pair512(Vector512<int> acc, Vector512<sbyte> x, Vector512<sbyte> negated, sbyte* w)
    {
        Vector512<sbyte> weights = Vector512.Load(w);
        return acc + SignedPairs(Avx512BW.Abs(weights), Vector512.LessThan(weights, Vector512<sbyte>.Zero), x, negated);
    }

    /// <summary>
    /// The 512-bit pairs' products of 64 weights given as |w| and the mask w &lt; 0, with one quad of x broadcast:
    /// no 512-bit vpsignb, so x is negated where w &lt; 0 by the mask (w = 0 multiplies by |w| = 0 either way), then
    /// |w| · that in int16 pairs and the pairs summed into int32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> SignedPairs(Vector512<byte> magnitude, Vector512<sbyte> negative, Vector512<sbyte> x, Vector512<sbyte> negated) =>
        Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(magnitude, Vector512.ConditionalSelect(negative, negated, x)), Vector512.Create((short)1));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx512Pairs(sbyte* w, sbyte* x, int quads, int* acc)
    {
        Vector512<int> a0 = default, a1 = default, a2 = default, a3 = default;
        for (int q = 0; q < quads; q++)
        {
            Vector512<sbyte> xb = Vector512.Create(Unsafe.ReadUnaligned<int>(x + 4 * q)).AsSByte();
            Vector512<sbyte> negated = -xb;
            sbyte* row = w + (nint)q * Row;
            a0 = Pair512(a0, xb, negated, row);
            a1 = Pair512(a1, xb, negated, row + 64);
            a2 = Pair512(a2, xb, negated, row + 128);
            a3 = Pair512(a3, xb, negated, row + 192);
        }
        a0.Store(acc); a1.Store(acc + 16); a2.Store(acc + 32); a3.Store(acc + 48);
    }

    /// <summary>
    /// <see cref="Avx512Pairs"/> for three rows at once: |w| and the sign of w are taken once per weight vector and
    /// serve all three rows, whose products then cost a select, two multiply-adds and an add each (four instructions
    /// per 64 weights and row instead of six). The sums are <see cref="Avx512Pairs"/>'s, row by row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx512PairsThreeRows(sbyte* w, sbyte* x0, sbyte* x1, sbyte* x2, int quads, int* acc0, int* acc1, int* acc2)
    {
        Vector512<int> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<int> b0 = default, b1 = default, b2 = default, b3 = default;
        Vector512<int> c0 = default, c1 = default, c2 = default, c3 = default;
        for (int q = 0; q < quads; q++)
        {
            Vector512<sbyte> xa = Vector512.Create(Unsafe.ReadUnaligned<int>(x0 + 4 * q)).AsSByte();
            Vector512<sbyte> xb = Vector512.Create(Unsafe.ReadUnaligned<int>(x1 + 4 * q)).AsSByte();
            Vector512<sbyte> xc = Vector512.Create(Unsafe.ReadUnaligned<int>(x2 + 4 * q)).AsSByte();
            Vector512<sbyte> na = -xa, nb = -xb, nc = -xc;
            sbyte* row = w + (nint)q * Row;
            PairThree(row, xa, na, xb, nb, xc, nc, ref a0, ref b0, ref c0);
            PairThree(row + 64, xa, na, xb, nb, xc, nc, ref a1, ref b1, ref c1);
            PairThree(row + 128, xa, na, xb, nb, xc, nc, ref a2, ref b2, ref c2);
            PairThree(row + 192, xa, na, xb, nb, xc, nc, ref a3, ref b3, ref c3);
        }
        a0.Store(acc0); a1.Store(acc0 + 16); a2.Store(acc0 + 32); a3.Store(acc0 + 48);
        b0.Store(acc1); b1.Store(acc1 + 16); b2.Store(acc1 + 32); b3.Store(acc1 + 48);
        c0.Store(acc2); c1.Store(acc2 + 16); c2.Store(acc2 + 32); c3.Store(acc2 + 48);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PairThree(sbyte* w, Vector512<sbyte> xa, Vector512<sbyte> na, Vector512<sbyte> xb, Vector512<sbyte> nb,
        Vector512<sbyte> xc, Vector512<sbyte> nc, ref Vector512<int> a, ref Vector512<int> b, ref Vector512<int> c)
    {
        Vector512<sbyte> weights = Vector512.Load(w);
        Vector512<sbyte> negative = Vector512.LessThan(weights, Vector512<sbyte>.Zero);
        Vector512<byte> magnitude = Avx512BW.Abs(weights);
        a += SignedPairs(magnitude, negative, xa, na);
        b += SignedPairs(magnitude, negative, xb, nb);
        c += SignedPairs(magnitude, negative, xc, nc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Pair128(Vector128<int> acc, Vector128<sbyte> x, sbyte* w)
    {
        Vector128<sbyte> weights = Vector128.Load(w);
        Vector128<short> pairs = Ssse3.MultiplyAddAdjacent(Ssse3.Abs(weights), Ssse3.Sign(x, weights));
        return acc + Sse2.MultiplyAddAdjacent(pairs, Vector128.Create((short)1));
    }

    /// <summary>128-bit: the group in two halves of 32 outputs, eight accumulators each (SSE has sixteen registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Ssse3Pairs(sbyte* w, sbyte* x, int quads, int* acc)
    {
        for (int half = 0; half < 2; half++)
        {
            Vector128<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            sbyte* start = w + half * (Row / 2);
            for (int q = 0; q < quads; q++)
            {
                Vector128<sbyte> xb = Vector128.Create(Unsafe.ReadUnaligned<int>(x + 4 * q)).AsSByte();
                sbyte* row = start + (nint)q * Row;
                a0 = Pair128(a0, xb, row);
                a1 = Pair128(a1, xb, row + 16);
                a2 = Pair128(a2, xb, row + 32);
                a3 = Pair128(a3, xb, row + 48);
                a4 = Pair128(a4, xb, row + 64);
                a5 = Pair128(a5, xb, row + 80);
                a6 = Pair128(a6, xb, row + 96);
                a7 = Pair128(a7, xb, row + 112);
            }
            int* o = acc + half * 32;
            a0.Store(o); a1.Store(o + 4); a2.Store(o + 8); a3.Store(o + 12);
            a4.Store(o + 16); a5.Store(o + 20); a6.Store(o + 24); a7.Store(o + 28);
        }
    }
}
