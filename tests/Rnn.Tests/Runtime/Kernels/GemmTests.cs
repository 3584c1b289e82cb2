using Rnn.Tests.TestSupport;
using Rnn.Runtime;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Rnn.Runtime.Cells;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Layers;
using static Rnn.Tests.Runtime.Kernels.KernelTestData;

namespace Rnn.Tests.Runtime.Kernels;

[Collection(AllocationCollection.Name)]
public class GemmTests
{
    private const float Sentinel = -12345.5f;

    public static TheoryData<int, int, int> SmallShapes()
    {
        int[] sizes = [1, 3, 17, 33, 129];
        var data = new TheoryData<int, int, int>();
        foreach (int m in sizes)
            foreach (int k in sizes)
                foreach (int n in sizes)
                    data.Add(m, k, n);
        return data;
    }

    public static TheoryData<int, int, int> LargeShapes() => new()
    {
        { 1, 256, 1024 },   // batch-1 step, whole groups of panels
        { 1, 512, 1000 },   // partial last panel
        { 4, 256, 1024 },
        { 64, 256, 1024 },
        { 256, 256, 1024 },
        { 600, 200, 40 },   // several packed row blocks of A
        { 300, 1024, 100 },
    };

    [Theory]
    [MemberData(nameof(SmallShapes))]
    public void Every_path_matches_double_reference_and_the_paths_agree_bitwise_small(int m, int k, int n) => CheckShape(m, k, n);

    [Theory]
    [MemberData(nameof(LargeShapes))]
    public void Every_path_matches_double_reference_and_the_paths_agree_bitwise_large(int m, int k, int n) => CheckShape(m, k, n);

