using Rnn.Tests.TestSupport;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Training.Clipping;
using Rnn.Training.Parameters;

namespace Rnn.Tests.Training.Clipping;

[Collection(AllocationCollection.Name)]
public class GradientClippingTests
{
    private static ParameterSet Gradients(int seed, float scale, params int[] lengths)
    {
        var random = new System.Random(seed);
        var set = new ParameterSet();
        for (int k = 0; k < lengths.Length; k++)
        {
            var p = new Parameter($"g{k}", [lengths[k]]);
            for (int i = 0; i < p.Length; i++) p.Grad[i] = scale * (float)(random.NextDouble() * 2 - 1);
            set.Add(p);
        }
        return set;
    }

    private static double ReferenceNorm(ParameterSet set, double p)
    {
        double sum = 0, max = 0;
        foreach (Parameter parameter in set)
            foreach (float g in parameter.Grad)
            {
                sum += Math.Pow(Math.Abs((double)g), p);
                max = Math.Max(max, Math.Abs(g));
            }
        return double.IsPositiveInfinity(p) ? max : Math.Pow(sum, 1 / p);
    }

    public static IEnumerable<object[]> NormCases()
    {
        foreach (KernelPath path in KernelPaths.Supported())
            foreach (float p in new[] { 1f, 2f, 3f, 0.5f, float.PositiveInfinity })
                yield return [p, path];
    }

    [Theory]
    [MemberData(nameof(NormCases))]
    public void NormMatchesFloat64ReferenceAndClipsToMaxNorm(float normType, KernelPath path)
    {
        ParameterSet set = Gradients(3, 2f, 1000, 17, 3, 0);
        float[][] before = [.. set.Select(p => (float[])p.Grad.Clone())];
        double expected = ReferenceNorm(set, normType);

        float total = GradientClipping.ClipGradNorm(set, maxNorm: 1f, normType, errorIfNonfinite: false, path);

        Tolerance.AssertClose(expected, total, 0, 1e-6, $"p={normType} norm");
        float coefficient = 1f / (total + 1e-6f);
        for (int k = 0; k < set.Count; k++)
            for (int i = 0; i < before[k].Length; i++)
                Assert.Equal(before[k][i] * coefficient, set[k].Grad[i]);
        // After clipping the norm is (just under) the maximum.
        Tolerance.AssertClose(1.0, ReferenceNorm(set, normType), 0, 2e-6, $"p={normType} norm after clipping");
    }

    [Fact]
    public void NormBelowTheMaximumLeavesGradientsUnchanged()
    {
        ParameterSet set = Gradients(4, 0.01f, 50);
        float[] before = (float[])set[0].Grad.Clone();
        float total = GradientClipping.ClipGradNorm(set, 5f);
        Assert.True(total < 5f);
        Assert.Equal(before, set[0].Grad);
    }

    [Fact]
    public void LargeGradientsDoNotOverflowTheNorm()
    {
        ParameterSet set = Gradients(5, 1e30f, 64);
        float total = GradientClipping.ClipGradNorm(set, 1f);
        Assert.True(float.IsFinite(total) && total > 1e30f);
        Tolerance.AssertClose(1.0, ReferenceNorm(set, 2), 0, 1e-5, "norm after clipping");
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void NonFiniteNormIsReturnedAndNothingIsClipped(float bad)
    {
        foreach (float normType in new[] { 2f, 1f, 3f, float.PositiveInfinity })
        {
            ParameterSet set = Gradients(6, 10f, 40, 40);
            set[1].Grad[7] = bad;
            float[][] before = [.. set.Select(p => (float[])p.Grad.Clone())];
            float total = GradientClipping.ClipGradNorm(set, 1f, normType);
            Assert.False(float.IsFinite(total));
            Assert.Equal(float.IsNaN(bad), float.IsNaN(total));
            for (int k = 0; k < set.Count; k++) Assert.Equal(before[k], set[k].Grad);
        }
    }

    [Fact]
    public void NonFiniteNormThrowsWhenAskedAndNamesTheParameter()
    {
        ParameterSet set = Gradients(6, 1f, 40, 40);
        set[1].Grad[7] = float.NaN;
        var e = Assert.Throws<InvalidOperationException>(() => GradientClipping.ClipGradNorm(set, 1f, errorIfNonfinite: true));
        Assert.Contains("non-finite", e.Message);
        Assert.Contains("'g1'", e.Message);
        Assert.Contains("index 7", e.Message);
    }

    [Fact]
    public void ZeroAndEmptyGradientsGiveZeroNorm()
    {
        Assert.Equal(0f, GradientClipping.ClipGradNorm(new ParameterSet(), 1f));
        var set = new ParameterSet { new Parameter("z", [3, 3]) };
        Assert.Equal(0f, GradientClipping.ClipGradNorm(set, 1f));
        Assert.Equal(0f, GradientClipping.ClipGradNorm(set, 1f, float.PositiveInfinity));
        Assert.All(set[0].Grad, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void InvalidArgumentsAreRejected()
    {
        ParameterSet set = Gradients(1, 1f, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm(set, -1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm(set, float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm(set, 1f, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm(set, 1f, -2f));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradValue(set, -0.5f));
    }

    [Fact]
    public void ClipGradValueClampsEveryElementAndKeepsNaN()
    {
        ParameterSet set = Gradients(7, 3f, 100, 5);
        set[1].Grad[2] = float.NaN;
        float[][] before = [.. set.Select(p => (float[])p.Grad.Clone())];
        GradientClipping.ClipGradValue(set, 0.75f);
        for (int k = 0; k < set.Count; k++)
            for (int i = 0; i < before[k].Length; i++)
            {
                float expected = float.IsNaN(before[k][i]) ? float.NaN : Math.Clamp(before[k][i], -0.75f, 0.75f);
                Assert.Equal(expected, set[k].Grad[i]);
            }
        Assert.Contains(set[0].Grad, g => g == 0.75f);
        Assert.Contains(set[0].Grad, g => g == -0.75f);
    }

    [Fact]
    public void ClippingAllocatesNothingOnceWarm()
    {
        ParameterSet set = Gradients(8, 1f, 300, 7);
        GradientClipping.ClipGradNorm(set, 1f);
        GradientClipping.ClipGradValue(set, 0.5f);
        Assert.Equal(0, AllocatedBytes.Least(() =>
        {
            for (int i = 0; i < 10; i++)
            {
                GradientClipping.ClipGradNorm(set, 0.5f);
                GradientClipping.ClipGradNorm(set, 0.5f, float.PositiveInfinity);
                GradientClipping.ClipGradValue(set, 0.1f);
            }
        }));
    }
}
