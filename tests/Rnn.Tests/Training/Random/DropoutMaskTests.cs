using Rnn.Training.Random;

namespace Rnn.Tests.Training.Random;

public class DropoutMaskTests
{
    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.8f)]
    public void KeepsAboutOneMinusPAndScalesKeptElements(float p)
    {
        const int n = 100_001; // odd: exercises the single-draw tail
        var mask = new float[n];
        DropoutMask.Fill(new DeterministicRandom(9), mask, p);
        float scale = 1f / (1f - p);
        int kept = 0;
        foreach (float m in mask)
        {
            Assert.True(m == 0f || m == scale, $"mask value {m}");
            if (m != 0) kept++;
        }
        double keptFraction = (double)kept / n;
        Assert.True(Math.Abs(keptFraction - (1 - p)) < 5 * Math.Sqrt(p * (1 - p) / n), $"kept {keptFraction}");
        double meanMask = mask.Average(m => (double)m);
        Assert.True(Math.Abs(meanMask - 1) < 0.03, $"E[mask] = {meanMask}");
    }

    [Fact]
    public void EdgeProbabilitiesAndDeterminism()
    {
        var mask = new float[33];
        DropoutMask.Fill(new DeterministicRandom(1), mask, 0f);
        Assert.All(mask, m => Assert.Equal(1f, m));
        DropoutMask.Fill(new DeterministicRandom(1), mask, 1f);
        Assert.All(mask, m => Assert.Equal(0f, m));

        var a = new float[100];
        var b = new float[100];
        DropoutMask.Fill(new DeterministicRandom(4), a, 0.5f);
        DropoutMask.Fill(new DeterministicRandom(4), b, 0.5f);
        Assert.Equal(a, b);
        Assert.Throws<ArgumentOutOfRangeException>(() => DropoutMask.Fill(new DeterministicRandom(1), a, 1.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => DropoutMask.Fill(new DeterministicRandom(1), a, float.NaN));
    }
}
