using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Runtime.Kernels.Int8;

/// <summary>
/// y (rows × N) = init + Σ_parts (x_part · W_partᵀ in int32) · (activation scale · row scale), for int8 weights
/// (<see cref="PackedMatrixInt8"/>) and int8 activations (<see cref="ActivationQuantizer"/>, one scale per row of x).
/// The integer sums are exact on every <see cref="Int8Kernel"/>; the dequantization is this class's one loop, so every
/// kernel gives the same bits. Groups go one at a time, each through every row while its weights sit in L1, so a
/// multi-row product (a session's input projection, several streams) reads the weights once; with AVX-VNNI and
/// AVX-512, the rows the three-row kernel leaves (all of them at batch 1) take two groups (32 KiB at K = 256) at once.
/// </summary>
internal static unsafe class GemvInt8
{
    private const int G = PackedMatrixInt8.GroupWidth;

    /// <summary>
    /// For each row r: y[r·ldy + n] = (init + p1) (+ p2) for n &lt; N, where p = (float)Σ_k x[r, k] · q[n, k] ·
    /// (scale[r] · rowScale[n]) and init is y's own value (<paramref name="accumulate"/>), the bias, or nothing.
    /// x1 holds rows of <see cref="PackedMatrixInt8.Quads1"/>·4 bytes ld1 apart (x2 likewise for a second part).
    /// <paramref name="descending"/> visits the groups last first (same bits): a caller alternating it starts each
    /// product on the weights the previous one read last, still in cache.
    /// </summary>
    [SkipLocalsInit] // acc is written by the kernels before it is read
    public static void Multiply(Int8Kernel kernel, PackedMatrixInt8 m, int rows,
        ReadOnlySpan<sbyte> x1, int ld1, ReadOnlySpan<float> scales1,
        ReadOnlySpan<sbyte> x2, int ld2, ReadOnlySpan<float> scales2,
        ReadOnlySpan<float> bias, Span<float> y, int ldy, bool accumulate = false, bool descending = false)
    {
        ArgumentNullException.ThrowIfNull(m);
        ObjectDisposedException.ThrowIf(m.IsDisposed, m);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        CheckPart(x1, ld1, scales1, m.Quads1, rows, nameof(x1));
        if (m.HasSecondPart) CheckPart(x2, ld2, scales2, m.Quads2, rows, nameof(x2));
        if (ldy < m.N || y.Length < (long)(rows - 1) * ldy + m.N)
            throw new ArgumentException($"y has {y.Length} floats with rows {ldy} apart, needs {rows} rows of N = {m.N}.", nameof(y));
        if (!bias.IsEmpty && bias.Length < m.N) throw new ArgumentException($"bias has {bias.Length} floats, needs N = {m.N}.", nameof(bias));
        if (y.Overlaps(bias)) throw new ArgumentException("y overlaps the bias.", nameof(y));
        if (!Int8Kernels.IsSupported(kernel)) throw new PlatformNotSupportedException(Int8Kernels.Unavailable(kernel));

        // Sums of up to three rows (or of one row in two groups): part 1's at acc + r·G, part 2's at acc + (3 + r)·G.
        int* acc = stackalloc int[6 * G];
        bool threeRows = kernel is Int8Kernel.AvxVnni or Int8Kernel.Avx512Pairs;
        // Two groups per broadcast of x: seventeen registers, so only where AVX-512 gives the JIT thirty-two.
        bool pairGroups = kernel == Int8Kernel.AvxVnni && Avx512F.IsSupported;
        int groups = m.GroupCount;
        fixed (sbyte* p1 = x1)
        fixed (sbyte* p2 = x2)
        fixed (float* s1 = scales1)
        fixed (float* s2 = scales2)
        fixed (float* w1 = m.Scales1)
        fixed (float* w2 = m.Scales2)
        fixed (int* c1 = m.Compensation1)
        fixed (int* c2 = m.Compensation2)
        fixed (float* b = bias)
        fixed (float* yp = y)
        {
            var o = new Operands(m, p1, ld1, s1, w1, c1, p2, ld2, s2, w2, c2, b, yp, ldy, accumulate);
            for (int i = 0; i < groups; i++)
            {
                int g = descending ? groups - 1 - i : i;
                int r = threeRows ? ThreeRowPasses(kernel, in o, g, rows, acc) : 0;
                if (pairGroups && i + 1 < groups)
                {
                    // The next group in visiting order: its three-row passes, then the rows left, both groups at once.
                    int g2 = descending ? g - 1 : g + 1;
                    ThreeRowPasses(kernel, in o, g2, rows, acc);
                    i++;
                    PairGroupRows(in o, g, g2, r, rows, acc);
                }
                else OneRowPasses(kernel, in o, g, r, rows, acc);
            }
        }
    }

