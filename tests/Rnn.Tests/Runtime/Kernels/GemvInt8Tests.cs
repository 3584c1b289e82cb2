using Rnn.Runtime.Kernels.Int8;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime.Kernels;

/// <summary>
/// The int8 kernels against a naive reference written here from the definitions (quantize, sum exactly in long,
/// dequantize), bit for bit, on every kernel this machine runs and on odd sizes; and against each other.
/// </summary>
public class GemvInt8Tests
{
    public static IEnumerable<object[]> Kernels()
    {
        foreach (Int8Kernel k in Int8Kernels.Supported()) yield return [k.ToString()];
    }

    /// <summary>The definition: max|x|/127 scale, round-to-even of x·(127/max), computed one element at a time.</summary>
    private static float NaiveQuantize(ReadOnlySpan<float> x, sbyte[] q)
    {
        Array.Clear(q);
        float max = 0;
        foreach (float v in x) max = MathF.Max(max, MathF.Abs(v));
        if (max == 0) return 0;
        float inverse = 127f / max;
        for (int i = 0; i < x.Length; i++) q[i] = checked((sbyte)(int)MathF.Round(x[i] * inverse));
        return max / 127f;
    }

    [Fact]
    public void ActivationQuantizerMatchesTheDefinitionAtEveryLength()
    {
        for (int k = 0; k <= 140; k++)
        {
            float[] x = ReferenceRnn.RandomFloats(k, 100 + k, 3f);
            // Ties: values that land exactly half-way between two integers after scaling by 127 / max.
            if (k > 5) { x[0] = 127f; x[1] = 0.5f; x[2] = -2.5f; x[3] = 3.5f; x[4] = -126.5f; }
            int padded = ActivationQuantizer.PaddedLength(k);
            var got = new sbyte[padded + 5];
            Array.Fill(got, (sbyte)99);
            var want = new sbyte[padded];
            float scale = ActivationQuantizer.Quantize(x, got);
            float wantScale = NaiveQuantize(x, want);
            Assert.Equal(wantScale, scale);
            Assert.Equal(want, got.AsSpan(0, padded).ToArray());
            Assert.Equal((sbyte)99, got[padded]); // nothing written past the padded length
            if (k > 5) Assert.Equal(new sbyte[] { 127, 0, -2, 4, -126 }, got.AsSpan(0, 5).ToArray()); // half to even
        }
    }

