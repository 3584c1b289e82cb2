using Rnn.Tests.TestSupport;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using static Rnn.Tests.Runtime.Kernels.KernelTestData;

namespace Rnn.Tests.Runtime.Kernels;

[Collection(AllocationCollection.Name)]
public class MatMulTests
{
    private const float Sentinel = -12345.5f;

    public static TheoryData<int, int, int> SmallShapes()
    {
        int[] sizes = [1, 3, 17, 33, 129];
        var data = new TheoryData<int, int, int>();
        foreach (int m in sizes)
            foreach (int n in sizes)
                foreach (int k in sizes)
                    data.Add(m, n, k);
        return data;
    }

    public static TheoryData<int, int, int> LargeShapes() => new()
    {
        { 256, 256, 256 },
        { 200, 40, 600 },   // several row blocks and depth blocks
        { 20, 2070, 270 },  // several column blocks and depth blocks
        { 64, 1024, 256 },  // forward input projection X·Wᵀ of a batch
    };

    [Theory]
    [MemberData(nameof(SmallShapes))]
    public void Every_path_and_transpose_matches_double_reference_small(int m, int n, int k) => CheckShape(m, n, k);

    [Theory]
    [MemberData(nameof(LargeShapes))]
    public void Every_path_and_transpose_matches_double_reference_large(int m, int n, int k) => CheckShape(m, n, k);

