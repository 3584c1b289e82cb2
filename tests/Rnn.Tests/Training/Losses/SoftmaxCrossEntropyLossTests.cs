using Rnn.Training.Losses;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Training.Losses;

public class SoftmaxCrossEntropyLossTests
{
    private const int Ignore = SoftmaxCrossEntropyLoss.DefaultIgnoreIndex;

    private static int[] RandomTargets(int seed, int rows, int classes)
    {
        var random = new System.Random(seed);
        var targets = new int[rows];
        for (int i = 0; i < rows; i++) targets[i] = random.Next(classes);
        return targets;
    }

    [Theory]
    [InlineData(6, 11, LossReduction.Mean)]
    [InlineData(6, 11, LossReduction.Sum)]
    [InlineData(3, 1300, LossReduction.Mean)] // longer than the forward scratch: chunked log-sum-exp
    [InlineData(1, 1, LossReduction.Sum)]
    public void MatchesReferenceAndFiniteDifferences(int rows, int classes, LossReduction reduction)
    {
        float[] logits = LossReference.RandomFloats(rows * classes, rows * classes, 3.0);
        int[] targets = RandomTargets(rows, rows, classes);
        bool mean = reduction == LossReduction.Mean;
        double[] x = LossReference.ToDouble(logits);
        double expected = LossReference.CrossEntropy(x, targets, classes, mean, null, Ignore);

        float forward = SoftmaxCrossEntropyLoss.Forward(logits, targets, classes, reduction);
        var gradient = new float[logits.Length];
        float fused = SoftmaxCrossEntropyLoss.ForwardBackward(logits, targets, classes, gradient, reduction);

        Tolerance.AssertClose(expected, forward, 1e-6, 1e-6, "forward loss");
        Tolerance.AssertClose(expected, fused, 1e-6, 1e-6, "forward-backward loss");
        double[] numeric = LossReference.FiniteDifferenceGradient(
            x, v => LossReference.CrossEntropy(v, targets, classes, mean, null, Ignore));
        Tolerance.AssertClose(numeric, gradient, 1e-7, 1e-5, "gradient");
    }

    [Theory]
    [InlineData(LossReduction.Mean)]
    [InlineData(LossReduction.Sum)]
    public void MaskAndIgnoreIndexExcludeRowsFromSumAndCount(LossReduction reduction)
    {
        const int rows = 8, classes = 5;
        float[] logits = LossReference.RandomFloats(1, rows * classes, 2.0);
        int[] targets = [0, Ignore, 4, 2, 99 /* padding: not checked */, 1, Ignore, 3];
        float[] mask = [1, 1, 0.5f, 1, 0, 1, 0, 1];
        bool mean = reduction == LossReduction.Mean;
        double[] x = LossReference.ToDouble(logits);

        // Reference: only the counted rows, with their weights.
        double expected = LossReference.CrossEntropy(x, targets, classes, mean, mask, Ignore);
        var gradient = new float[logits.Length];
        Array.Fill(gradient, 42f); // stale values must be overwritten
        float loss = SoftmaxCrossEntropyLoss.ForwardBackward(logits, targets, classes, gradient, reduction, mask);
        Tolerance.AssertClose(expected, loss, 1e-6, 1e-6, "masked loss");
        Tolerance.AssertClose(expected, SoftmaxCrossEntropyLoss.Forward(logits, targets, classes, reduction, mask), 1e-6, 1e-6, "forward");

        foreach (int excluded in new[] { 1, 4, 6 })
            for (int j = 0; j < classes; j++) Assert.Equal(0f, gradient[excluded * classes + j]);
        double[] numeric = LossReference.FiniteDifferenceGradient(
            x, v => LossReference.CrossEntropy(v, targets, classes, mean, mask, Ignore));
        Tolerance.AssertClose(numeric, gradient, 1e-7, 1e-5, "masked gradient");

        if (mean)
        {
            // Mean divides by the counted weight (1+1+0.5+1+1 = 4.5), not by the row count.
            double sum = LossReference.CrossEntropy(x, targets, classes, false, mask, Ignore);
            Tolerance.AssertClose(sum / 4.5, loss, 1e-6, 1e-6, "mean denominator");
        }
    }

    [Fact]
    public void CustomIgnoreIndexCanBeAValidClass()
    {
        float[] logits = LossReference.RandomFloats(2, 4 * 3, 1.0);
        int[] targets = [2, 0, 2, 1];
        double expected = LossReference.CrossEntropy(LossReference.ToDouble(logits), targets, 3, true, null, ignoreIndex: 2);
        float loss = SoftmaxCrossEntropyLoss.Forward(logits, targets, 3, ignoreIndex: 2);
        Tolerance.AssertClose(expected, loss, 1e-6, 1e-6, "loss with ignore index 2");
    }

    [Fact]
    public void NoCountedRowGivesNaNMeanAndZeroGradientLikePyTorch()
    {
        float[] logits = LossReference.RandomFloats(3, 2 * 4, 1.0);
        var gradient = new float[logits.Length];
        Array.Fill(gradient, 1f);
        float loss = SoftmaxCrossEntropyLoss.ForwardBackward(logits, [Ignore, Ignore], 4, gradient);
        Assert.True(float.IsNaN(loss));
        Assert.All(gradient, g => Assert.Equal(0f, g));
        Assert.Equal(0f, SoftmaxCrossEntropyLoss.Forward(logits, [Ignore, Ignore], 4, LossReduction.Sum));
    }

    [Fact]
    public void HugeLogitsStayFinite()
    {
        float[] logits = [1000f, -1000f, 0f, -50000f, 50000f, 3f];
        int[] targets = [1, 2];
        var gradient = new float[6];
        float loss = SoftmaxCrossEntropyLoss.ForwardBackward(logits, targets, 3, gradient, LossReduction.Sum);
        // Row 0: lse ≈ 1000, loss ≈ 2000; row 1: lse ≈ 50000, target 3 → 49997.
        Tolerance.AssertClose(2000.0 + 49997.0, loss, 0, 1e-6, "loss");
        Assert.All(gradient, g => Assert.True(float.IsFinite(g)));
        Assert.Equal(1f, gradient[0], 6);
        Assert.Equal(-1f, gradient[1], 6);
        Assert.Equal(-1f, gradient[5], 6);
    }

    [Fact]
    public void BadInputIsRejectedClearly()
    {
        float[] logits = new float[6];
        var e = Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropyLoss.Forward(logits, [0, 3], 3));
        Assert.Contains("target 3 at row 1", e.Message);
        Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropyLoss.Forward(logits, [0, -1], 3));
        e = Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropyLoss.Forward(logits, [0, 1, 2], 3));
        Assert.Contains("expected", e.Message);
        Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropyLoss.Forward(logits, [0, 1], 3, mask: [1f]));
        Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropyLoss.Forward(logits, [0, 1], 3, mask: [1f, -1f]));
        Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropyLoss.ForwardBackward(logits, [0, 1], 3, new float[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxCrossEntropyLoss.Forward(logits, [0, 1], 0));
    }
}
