using Rnn.Training.Parameters;
using Rnn.Training.Recurrent;

namespace Rnn.Tests.Training.Recurrent;

public class DropoutMasksTests
{
    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.8f)]
    public void KeepsAboutOneMinusRateScaledToPreserveTheMean(float rate)
    {
        var mask = new float[200_000];
        DropoutMasks.Fill(mask, rate, 42, 1, 0, DropoutKind.InterLayer, 3, 5);
        float scale = 1f / (1f - rate);
        int kept = 0;
        foreach (float v in mask)
        {
            Assert.True(v == 0f || v == scale, $"mask value {v}");
            if (v != 0f) kept++;
        }
        double fraction = kept / (double)mask.Length;
        Assert.InRange(fraction, 1 - rate - 0.005, 1 - rate + 0.005);
    }

    [Fact]
    public void RateZeroKeepsEverything()
    {
        var mask = new float[1000];
        DropoutMasks.Fill(mask, 0f, 1, 0, 0, DropoutKind.Input, 0, 0);
        Assert.All(mask, v => Assert.Equal(1f, v));
    }

    [Fact]
    public void SameKeySameMaskAndEveryKeyPartMatters()
    {
        float[] Mask(ulong seed, int layer, int direction, DropoutKind kind, long example, int time)
        {
            var m = new float[256];
            DropoutMasks.Fill(m, 0.5f, seed, layer, direction, kind, example, time);
            return m;
        }
        float[] baseline = Mask(7, 1, 1, DropoutKind.Recurrent, 12, 3);
        Assert.Equal(baseline, Mask(7, 1, 1, DropoutKind.Recurrent, 12, 3));
        Assert.NotEqual(baseline, Mask(8, 1, 1, DropoutKind.Recurrent, 12, 3));
        Assert.NotEqual(baseline, Mask(7, 0, 1, DropoutKind.Recurrent, 12, 3));
        Assert.NotEqual(baseline, Mask(7, 1, 0, DropoutKind.Recurrent, 12, 3));
        Assert.NotEqual(baseline, Mask(7, 1, 1, DropoutKind.Input, 12, 3));
        Assert.NotEqual(baseline, Mask(7, 1, 1, DropoutKind.Recurrent, 13, 3));
        Assert.NotEqual(baseline, Mask(7, 1, 1, DropoutKind.Recurrent, 12, 4));
    }
}