    /// <summary>
    /// For each combination of bias and accumulate, every supported path is checked against a double reference
    /// (within a rounding bound), the padded columns and the gap past them (lda/ldc larger than needed) are
    /// checked exactly, and all paths must give the same bits as the scalar path.
    /// </summary>
    private static void CheckShape(int m, int k, int n)
    {
        float[] weight = Random(n * k, seed: 1 + m + 7 * k + 31 * n);
        float[] biasValues = Random(n, seed: 2 + n);
        int lda = k + 3;
        float[] a = Random((m - 1) * lda + k, seed: 3 + m * k);
        int paddedN = PackedMatrix.RoundUp(n, PackedMatrix.PanelWidth);
        int ldc = paddedN + 5;
        float[] initialC = Random((m - 1) * ldc + paddedN + 5, seed: 4 + m);
        for (int i = 0; i < m; i++)
            for (int j = paddedN; j < ldc; j++) initialC[i * ldc + j] = Sentinel;

        // The first result of each (bias, accumulate) case, which every path, layout and panel order must reproduce
        // bit for bit.
        var first = new Dictionary<(bool, bool), float[]>();
        foreach ((PackedLayout layout, int groupPanels) in new[] { (PackedLayout.Panels, 1), (PackedLayout.Groups, 2), (PackedLayout.Groups, 4), (PackedLayout.Groups, 8) })
        {
            using PackedMatrix packed = PackedMatrix.FromWeight(weight, n, k, layout, groupPanels: Math.Max(2, groupPanels));
            Assert.Equal(paddedN, packed.PaddedN);
            Assert.Equal(groupPanels, packed.GroupPanels);
            foreach (bool withBias in new[] { false, true })
            {
                double[] reference = ReferenceGemm(a, m, lda, weight, n, k, withBias ? biasValues : null, out double[] magnitude);
                foreach (bool accumulate in new[] { false, true })
                {
                    foreach (KernelPath path in KernelPaths.Supported())
                    foreach (bool descending in new[] { false, true })
                    {
                        float[] c = (float[])initialC.Clone();
                        Gemm.Multiply(path, a, m, lda, packed, withBias ? biasValues : default, c, ldc, accumulate, descending);
                        string what = $"{path} {layout}({groupPanels}) m={m} k={k} n={n} bias={withBias} accumulate={accumulate} descending={descending}";
                        for (int i = 0; i < m; i++)
                        {
                            for (int j = 0; j < n; j++)
                            {
                                double expected = reference[i * n + j] + (accumulate ? initialC[i * ldc + j] : 0);
                                double bound = ErrorBound(k, magnitude[i * n + j] + (accumulate ? Math.Abs(initialC[i * ldc + j]) : 0));
                                double actual = c[i * ldc + j];
                                if (!(Math.Abs(actual - expected) <= bound))
                                    Assert.Fail($"{what}: C[{i},{j}] = {actual:R}, expected {expected:R} ± {bound:E2}.");
                            }
                            for (int j = n; j < paddedN; j++)
                                Assert.Equal(accumulate ? initialC[i * ldc + j] : 0f, c[i * ldc + j]);
                            for (int j = paddedN; j < ldc && i * ldc + j < c.Length; j++)
                                Assert.Equal(Sentinel, c[i * ldc + j]);
                        }
                        if (first.TryGetValue((withBias, accumulate), out float[]? expectedBits)) AssertBitwiseEqual(expectedBits, c, what + " vs Scalar Panels ascending");
                        else first[(withBias, accumulate)] = c;
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(nameof(PackedLayout.Panels), 8)]
    [InlineData(nameof(PackedLayout.Groups), 8)]
    [InlineData(nameof(PackedLayout.Groups), 4)]
    [InlineData(nameof(PackedLayout.Groups), 2)]
    public void The_indexer_reads_back_every_element_in_either_layout(string layoutName, int groupPanels) // PackedLayout is internal: xUnit needs public parameter types
    {
        PackedLayout layout = Enum.Parse<PackedLayout>(layoutName);
        const int k = 5, n = 150; // 10 panels: a partial last group (of 8 or 4 panels), with 6 real columns in its last
        float[] weight = Random(n * k, 8);
        using PackedMatrix packed = PackedMatrix.FromWeight(weight, n, k, layout, groupPanels);
        using PackedMatrix fromKxN = PackedMatrix.FromKxN(Transpose(weight, n, k), k, n, layout, groupPanels);
        for (int kk = 0; kk < k; kk++)
        {
            for (int j = 0; j < n; j++)
            {
                Assert.Equal(weight[j * k + kk], packed[kk, j]);
                Assert.Equal(weight[j * k + kk], fromKxN[kk, j]);
            }
            for (int j = n; j < packed.PaddedN; j++) Assert.Equal(0f, packed[kk, j]);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(16)]
    public void A_group_holds_two_four_or_eight_panels(int groupPanels)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PackedMatrix.FromWeight(new float[32], 16, 2, PackedLayout.Groups, groupPanels));
        Assert.Equal("groupPanels", e.ParamName);
    }

    /// <summary>A model's grouped copies are as wide as one GEMV pass of its kernel path, so each pass reads whole rows.</summary>
    [Fact]
    public void Grouped_copies_are_as_wide_as_a_pass_of_the_models_path()
    {
        const int hidden = 40, input = 24;
        float[] wih = Random(4 * hidden * input, 11), whh = Random(4 * hidden * hidden, 12), bias = Random(4 * hidden, 13);
        foreach (KernelPath path in KernelPaths.Supported())
        {
            using var w = new RecurrentLayerWeights(CellKind.Lstm, input, hidden, wih, whh, bias, bias, productPath: path);
            int expected = path switch
            {
                KernelPath.Vector512 => 8,
                KernelPath.Vector256 => 4,
                KernelPath.Vector128 => Avx512F.VL.IsSupported || AdvSimd.Arm64.IsSupported ? 4 : 2,
                _ => 2,
            };
            Assert.Equal(expected, w.StepWeights.GroupPanels);
            Assert.Equal(expected, w.RecurrentWeightsGrouped.GroupPanels);
            Assert.Equal(1, w.RecurrentWeights.GroupPanels);
        }
    }

    private static float[] Transpose(float[] m, int rows, int cols)
    {
        var t = new float[m.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
        return t;
    }

    [Theory]
    [InlineData(nameof(PackedLayout.Panels))]
    [InlineData(nameof(PackedLayout.Groups))]
    public void Batch_one_and_batched_rows_give_the_same_bits(string layoutName) // PackedLayout is internal: xUnit needs public parameter types
    {
        PackedLayout layout = Enum.Parse<PackedLayout>(layoutName);
        const int m = 11, k = 70, n = 150;
        float[] weight = Random(n * k, 5);
        float[] bias = Random(n, 6);
        float[] a = Random(m * k, 7);
        using PackedMatrix packed = PackedMatrix.FromWeight(weight, n, k, layout);
        foreach (KernelPath path in KernelPaths.Supported())
        {
            float[] batched = new float[m * packed.PaddedN];
            Gemm.Multiply(path, a, m, k, packed, bias, batched, packed.PaddedN, accumulate: false);
            for (int i = 0; i < m; i++)
            {
                float[] single = new float[packed.PaddedN];
                Gemm.Multiply(path, a.AsSpan(i * k, k), 1, k, packed, bias, single, packed.PaddedN, accumulate: false);
                AssertBitwiseEqual(batched.AsSpan(i * packed.PaddedN, packed.PaddedN).ToArray(), single, $"{path} row {i}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(37)]
    public void Warm_calls_allocate_nothing(int m)
    {
        const int k = 96, n = 200;
        using PackedMatrix packed = PackedMatrix.FromWeight(Random(n * k, 1), n, k);
        float[] a = Random(m * k, 2);
        float[] bias = Random(n, 3);
        float[] c = new float[m * packed.PaddedN];
        foreach (KernelPath path in KernelPaths.Supported())
        {
            for (int i = 0; i < 1000; i++) Gemm.Multiply(path, a, m, k, packed, bias, c, packed.PaddedN, accumulate: (i & 1) == 0);
            long allocated = AllocatedBytes.Least(() =>
            {
                for (int i = 0; i < 1000; i++) Gemm.Multiply(path, a, m, k, packed, bias, c, packed.PaddedN, accumulate: (i & 1) == 0);
            });
            Assert.True(allocated == 0, $"{path} m={m}: {allocated} bytes allocated by 1,000 warm calls.");
        }
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_clear_messages()
    {
        const int k = 20, n = 24;
        using PackedMatrix packed = PackedMatrix.FromWeight(Random(n * k, 1), n, k);
        int ldc = packed.PaddedN;
        float[] a = new float[2 * k];
        float[] c = new float[2 * ldc];
        KernelPath path = KernelPaths.Default;

        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(path, a, -1, k, packed, default, c, ldc, false));
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(path, a, 2, k - 1, packed, default, c, ldc, false));
        Assert.Equal("lda", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(path, a, 2, k, packed, default, c, n, false));
        Assert.Equal("ldc", e.ParamName);
        Assert.Contains("padded N 32", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(path, a.AsSpan(1), 2, k, packed, default, c, ldc, false));
        Assert.Equal("a", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(path, a, 2, k, packed, default, c.AsSpan(1), ldc, false));
        Assert.Equal("c", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(path, a, 2, k, packed, new float[n - 1], c, ldc, false));
        Assert.Equal("bias", e.ParamName);
        float[] shared = new float[4 * ldc];
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(path, shared.AsSpan(0, k), 1, k, packed, default, shared, ldc, false));
        Assert.Contains("overlaps", e.Message);
        Assert.Throws<PlatformNotSupportedException>(() => Gemm.Multiply((KernelPath)99, a, 2, k, packed, default, c, ldc, false));
        Assert.Throws<ArgumentNullException>(() => Gemm.Multiply(path, a, 2, k, null!, default, c, ldc, false));

        // m = 0 is a valid empty product: nothing is read or written.
        Gemm.Multiply(path, default, 0, k, packed, default, default, ldc, false);

        packed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Gemm.Multiply(path, a, 2, k, packed, default, c, ldc, false));
    }
}
