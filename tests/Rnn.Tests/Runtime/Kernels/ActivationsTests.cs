using System.Runtime.Intrinsics;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;

namespace Rnn.Tests.Runtime.Kernels;

public class ActivationsTests
{
    /// <summary>The paths this machine runs (all four on an AVX-512 machine; fewer elsewhere, none skipped silently).</summary>
    public static TheoryData<KernelPath> SupportedPaths() => [.. KernelPaths.Supported()];

    public static TheoryData<KernelPath> SupportedVectorPaths() => [.. KernelPaths.Supported().Where(p => p != KernelPath.Scalar)];

    private const double AbsoluteTolerance = 2e-7;

    private static double SigmoidReference(double x) => 1.0 / (1.0 + Math.Exp(-x));

    private static float[] Grid(float from, float to, int points)
    {
        var x = new float[points];
        for (int i = 0; i < points; i++) x[i] = from + (to - from) * i / (points - 1);
        return x;
    }

    private static double UlpsOff(float actual, double reference)
    {
        float rounded = (float)reference;
        double ulp = MathF.BitIncrement(MathF.Abs(rounded)) - MathF.Abs(rounded);
        return Math.Abs(actual - reference) / ulp;
    }

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void Sigmoid_and_tanh_are_accurate_on_a_dense_grid(KernelPath path)
    {
        float[] x = Grid(-20f, 20f, 400_001);
        float[] sigmoid = new float[x.Length];
        float[] tanh = new float[x.Length];
        Activations.Sigmoid(path, x, sigmoid);
        Activations.Tanh(path, x, tanh);
        double worstSigmoidUlps = 0, worstTanhUlps = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double s = SigmoidReference(x[i]), t = Math.Tanh(x[i]);
            if (!(Math.Abs(sigmoid[i] - s) <= AbsoluteTolerance)) Assert.Fail($"{path} sigmoid({x[i]:R}) = {sigmoid[i]:R}, expected {s:R}.");
            if (!(Math.Abs(tanh[i] - t) <= AbsoluteTolerance)) Assert.Fail($"{path} tanh({x[i]:R}) = {tanh[i]:R}, expected {t:R}.");
            worstSigmoidUlps = Math.Max(worstSigmoidUlps, UlpsOff(sigmoid[i], s));
            worstTanhUlps = Math.Max(worstTanhUlps, UlpsOff(tanh[i], t));
        }
        if (path != KernelPath.Scalar)
        {
            // Ours, not the platform's libm: hold them to a few ulps relative as well (measured 2.5 and 1.3).
            Assert.True(worstSigmoidUlps <= 3, $"sigmoid is {worstSigmoidUlps:F2} ulps off somewhere.");
            Assert.True(worstTanhUlps <= 2, $"tanh is {worstTanhUlps:F2} ulps off somewhere.");
        }
    }

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void Large_inputs_saturate_and_special_values_behave(KernelPath path)
    {
        float[] x = Grid(-120f, 120f, 24_001);
        float[] sigmoid = new float[x.Length];
        float[] tanh = new float[x.Length];
        Activations.Sigmoid(path, x, sigmoid);
        Activations.Tanh(path, x, tanh);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(Math.Abs(sigmoid[i] - SigmoidReference(x[i])) <= AbsoluteTolerance, $"sigmoid({x[i]:R}) = {sigmoid[i]:R}");
            Assert.True(Math.Abs(tanh[i] - Math.Tanh(x[i])) <= AbsoluteTolerance, $"tanh({x[i]:R}) = {tanh[i]:R}");
            Assert.False(float.IsSubnormal(sigmoid[i]), $"sigmoid({x[i]:R}) = {sigmoid[i]:R} is subnormal.");
            Assert.InRange(sigmoid[i], 0f, 1f);
            Assert.InRange(tanh[i], -1f, 1f);
        }

        float[] special = [float.NegativeInfinity, float.PositiveInfinity, float.NaN, 0f, -0f, float.MaxValue, float.MinValue, 1e-30f, -1e-30f, -87.5f, -95f];
        float[] s = new float[special.Length];
        float[] t = new float[special.Length];
        Activations.Sigmoid(path, special, s);
        Activations.Tanh(path, special, t);
        Assert.Equal([0f, 1f], s[..2]);
        Assert.Equal([-1f, 1f], t[..2]);
        Assert.True(float.IsNaN(s[2]) && float.IsNaN(t[2]), "NaN must propagate.");
        Assert.Equal(0.5f, s[3]);
        Assert.Equal(0.5f, s[4]);
        Assert.True(t[3] == 0f && !float.IsNegative(t[3]), "tanh(+0) = +0");
        Assert.True(t[4] == 0f && float.IsNegative(t[4]), "tanh(-0) = -0");
        Assert.Equal([1f, 0f], s[5..7]);
        Assert.Equal([1f, -1f], t[5..7]);
        Assert.Equal([1e-30f, -1e-30f], t[7..9]); // tanh(x) = x for tiny x
        Assert.Equal([0f, 0f], s[9..11]);         // flushed instead of subnormal
    }

    [Theory]
    [MemberData(nameof(SupportedVectorPaths))]
    public void Span_results_do_not_depend_on_length_or_position(KernelPath path)
    {
        float[] source = KernelTestData.Random(40, 9, scale: 6f);
        for (int length = 0; length <= source.Length; length++)
        {
            float[] x = source[..length];
            float[] s = new float[length];
            float[] t = new float[length];
            Activations.Sigmoid(path, x, s);
            Activations.Tanh(path, x, t);
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(ElementSigmoid(path, x[i]), s[i]);
                Assert.Equal(ElementTanh(path, x[i]), t[i]);
            }
            float[] inPlace = (float[])x.Clone();
            Activations.Tanh(path, inPlace, inPlace);
            Assert.Equal(t, inPlace);
        }
    }

    /// <summary>
    /// exp's last step, p · 2^n, is one instruction with AVX-512 (vscalefps) and a multiply by built exponent bits
    /// elsewhere: both must round the same exact product, so every width (and an ARM64 or AVX2 machine) gets the same bits.
    /// </summary>
    [Theory]
    [MemberData(nameof(SupportedVectorPaths))]
    public void Scaling_by_a_power_of_two_gives_the_bits_of_the_multiply(KernelPath path)
    {
        float[] mantissas = [MathF.Sqrt(0.5f), 0.75f, 1f, MathF.BitDecrement(1f), 1.2345678f, MathF.Sqrt(2f), 0f, -1.5f];
        for (int n = -126; n <= 127; n++)
        {
            float power = BitConverter.Int32BitsToSingle((n + 127) << 23);
            foreach (float p in mantissas)
            {
                float scaled = path switch
                {
                    KernelPath.Vector512 => Vector512Ops.ScaleByPow2(Vector512.Create(p), Vector512.Create((float)n)).ToScalar(),
                    KernelPath.Vector256 => Vector256Ops.ScaleByPow2(Vector256.Create(p), Vector256.Create((float)n)).ToScalar(),
                    _ => Vector128Ops.ScaleByPow2(Vector128.Create(p), Vector128.Create((float)n)).ToScalar(),
                };
                Assert.Equal(BitConverter.SingleToInt32Bits(p * power), BitConverter.SingleToInt32Bits(scaled));
                Assert.Equal(BitConverter.SingleToInt32Bits(p * power), BitConverter.SingleToInt32Bits(ScalarOps.ScaleByPow2(p, n)));
            }
        }
    }

    [Fact]
    public void Every_vector_width_gives_the_same_bits()
    {
        float[] x = Grid(-90f, 90f, 200_001);
        KernelPath[] paths = [.. KernelPaths.Supported().Where(p => p != KernelPath.Scalar)];
        float[] sigmoid0 = new float[x.Length], tanh0 = new float[x.Length], sigmoid = new float[x.Length], tanh = new float[x.Length];
        Activations.Sigmoid(paths[0], x, sigmoid0);
        Activations.Tanh(paths[0], x, tanh0);
        foreach (KernelPath path in paths[1..])
        {
            Activations.Sigmoid(path, x, sigmoid);
            Activations.Tanh(path, x, tanh);
            Assert.Equal(sigmoid0, sigmoid);
            Assert.Equal(tanh0, tanh);
        }
    }

    private static float ElementSigmoid(KernelPath path, float x) => path switch
    {
        KernelPath.Vector512 => Vector512Ops.Sigmoid(Vector512.Create(x)).ToScalar(),
        KernelPath.Vector256 => Vector256Ops.Sigmoid(Vector256.Create(x)).ToScalar(),
        _ => Vector128Ops.Sigmoid(Vector128.Create(x)).ToScalar(),
    };

    private static float ElementTanh(KernelPath path, float x) => path switch
    {
        KernelPath.Vector512 => Vector512Ops.Tanh(Vector512.Create(x)).ToScalar(),
        KernelPath.Vector256 => Vector256Ops.Tanh(Vector256.Create(x)).ToScalar(),
        _ => Vector128Ops.Tanh(Vector128.Create(x)).ToScalar(),
    };

    [Fact]
    public void Scalar_helpers_match_the_scalar_span_path()
    {
        float[] x = KernelTestData.Random(100, 4, scale: 10f);
        float[] s = new float[x.Length];
        float[] t = new float[x.Length];
        Activations.Sigmoid(KernelPath.Scalar, x, s);
        Activations.Tanh(KernelPath.Scalar, x, t);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(Activations.Sigmoid(x[i]), s[i]);
            Assert.Equal(Activations.Tanh(x[i]), t[i]);
        }
    }

    [Fact]
    public void Bad_spans_are_rejected()
    {
        float[] buffer = new float[32];
        var e = Assert.Throws<ArgumentException>(() => Activations.Sigmoid(KernelPaths.Default, buffer.AsSpan(0, 8), buffer.AsSpan(16, 7)));
        Assert.Equal("y", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Activations.Tanh(KernelPaths.Default, buffer.AsSpan(0, 16), buffer.AsSpan(4, 16)));
        Assert.Contains("overlap", e.Message);
        Assert.Throws<PlatformNotSupportedException>(() => Activations.Tanh((KernelPath)99, buffer, buffer));
    }
}
