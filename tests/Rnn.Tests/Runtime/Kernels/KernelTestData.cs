namespace Rnn.Tests.Runtime.Kernels;

/// <summary>Random operands and naive double-precision references for the kernel tests.</summary>
internal static class KernelTestData
{
    /// <summary>Unit round-off of float (2^-24).</summary>
    public const double FloatEpsilon = 1.0 / (1 << 24);

    /// <summary>Uniform in [-scale, scale), repeatable from the seed (<see cref="TestSupport.ReferenceRnn.RandomFloats"/>).</summary>
    public static float[] Random(int length, int seed, float scale = 1f) => TestSupport.ReferenceRnn.RandomFloats(length, seed, scale);

    /// <summary>
    /// A bound on the rounding error of a float FMA chain of <paramref name="terms"/> products whose magnitudes
    /// sum to <paramref name="magnitude"/>, plus the few additions after it: (terms + 3)·u·magnitude, with a
    /// floor for sums that cancel to nearly zero.
    /// </summary>
    public static double ErrorBound(int terms, double magnitude) => (terms + 3) * FloatEpsilon * magnitude + 1e-30;

    /// <summary>Wᵀ packed the way PyTorch stores a Linear weight: W is (n × k) row-major.</summary>
    public static double[] ReferenceGemm(float[] a, int m, int lda, float[] weight, int n, int k, float[]? bias, out double[] magnitude)
    {
        var result = new double[m * n];
        magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, abs = 0;
                for (int kk = 0; kk < k; kk++)
                {
                    double p = (double)a[i * lda + kk] * weight[j * k + kk];
                    sum += p;
                    abs += Math.Abs(p);
                }
                if (bias is not null)
                {
                    sum += bias[j];
                    abs += Math.Abs(bias[j]);
                }
                result[i * n + j] = sum;
                magnitude[i * n + j] = abs;
            }
        }
        return result;
    }

    /// <summary>op(A)·op(B) in double, with Σ|products| per element for the error bound.</summary>
    public static double[] ReferenceMatMul(
        bool transA, bool transB, int m, int n, int k, float[] a, int lda, float[] b, int ldb, out double[] magnitude)
    {
        var result = new double[m * n];
        magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, abs = 0;
                for (int kk = 0; kk < k; kk++)
                {
                    double av = transA ? a[kk * lda + i] : a[i * lda + kk];
                    double bv = transB ? b[j * ldb + kk] : b[kk * ldb + j];
                    sum += av * bv;
                    abs += Math.Abs(av * bv);
                }
                result[i * n + j] = sum;
                magnitude[i * n + j] = abs;
            }
        }
        return result;
    }

    public static void AssertBitwiseEqual(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: element {i} differs: {expected[i]:R} vs {actual[i]:R}.");
        }
    }
}