    [Fact]
    public void ActivationQuantizerTurnsNonFiniteIntoNaNScaleAndZeroBytes()
    {
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            float[] x = ReferenceRnn.RandomFloats(37, 5);
            x[20] = bad;
            var q = new sbyte[40];
            Array.Fill(q, (sbyte)7);
            Assert.True(float.IsNaN(ActivationQuantizer.Quantize(x, q)));
            Assert.All(q, b => Assert.Equal(0, b));
        }
        var zeros = new sbyte[8];
        Assert.Equal(0f, ActivationQuantizer.Quantize(new float[6], zeros));
    }

    [Fact]
    public void PackingQuantizesEachRowSymmetricallyAndKeepsEveryWeight()
    {
        const int N = 70, K1 = 9, K2 = 6;
        float[] w1 = ReferenceRnn.RandomFloats(N * K1, 1), w2 = ReferenceRnn.RandomFloats(N * K2, 2, 0.01f);
        Array.Clear(w1, 5 * K1, K1); // a zero row: scale 0, all zero
        using var m = new PackedMatrixInt8(w1, N, K1, w2, K2);
        Assert.Equal(128, m.PaddedN);
        Assert.Equal(3, m.Quads1);
        Assert.Equal(2, m.Quads2);
        var q = new sbyte[K1];
        for (int n = 0; n < N; n++)
        {
            Assert.Equal(NaiveQuantize(w1.AsSpan(n * K1, K1), q), m.Scales1[n]);
            int sum = 0;
            for (int k = 0; k < K1; k++) { Assert.Equal(q[k], m[1, n, k]); sum += q[k]; }
            Assert.Equal(128 * sum, m.Compensation1[n]);
            var q2 = new sbyte[K2];
            Assert.Equal(NaiveQuantize(w2.AsSpan(n * K2, K2), q2), m.Scales2[n]);
            for (int k = 0; k < K2; k++) Assert.Equal(q2[k], m[2, n, k]);
        }
        Assert.Equal(0f, m.Scales1[5]);
        // The largest magnitude of each row maps to ±127 exactly.
        int extreme = 0;
        for (int k = 0; k < K1; k++) extreme = Math.Max(extreme, Math.Abs((int)m[1, 3, k]));
        Assert.Equal(127, extreme);
    }

    /// <summary>The reference product: exact long sums of the quantized values, then the documented dequantization.</summary>
    private static float[] Reference(PackedMatrixInt8 m, int rows, sbyte[] x1, int ld1, float[] s1, sbyte[] x2, int ld2, float[] s2,
        float[] bias, float[] yBefore, int ldy, bool accumulate)
    {
        float[] y = (float[])yBefore.Clone();
        for (int r = 0; r < rows; r++)
            for (int n = 0; n < m.N; n++)
            {
                long a1 = 0, a2 = 0;
                for (int k = 0; k < m.K1; k++) a1 += x1[r * ld1 + k] * m[1, n, k];
                for (int k = 0; k < m.K2; k++) a2 += x2[r * ld2 + k] * m[2, n, k];
                float sum = (float)(int)a1 * (s1[r] * m.Scales1[n]);
                if (accumulate) sum = y[r * ldy + n] + sum;
                else if (bias.Length > 0) sum = bias[n] + sum;
                if (m.HasSecondPart) sum += (float)(int)a2 * (s2[r] * m.Scales2[n]);
                y[r * ldy + n] = sum;
            }
        return y;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void EveryKernelMatchesTheReferenceBitForBitOnOddSizes(string kernelName)
    {
        Int8Kernel kernel = Enum.Parse<Int8Kernel>(kernelName);
        int seed = 0;
        foreach (int n in new[] { 1, 63, 65, 130 })
            foreach (int k1 in new[] { 1, 3, 5, 37, 130 })
                foreach (int k2 in new[] { 0, 7, 33 })
                    foreach (int rows in new[] { 1, 3, 4, 8 })
                    {
                        seed++;
                        bool accumulate = seed % 3 == 0, withBias = seed % 2 == 0, descending = seed % 5 == 0;
                        float[] w1 = ReferenceRnn.RandomFloats(n * k1, seed), w2 = ReferenceRnn.RandomFloats(n * k2, seed + 1000);
                        using var m = new PackedMatrixInt8(w1, n, k1, w2, k2);
                        int ld1 = ActivationQuantizer.PaddedLength(k1) + 4, ld2 = ActivationQuantizer.PaddedLength(k2) + 8, ldy = n + 3;
                        var x1 = new sbyte[rows * ld1];
                        var x2 = new sbyte[Math.Max(1, rows * ld2)];
                        var s1 = new float[rows];
                        var s2 = new float[rows];
                        for (int r = 0; r < rows; r++)
                        {
                            s1[r] = ActivationQuantizer.Quantize(ReferenceRnn.RandomFloats(k1, seed + 10 * r, 2f), x1.AsSpan(r * ld1, ld1));
                            if (k2 > 0) s2[r] = ActivationQuantizer.Quantize(ReferenceRnn.RandomFloats(k2, seed + 10 * r + 5), x2.AsSpan(r * ld2, ld2));
                        }
                        float[] bias = withBias ? ReferenceRnn.RandomFloats(n, seed + 7) : [];
                        float[] y = ReferenceRnn.RandomFloats(rows * ldy, seed + 9);
                        float[] want = Reference(m, rows, x1, ld1, s1, x2, ld2, s2, bias, y, ldy, accumulate);
                        GemvInt8.Multiply(kernel, m, rows, x1, ld1, s1, x2, ld2, s2, bias, y, ldy, accumulate, descending);
                        for (int i = 0; i < y.Length; i++)
                            if (BitConverter.SingleToInt32Bits(want[i]) != BitConverter.SingleToInt32Bits(y[i]))
                                Assert.Fail($"{kernel}: N {n}, K {k1}+{k2}, rows {rows}, accumulate {accumulate}, bias {withBias}: y[{i}] = {y[i]:R}, reference {want[i]:R}");
                    }
    }

    /// <summary>
    /// The extreme values every kernel must carry without saturating: all weights ±127 and all activations ±127 with
    /// matching signs (each product +16129, each int16 pair of the multiply-add kernels 32258), over a long K.
    /// </summary>
    [Theory]
    [MemberData(nameof(Kernels))]
    public void ExtremeValuesDoNotSaturate(string kernelName)
    {
        Int8Kernel kernel = Enum.Parse<Int8Kernel>(kernelName);
        const int N = 64, K = 1001;
        var w = new float[N * K];
        for (int n = 0; n < N; n++)
            for (int k = 0; k < K; k++) w[n * K + k] = ((n + k) % 2 == 0 ? 1f : -1f) * (n % 3 == 0 ? -1 : 1);
        using var m = new PackedMatrixInt8(w, N, K);
        var x = new float[K];
        for (int k = 0; k < K; k++) x[k] = k % 2 == 0 ? 1f : -1f;
        // Three rows too, for the kernels that take rows three at a time.
        foreach (int rows in new[] { 1, 3 })
        {
            int ld = ActivationQuantizer.PaddedLength(K);
            var q = new sbyte[rows * ld];
            float s = ActivationQuantizer.Quantize(x, q);
            for (int r = 1; r < rows; r++) q.AsSpan(0, ld).CopyTo(q.AsSpan(r * ld));
            var scales = new float[rows];
            Array.Fill(scales, s);
            var y = new float[rows * N];
            GemvInt8.Multiply(kernel, m, rows, q, ld, scales, default, 0, default, default, y, N);
            for (int i = 0; i < rows * N; i++)
            {
                int n = i % N;
                // Row n is ±(x's pattern shifted by n): every product is +1 or every product is -1 in float terms.
                float expected = ((n % 2 == 0) == (n % 3 != 0) ? 1 : -1) * (float)(127 * 127 * K) * (s * m.Scales1[n]);
                Assert.Equal(expected, y[i]);
                Assert.Equal(K, MathF.Abs(y[i]), 3);
            }
        }
    }

    [Fact]
    public void EveryKernelNameParsesBackToItsKernel()
    {
        foreach (Int8Kernel kernel in Enum.GetValues<Int8Kernel>())
            Assert.Equal(kernel, Int8Kernels.Parse(Int8Kernels.Name(kernel)));
    }

    [Fact]
    public void AllKernelsAgreeWithEachOther()
    {
        const int N = 300, K1 = 77, K2 = 129, Rows = 5;
        float[] w1 = ReferenceRnn.RandomFloats(N * K1, 41), w2 = ReferenceRnn.RandomFloats(N * K2, 42);
        using var m = new PackedMatrixInt8(w1, N, K1, w2, K2);
        int ld1 = ActivationQuantizer.PaddedLength(K1), ld2 = ActivationQuantizer.PaddedLength(K2);
        var x1 = new sbyte[Rows * ld1];
        var x2 = new sbyte[Rows * ld2];
        var s1 = new float[Rows];
        var s2 = new float[Rows];
        for (int r = 0; r < Rows; r++)
        {
            s1[r] = ActivationQuantizer.Quantize(ReferenceRnn.RandomFloats(K1, 43 + r), x1.AsSpan(r * ld1, ld1));
            s2[r] = ActivationQuantizer.Quantize(ReferenceRnn.RandomFloats(K2, 53 + r), x2.AsSpan(r * ld2, ld2));
        }
        float[] bias = ReferenceRnn.RandomFloats(N, 44);
        float[]? first = null;
        foreach (Int8Kernel kernel in Int8Kernels.Supported())
        {
            var y = new float[Rows * N];
            GemvInt8.Multiply(kernel, m, Rows, x1, ld1, s1, x2, ld2, s2, bias, y, N);
            if (first is null) first = y;
            else Assert.Equal(first, y);
        }
    }

    /// <summary>
    /// Quantization error of one product against float32, bounded from the definition: each weight is off by at most
    /// half a step (rowScale/2) and each activation by half of its step (xScale/2), so |error| ≤ Σ_k (|x_k|·rowScale +
    /// |w_k|·xScale + rowScale·xScale/2)/2 plus float rounding; checked, and the typical error is far smaller.
    /// </summary>
    [Fact]
    public void ProductIsWithinTheQuantizationBoundOfFloat32()
    {
        const int N = 256, K = 200;
        float[] w = ReferenceRnn.RandomFloats(N * K, 61, 0.1f), x = ReferenceRnn.RandomFloats(K, 62);
        using var m = new PackedMatrixInt8(w, N, K);
        var q = new sbyte[ActivationQuantizer.PaddedLength(K)];
        float s = ActivationQuantizer.Quantize(x, q);
        var y = new float[N];
        GemvInt8.Multiply(Int8Kernels.Best(512), m, 1, q, q.Length, [s], default, 0, default, default, y, N);
        double worstRatio = 0;
        for (int n = 0; n < N; n++)
        {
            double exact = 0, bound = 0;
            for (int k = 0; k < K; k++)
            {
                exact += (double)w[n * K + k] * x[k];
                bound += (Math.Abs(x[k]) * m.Scales1[n] + Math.Abs(w[n * K + k]) * s + m.Scales1[n] * s / 2) / 2;
            }
            double error = Math.Abs(y[n] - exact);
            Assert.True(error <= bound * 1.0001 + 1e-6, $"row {n}: error {error} over the bound {bound}");
            worstRatio = Math.Max(worstRatio, error / bound);
        }
        Assert.True(worstRatio < 0.5, $"errors reach {worstRatio:P0} of the worst-case bound: rounding looks biased");
    }
}