    /// <summary>What every group's products and dequantization read: the pinned operands of one <see cref="Multiply"/>.</summary>
    private readonly ref struct Operands(PackedMatrixInt8 m, sbyte* x1, int ld1, float* scales1, float* rowScales1, int* compensation1,
        sbyte* x2, int ld2, float* scales2, float* rowScales2, int* compensation2, float* bias, float* y, int ldy, bool accumulate)
    {
        public readonly PackedMatrixInt8 M = m;
        public readonly sbyte* X1 = x1, X2 = x2;
        public readonly int Ld1 = ld1, Ld2 = ld2, Ldy = ldy;
        public readonly float* Scales1 = scales1, Scales2 = scales2, RowScales1 = rowScales1, RowScales2 = rowScales2, Bias = bias, Y = y;
        public readonly int* Compensation1 = compensation1, Compensation2 = compensation2;
        public readonly bool Two = m.HasSecondPart, Accumulate = accumulate;

        /// <summary>Group g's part-1 quad rows, then (<see cref="Second"/>) its part-2 ones.</summary>
        public sbyte* Group(int g) => M.Data + g * M.GroupBytes;
        public sbyte* Second(int g) => Group(g) + (long)M.Quads1 * PackedMatrixInt8.QuadRowBytes;
    }

    /// <summary>Group g for rows [0, 3·⌊rows/3⌋), three at a time; returns the first row left for a one-row kernel.</summary>
    private static int ThreeRowPasses(Int8Kernel kernel, in Operands o, int g, int rows, int* acc)
    {
        int r = 0;
        for (; r + 3 <= rows; r += 3)
        {
            ThreeRows(kernel, o.Group(g), o.X1 + (long)r * o.Ld1, o.Ld1, o.M.Quads1, o.Compensation1 + g * G, acc);
            if (o.Two) ThreeRows(kernel, o.Second(g), o.X2 + (long)r * o.Ld2, o.Ld2, o.M.Quads2, o.Compensation2 + g * G, acc + 3 * G);
            for (int j = 0; j < 3; j++) DequantizeRow(in o, g, r + j, acc + j * G, acc + (3 + j) * G);
        }
        return r;
    }

    /// <summary>Group g for rows [r, rows), one at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OneRowPasses(Int8Kernel kernel, in Operands o, int g, int r, int rows, int* acc)
    {
        for (; r < rows; r++)
        {
            Dot(kernel, o.Group(g), o.X1 + (long)r * o.Ld1, o.M.Quads1, o.Compensation1 + g * G, acc);
            if (o.Two) Dot(kernel, o.Second(g), o.X2 + (long)r * o.Ld2, o.M.Quads2, o.Compensation2 + g * G, acc + 3 * G);
            DequantizeRow(in o, g, r, acc, acc + 3 * G);
        }
    }

    /// <summary>Groups g and g2 for rows [r, rows), one row at a time, both groups per broadcast of x (AVX-VNNI).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PairGroupRows(in Operands o, int g, int g2, int r, int rows, int* acc)
    {
        for (; r < rows; r++)
        {
            Int8DotX64.VnniTwoGroups(o.Group(g), o.Group(g2), o.X1 + (long)r * o.Ld1, o.M.Quads1,
                o.Compensation1 + g * G, o.Compensation1 + g2 * G, acc, acc + G);
            if (o.Two)
                Int8DotX64.VnniTwoGroups(o.Second(g), o.Second(g2), o.X2 + (long)r * o.Ld2, o.M.Quads2,
                    o.Compensation2 + g * G, o.Compensation2 + g2 * G, acc + 3 * G, acc + 4 * G);
            DequantizeRow(in o, g, r, acc, acc + 3 * G);
            DequantizeRow(in o, g2, r, acc + G, acc + 4 * G);
        }
    }

    /// <summary>Row r's outputs in group g from its part sums a1 (and a2 with a second part).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DequantizeRow(in Operands o, int g, int r, int* a1, int* a2)
    {
        int n0 = g * G, count = Math.Min(G, o.M.N - n0);
        float* row = o.Y + (long)r * o.Ldy + n0;
        float* init = o.Accumulate ? row : o.Bias == null ? null : o.Bias + n0;
        Dequantize(a1, o.Scales1[r], o.RowScales1 + n0, o.Two ? a2 : null, o.Two ? o.Scales2[r] : 0, o.Two ? o.RowScales2 + n0 : null,
            init, row, count);
    }

