using Rnn.Training.Parameters;
using Rnn.Runtime.Kernels;
using Rnn.Tests.TestSupport;
using Rnn.Training.Recurrent;

namespace Rnn.Tests.Training.Recurrent;

public class MatMulFallbackTests
{
    public static IEnumerable<object[]> Cases()
    {
        foreach (KernelPath path in KernelPaths.Supported())
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    foreach (bool accumulate in new[] { false, true })
                        yield return [path, transA, transB, accumulate];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNaiveDoubleProductWithStridesAndTails(KernelPath path, bool transA, bool transB, bool accumulate)
    {
        foreach ((int m, int n, int k) in new[] { (7, 37, 5), (9, 16, 33), (1, 3, 1), (4, 64, 17) })
        {
            int lda = (transA ? m : k) + 2, ldb = (transB ? k : n) + 3, ldc = n + 1;
            float[] a = ReferenceRnn.RandomFloats((transA ? k : m) * lda, m + n);
            float[] b = ReferenceRnn.RandomFloats((transB ? n : k) * ldb, k + 1);
            float[] c = ReferenceRnn.RandomFloats(m * ldc, 3);
            var expected = new float[c.Length];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < ldc; j++)
                {
                    if (j >= n) { expected[i * ldc + j] = c[i * ldc + j]; continue; } // padding untouched
                    double s = accumulate ? c[i * ldc + j] : 0;
                    for (int p = 0; p < k; p++)
                        s += (double)(transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]);
                    expected[i * ldc + j] = (float)s;
                }
            MatMulFallback.Multiply(path, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
            Tolerance.AssertClose(expected, c, 1e-5, 1e-5, $"{path} tA={transA} tB={transB} acc={accumulate} {m}x{n}x{k}");
        }
    }

    [Fact]
    public void EveryPathGivesTheSameBits()
    {
        const int m = 13, n = 45, k = 29;
        float[] a = ReferenceRnn.RandomFloats(k * m, 1), b = ReferenceRnn.RandomFloats(k * n, 2);
        float[]? first = null;
        foreach (KernelPath path in KernelPaths.Supported())
        {
            var c = new float[m * n];
            MatMulFallback.Multiply(path, true, false, m, n, k, a, m, b, n, c, n, accumulate: false);
            if (first is null) first = c;
            else Assert.Equal(first, c);
        }
    }

    [Fact]
    public void RejectsOperandsThatAreTooShort()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            MatMulFallback.Multiply(KernelPath.Scalar, false, false, 3, 4, 5, new float[14], 5, new float[20], 4, new float[12], 4, false));
        Assert.Equal("a", e.ParamName);
    }
}
