using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime.Kernels;

[Collection(AllocationCollection.Name)]
public class GemvBf16Tests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 17)]
    [InlineData(33, 129)]
    [InlineData(256, 1024)]
    [InlineData(129, 65)]
    public void MatchesADoubleReferenceOnRoundedWeightsAndPathsAgreeBitwise(int k, int n)
    {
        float[] w = ReferenceRnn.RandomFloats(n * k, 1), x = ReferenceRnn.RandomFloats(k, 2), bias = ReferenceRnn.RandomFloats(n, 3);
        using var packed = new PackedMatrixBf16(w, n, k);
        float[]? first = null;
        foreach (KernelPath path in KernelPaths.Supported())
        {
            float[] y = new float[packed.PaddedN];
            GemvBf16.Multiply(path, x, packed, bias, y);
            for (int j = 0; j < n; j++)
            {
                double expected = bias[j];
                for (int i = 0; i < k; i++) expected += (double)x[i] * PackedMatrixBf16.FromBf16(PackedMatrixBf16.ToBf16(w[j * k + i]));
                Assert.True(Math.Abs(y[j] - expected) <= 1e-5 * (1 + Math.Sqrt(k)), $"{path} y[{j}] = {y[j]}, expected {expected}");
            }
            for (int j = n; j < packed.PaddedN; j++) Assert.Equal(0f, y[j]);
            if (first is null) first = y;
            else Assert.Equal(first, y);
        }
    }

    /// <summary>Pairs of rows interleaved per column: every weight lands where the indexer (and the kernels) read it,
    /// an odd K's last pair and the columns past N stay zero.</summary>
    [Theory]
    [InlineData(5, 70)]
    [InlineData(8, 64)]
    [InlineData(1, 1)]
    public void PackingKeepsEveryWeightRounded(int k, int n)
    {
        float[] w = ReferenceRnn.RandomFloats(n * k, 7);
        using var packed = new PackedMatrixBf16(w, n, k);
        for (int kk = 0; kk < k; kk++)
        {
            for (int j = 0; j < n; j++) Assert.Equal(PackedMatrixBf16.FromBf16(PackedMatrixBf16.ToBf16(w[j * k + kk])), packed[kk, j]);
            for (int j = n; j < packed.PaddedN; j++) Assert.Equal(0f, packed[kk, j]);
        }
        // Every stored value is one of the weights or padding: as many non-zero values as non-zero rounded weights.
        int stored = 0, expected = 0;
        unsafe
        {
            for (long i = 0; i < (long)packed.PaddedN * ((k + 1) & ~1); i++) if (packed.Data[i] != 0) stored++;
        }
        foreach (float v in w) if (PackedMatrixBf16.ToBf16(v) != 0) expected++;
        Assert.Equal(expected, stored);
    }

    [Fact]
    public void RoundingIsToNearestEven()
    {
        Assert.Equal(0x3F80, PackedMatrixBf16.ToBf16(1f));
        Assert.Equal(0x3F80, PackedMatrixBf16.ToBf16(BitConverter.UInt32BitsToSingle(0x3F808000))); // tie → even
        Assert.Equal(0x3F82, PackedMatrixBf16.ToBf16(BitConverter.UInt32BitsToSingle(0x3F818000))); // tie → even (up)
        Assert.Equal(0x3F81, PackedMatrixBf16.ToBf16(BitConverter.UInt32BitsToSingle(0x3F808001))); // above tie → up
        Assert.True(float.IsNaN(PackedMatrixBf16.FromBf16(PackedMatrixBf16.ToBf16(float.NaN))));
    }

    [Theory]
    [InlineData(CellKind.Lstm)]
    [InlineData(CellKind.Gru)]
    [InlineData(CellKind.RnnTanh)]
    public void Bf16StreamsStayCloseToFloat32AndAllocateNothing(CellKind cell)
    {
        const int I = 24, H = 40, S = 2, T = 30;
        using RnnModel model = RnnModel.CreateRandom(cell, I, H, numLayers: 2, seed: 4);
        using RnnStream exact = model.CreateStream(S);
        using RnnStream half = model.CreateStream(S, WeightPrecision.BFloat16);
        Assert.Equal(WeightPrecision.BFloat16, half.Precision);
        float[] x = ReferenceRnn.RandomFloats(T * S * I, 5);
        float[] y32 = new float[S * H], y16 = new float[S * H];
        double worst = 0;
        for (int t = 0; t < T; t++)
        {
            exact.Step(x.AsSpan(t * S * I, S * I), y32);
            half.Step(x.AsSpan(t * S * I, S * I), y16);
            for (int j = 0; j < y32.Length; j++) worst = Math.Max(worst, Math.Abs(y32[j] - y16[j]));
        }
        Assert.True(worst < 2e-2, $"{cell}: bf16 outputs drift {worst} from float32");
        Assert.True(worst > 0, "bf16 weights must actually be in use");
        Assert.Equal(0, AllocatedBytes.Least(() => { for (int t = 0; t < 200; t++) half.Step(x.AsSpan(0, S * I), y16); }));
    }

    /// <summary>
    /// A step of <see cref="RnnStream.Bf16GemmStreams"/> streams or more (GRU: one fewer) runs the float32 GEMM over the
    /// weights rounded to bfloat16: exactly a float32 stream of the rounded model, every cell and path, and no
    /// allocation; fewer streams in a call (here one, alone) take the bfloat16 kernel, within float32's rounding.
    /// </summary>
    [Theory]
    [MemberData(nameof(SessionTestsCellsAndPaths))]
    public void ManyBf16StreamsGiveTheBitsOfFloat32WithRoundedWeights(CellKind cell, KernelPath path)
    {
        const int I = 12, H = 36, S = RnnStream.Bf16GemmStreams, T = 6;
        using RnnModel model = RnnModel.CreateRandom(cell, I, H, numLayers: 2, seed: 8, kernelPath: path);
        using RnnModel roundedModel = Bf16Rounding.RoundedModel(model, "weight_", path);
        using RnnStream half = model.CreateStream(S, WeightPrecision.BFloat16), exact = roundedModel.CreateStream(S);
        float[] x = ReferenceRnn.RandomFloats(T * S * I, 9);
        float[] y16 = new float[S * H], y32 = new float[S * H];
        for (int t = 0; t < T; t++)
        {
            half.Step(x.AsSpan(t * S * I, S * I), y16);
            exact.Step(x.AsSpan(t * S * I, S * I), y32);
            Assert.Equal(y32, y16);
        }
        half.StepOne(1, x.AsSpan(0, I), y16.AsSpan(0, H));
        exact.StepOne(1, x.AsSpan(0, I), y32.AsSpan(0, H));
        Tolerance.AssertClose(y32.AsSpan(0, H).ToArray(), y16.AsSpan(0, H).ToArray(), 1e-5, 1e-5, $"{cell}/{path} one stream alone");
        Assert.Equal(0, AllocatedBytes.Least(() => { for (int t = 0; t < 50; t++) half.Step(x.AsSpan(0, S * I), y16); }));
    }

    public static IEnumerable<object[]> SessionTestsCellsAndPaths() => SessionTests.CellsAndPaths();
}
