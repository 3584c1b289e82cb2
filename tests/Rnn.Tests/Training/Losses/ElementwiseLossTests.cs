using Rnn.Training.Losses;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Training.Losses;

/// <summary>Binary cross-entropy with logits and mean squared error.</summary>
public class ElementwiseLossTests
{
    public static IEnumerable<object[]> Settings()
    {
        foreach (string loss in new[] { "bce", "mse" })
            foreach (LossReduction reduction in new[] { LossReduction.Mean, LossReduction.Sum })
                foreach (bool masked in new[] { false, true })
                    yield return [loss, reduction, masked];
    }

    private static float Run(string loss, float[] x, float[] y, Span<float> gradient, LossReduction reduction, float[]? mask) =>
        loss == "bce"
            ? BinaryCrossEntropyWithLogitsLoss.ForwardBackward(x, y, gradient, reduction, mask)
            : MeanSquaredErrorLoss.ForwardBackward(x, y, gradient, reduction, mask);

    private static float Forward(string loss, float[] x, float[] y, LossReduction reduction, float[]? mask) =>
        loss == "bce"
            ? BinaryCrossEntropyWithLogitsLoss.Forward(x, y, reduction, mask)
            : MeanSquaredErrorLoss.Forward(x, y, reduction, mask);

    private static double Reference(string loss, double[] x, double[] y, bool mean, float[]? mask) =>
        loss == "bce"
            ? LossReference.BinaryCrossEntropyWithLogits(x, y, mean, mask)
            : LossReference.MeanSquaredError(x, y, mean, mask);

    [Theory]
    [MemberData(nameof(Settings))]
    public void MatchesReferenceAndFiniteDifferences(string loss, LossReduction reduction, bool masked)
    {
        const int rows = 6, rowLength = 5;
        float[] x = LossReference.RandomFloats(10, rows * rowLength, 4.0);
        float[] y = loss == "bce"
            ? LossReference.RandomFloats(11, rows * rowLength, 0.5, offset: 0.5) // probabilities in [0, 1]
            : LossReference.RandomFloats(11, rows * rowLength, 2.0);
        float[]? mask = masked ? [1, 0, 1, 0.25f, 0, 1] : null;
        bool mean = reduction == LossReduction.Mean;
        double[] xd = LossReference.ToDouble(x), yd = LossReference.ToDouble(y);

        double expected = Reference(loss, xd, yd, mean, mask);
        var gradient = new float[x.Length];
        Array.Fill(gradient, 7f);
        float value = Run(loss, x, y, gradient, reduction, mask);
        Tolerance.AssertClose(expected, value, 1e-6, 1e-6, $"{loss} loss");
        Tolerance.AssertClose(expected, Forward(loss, x, y, reduction, mask), 1e-6, 1e-6, $"{loss} forward");

        double[] numeric = LossReference.FiniteDifferenceGradient(xd, v => Reference(loss, v, yd, mean, mask));
        Tolerance.AssertClose(numeric, gradient, 1e-7, 1e-5, $"{loss} gradient");
        if (masked)
            for (int j = rowLength; j < 2 * rowLength; j++) Assert.Equal(0f, gradient[j]); // row 1 is padding
    }

    [Fact]
    public void MaskedMeanDividesByCountedElements()
    {
        float[] x = [1, 2, 3, 4, 5, 6];
        float[] y = new float[6];
        // Rows (1,2), (3,4), (5,6); the middle one is padding: (1 + 4 + 25 + 36) / 4 elements.
        Assert.Equal(66f / 4, MeanSquaredErrorLoss.Forward(x, y, mask: [1, 0, 1]));
        Assert.Equal(66f, MeanSquaredErrorLoss.Forward(x, y, LossReduction.Sum, [1, 0, 1]));
        Assert.Equal(91f / 6, MeanSquaredErrorLoss.Forward(x, y));
    }

    [Fact]
    public void BinaryCrossEntropyIsStableForLargeLogits()
    {
        float[] x = [100f, -100f, 100f, -100f, 0f];
        float[] y = [1f, 0f, 0f, 1f, 0.5f];
        var gradient = new float[5];
        float loss = BinaryCrossEntropyWithLogitsLoss.ForwardBackward(x, y, gradient, LossReduction.Sum);
        // Confident and right: ~e^-100 each; confident and wrong: ~100 each; x = 0: log 2.
        Tolerance.AssertClose(200 + Math.Log(2), loss, 0, 1e-6, "loss");
        float[] expectedGradient = [0f, 0f, 1f, -1f, 0f];
        Tolerance.AssertClose(expectedGradient, gradient, 1e-7, 0, "gradient");
    }

    [Fact]
    public void NoCountedRowGivesNaNMeanAndZeroGradient()
    {
        var gradient = new float[4];
        Array.Fill(gradient, 3f);
        Assert.True(float.IsNaN(MeanSquaredErrorLoss.ForwardBackward([1, 2, 3, 4], [0, 0, 0, 0], gradient, mask: [0, 0])));
        Assert.All(gradient, g => Assert.Equal(0f, g));
        Assert.True(float.IsNaN(BinaryCrossEntropyWithLogitsLoss.Forward([1, 2], [0, 1], mask: [0f])));
    }

    [Fact]
    public void BadShapesAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => MeanSquaredErrorLoss.Forward([1, 2, 3], [1, 2]));
        Assert.Contains("3", e.Message);
        e = Assert.Throws<ArgumentException>(() => BinaryCrossEntropyWithLogitsLoss.Forward([1, 2, 3], [1, 2, 3], mask: [1, 1]));
        Assert.Contains("mask", e.Message);
        Assert.Throws<ArgumentException>(() => MeanSquaredErrorLoss.ForwardBackward([1, 2], [1, 2], new float[3]));
        Assert.Throws<ArgumentException>(() => MeanSquaredErrorLoss.Forward([1, 2], [1, 2], mask: [float.NaN]));
    }
}