    /// <summary>
    /// All four transpose combinations, with and without accumulate, leading dimensions larger than needed:
    /// every path within a rounding bound of the double reference, the gap columns untouched, and every path
    /// bit-identical to the scalar path.
    /// </summary>
    private static void CheckShape(int m, int n, int k)
    {
        foreach (bool transA in new[] { false, true })
        {
            foreach (bool transB in new[] { false, true })
            {
                int lda = (transA ? m : k) + 2;
                int ldb = (transB ? k : n) + 5;
                int ldc = n + 3;
                float[] a = Random((transA ? k : m) * lda, seed: 1 + m + 3 * n + 7 * k);
                float[] b = Random((transB ? n : k) * ldb, seed: 2 + m + 5 * n + 11 * k);
                float[] initialC = Random(m * ldc, seed: 3 + m);
                for (int i = 0; i < m; i++)
                    for (int j = n; j < ldc; j++) initialC[i * ldc + j] = Sentinel;
                double[] reference = ReferenceMatMul(transA, transB, m, n, k, a, lda, b, ldb, out double[] magnitude);

                foreach (bool accumulate in new[] { false, true })
                {
                    float[]? scalarResult = null;
                    foreach (KernelPath path in KernelPaths.Supported())
                    {
                        float[] c = (float[])initialC.Clone();
                        MatMul.Multiply(path, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
                        string what = $"{path} transA={transA} transB={transB} m={m} n={n} k={k} accumulate={accumulate}";
                        for (int i = 0; i < m; i++)
                        {
                            for (int j = 0; j < n; j++)
                            {
                                double old = accumulate ? initialC[i * ldc + j] : 0;
                                double expected = reference[i * n + j] + old;
                                double bound = ErrorBound(k, magnitude[i * n + j] + Math.Abs(old));
                                double actual = c[i * ldc + j];
                                if (!(Math.Abs(actual - expected) <= bound))
                                    Assert.Fail($"{what}: C[{i},{j}] = {actual:R}, expected {expected:R} ± {bound:E2}.");
                            }
                            for (int j = n; j < ldc; j++) Assert.Equal(Sentinel, c[i * ldc + j]);
                        }
                        if (scalarResult is null) scalarResult = c;
                        else AssertBitwiseEqual(scalarResult, c, what + " vs Scalar");
                    }
                }
            }
        }
    }

    [Fact]
    public void Empty_depth_clears_or_keeps_C()
    {
        foreach (KernelPath path in KernelPaths.Supported())
        {
            float[] c = Random(12, 1);
            float[] kept = (float[])c.Clone();
            MatMul.Multiply(path, false, false, 3, 4, 0, default, 1, default, 4, c, 4, accumulate: true);
            Assert.Equal(kept, c);
            MatMul.Multiply(path, false, false, 3, 4, 0, default, 1, default, 4, c, 4, accumulate: false);
            Assert.All(c, v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void Concurrent_calls_on_different_data_match_sequential_results()
    {
        // The shapes of an LSTM layer's training products, run four at a time on the thread pool.
        const int tb = 96, input = 80, gates = 4 * 72;
        float[] x = Random(tb * input, 1);
        float[] w = Random(gates * input, 2);
        float[] dg = Random(tb * gates, 3);
        (bool TransA, bool TransB, int M, int N, int K, float[] A, int Lda, float[] B, int Ldb)[] jobs =
        [
            (false, true, tb, gates, input, x, input, w, input),    // X·Wᵀ
            (false, false, tb, input, gates, dg, gates, w, input),  // dG·W
            (true, false, gates, input, tb, dg, gates, x, input),   // dGᵀ·X
        ];
        foreach (KernelPath path in KernelPaths.Supported())
        {
            float[][] expected = new float[jobs.Length][];
            for (int j = 0; j < jobs.Length; j++)
            {
                var job = jobs[j];
                expected[j] = new float[job.M * job.N];
                MatMul.Multiply(path, job.TransA, job.TransB, job.M, job.N, job.K, job.A, job.Lda, job.B, job.Ldb, expected[j], job.N, false);
            }
            int failures = 0;
            Parallel.For(0, 4 * 8 * jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, iteration =>
            {
                var job = jobs[iteration % jobs.Length];
                float[] c = new float[job.M * job.N];
                MatMul.Multiply(path, job.TransA, job.TransB, job.M, job.N, job.K, job.A, job.Lda, job.B, job.Ldb, c, job.N, false);
                if (!c.AsSpan().SequenceEqual(expected[iteration % jobs.Length])) Interlocked.Increment(ref failures);
            });
            Assert.Equal(0, failures);
        }
    }

    [Theory]
    [InlineData(false, true, 33, 150, 70)]
    [InlineData(true, false, 150, 70, 33)]
    [InlineData(false, false, 300, 40, 300)]
    public void Warm_calls_allocate_nothing(bool transA, bool transB, int m, int n, int k)
    {
        float[] a = Random(m * k, 1);
        float[] b = Random(k * n, 2);
        float[] c = new float[m * n];
        int lda = transA ? m : k, ldb = transB ? k : n;
        foreach (KernelPath path in KernelPaths.Supported())
        {
            for (int i = 0; i < 1000; i++) MatMul.Multiply(path, transA, transB, m, n, k, a, lda, b, ldb, c, n, accumulate: (i & 1) == 0);
            long allocated = AllocatedBytes.Least(() =>
            {
                for (int i = 0; i < 1000; i++) MatMul.Multiply(path, transA, transB, m, n, k, a, lda, b, ldb, c, n, accumulate: (i & 1) == 0);
            });
            Assert.True(allocated == 0, $"{path}: {allocated} bytes allocated by 1,000 warm calls.");
        }
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_clear_messages()
    {
        KernelPath path = KernelPaths.Default;
        float[] a = new float[6 * 4];  // m = 6, k = 4
        float[] b = new float[4 * 5];  // k = 4, n = 5
        float[] c = new float[6 * 5];

        Assert.Throws<ArgumentOutOfRangeException>(() => MatMul.Multiply(path, false, false, -1, 5, 4, a, 4, b, 5, c, 5, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => MatMul.Multiply(path, false, false, 6, -5, 4, a, 4, b, 5, c, 5, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => MatMul.Multiply(path, false, false, 6, 5, -4, a, 4, b, 5, c, 5, false));
        var e = Assert.Throws<ArgumentException>(() => MatMul.Multiply(path, false, false, 6, 5, 4, a, 3, b, 5, c, 5, false));
        Assert.Equal("lda", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => MatMul.Multiply(path, true, false, 6, 5, 4, a, 4, b, 5, c, 5, false));
        Assert.Equal("lda", e.ParamName); // Aᵀ stored k × m needs lda ≥ m = 6
        e = Assert.Throws<ArgumentException>(() => MatMul.Multiply(path, false, false, 6, 5, 4, a.AsSpan(1), 4, b, 5, c, 5, false));
        Assert.Equal("a", e.ParamName);
        Assert.Contains("needs 24 elements, got 23", e.Message);
        e = Assert.Throws<ArgumentException>(() => MatMul.Multiply(path, false, true, 6, 5, 4, a, 4, b, 3, c, 5, false));
        Assert.Equal("ldb", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => MatMul.Multiply(path, false, false, 6, 5, 4, a, 4, b.AsSpan(2), 5, c, 5, false));
        Assert.Equal("b", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => MatMul.Multiply(path, false, false, 6, 5, 4, a, 4, b, 5, c, 4, false));
        Assert.Equal("ldc", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => MatMul.Multiply(path, false, false, 6, 5, 4, a, 4, b, 5, c.AsSpan(1), 5, false));
        Assert.Equal("c", e.ParamName);
        float[] shared = new float[64];
        e = Assert.Throws<ArgumentException>(() => MatMul.Multiply(path, false, false, 2, 2, 2, shared.AsSpan(0, 4), 2, b, 5, shared, 2, false));
        Assert.Contains("overlaps A", e.Message);
        Assert.Throws<PlatformNotSupportedException>(() => MatMul.Multiply((KernelPath)99, false, false, 6, 5, 4, a, 4, b, 5, c, 5, false));
    }
}