    /// <summary>Sums of three rows x, x + ld, x + 2·ld at acc, acc + G, acc + 2·G, on a kernel that takes rows three at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ThreeRows(Int8Kernel kernel, sbyte* w, sbyte* x, int ld, int quads, int* compensation, int* acc)
    {
        if (kernel == Int8Kernel.AvxVnni) Int8DotX64.VnniThreeRows(w, x, x + ld, x + 2 * ld, quads, compensation, acc, acc + G, acc + 2 * G);
        else Int8DotX64.Avx512PairsThreeRows(w, x, x + ld, x + 2 * ld, quads, acc, acc + G, acc + 2 * G);
    }

    private static void CheckPart(ReadOnlySpan<sbyte> x, int ld, ReadOnlySpan<float> scales, int quads, int rows, string name)
    {
        int bytes = quads * 4;
        if (ld < bytes || x.Length < (long)(rows - 1) * ld + bytes)
            throw new ArgumentException($"{name} has {x.Length} bytes with rows {ld} apart, needs {rows} rows of {bytes}.", name);
        if (scales.Length < rows) throw new ArgumentException($"{name}'s scales have {scales.Length} values, need {rows}.", name);
    }

    /// <summary>acc[0 .. 64) = Σ over <paramref name="quads"/> quad rows of x · w, exactly, on <paramref name="kernel"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Dot(Int8Kernel kernel, sbyte* w, sbyte* x, int quads, int* compensation, int* acc)
    {
        switch (kernel)
        {
            case Int8Kernel.AvxVnni: Int8DotX64.Vnni(w, x, quads, compensation, acc); break;
            case Int8Kernel.Avx512Pairs: Int8DotX64.Avx512Pairs(w, x, quads, acc); break;
            case Int8Kernel.Avx2Pairs: Int8DotX64.Avx2Pairs(w, x, quads, acc); break;
            case Int8Kernel.Ssse3Pairs: Int8DotX64.Ssse3Pairs(w, x, quads, acc); break;
            case Int8Kernel.ArmDot: Int8DotArm.Dot(w, x, quads, acc); break;
            case Int8Kernel.AdvSimd: Int8DotArm.Widening(w, x, quads, acc); break;
            default: Scalar(w, x, quads, acc); break;
        }
    }

    private static void Scalar(sbyte* w, sbyte* x, int quads, int* acc)
    {
        for (int j = 0; j < G; j++)
        {
            int sum = 0;
            for (int q = 0; q < quads; q++)
            {
                sbyte* cell = w + (nint)q * PackedMatrixInt8.QuadRowBytes + 4 * j;
                sbyte* xq = x + 4 * q;
                sum += xq[0] * cell[0] + xq[1] * cell[1] + xq[2] * cell[2] + xq[3] * cell[3];
            }
            acc[j] = sum;
        }
    }

    /// <summary>
    /// The one dequantization: y[j] = (init[j] + (float)a1[j] · (s1 · w1[j])) + (float)a2[j] · (s2 · w2[j]), the second
    /// term only with a second part, init only when given. That order makes a fused two-part product (a stream's
    /// [x; h] step) give the bits of a one-part product followed by an accumulating one (a session's input projection,
    /// then its recurrence). Multiplies and adds are IEEE-exact per element (no fused
    /// multiply-add), and int32 → float rounds to nearest even everywhere, so the vector and scalar loops agree.
    /// </summary>
    private static void Dequantize(int* a1, float s1, float* w1, int* a2, float s2, float* w2, float* init, float* y, int count)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> v1 = Vector256.Create(s1), v2 = Vector256.Create(s2);
            for (; j + 8 <= count; j += 8)
            {
                Vector256<float> sum = Vector256.ConvertToSingle(Vector256.Load(a1 + j)) * (v1 * Vector256.Load(w1 + j));
                if (init != null) sum = Vector256.Load(init + j) + sum;
                if (a2 != null) sum += Vector256.ConvertToSingle(Vector256.Load(a2 + j)) * (v2 * Vector256.Load(w2 + j));
                sum.Store(y + j);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> v1 = Vector128.Create(s1), v2 = Vector128.Create(s2);
            for (; j + 4 <= count; j += 4)
            {
                Vector128<float> sum = Vector128.ConvertToSingle(Vector128.Load(a1 + j)) * (v1 * Vector128.Load(w1 + j));
                if (init != null) sum = Vector128.Load(init + j) + sum;
                if (a2 != null) sum += Vector128.ConvertToSingle(Vector128.Load(a2 + j)) * (v2 * Vector128.Load(w2 + j));
                sum.Store(y + j);
            }
        }
        for (; j < count; j++)
        {
            float sum = a1[j] * (s1 * w1[j]);
            if (init != null) sum = init[j] + sum;
            if (a2 != null) sum += a2[j] * (s2 * w2[j]);
            y[j] = sum;
        }
    }
}
