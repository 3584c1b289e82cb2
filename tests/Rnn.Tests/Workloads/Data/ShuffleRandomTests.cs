using Rnn.Workloads.Data;

namespace Rnn.Tests.Workloads.Data;

public class ShuffleRandomTests
{
    [Fact]
    public void Same_seed_same_stream_different_seed_different_stream()
    {
        var a = new ShuffleRandom(5);
        var b = new ShuffleRandom(5);
        var c = new ShuffleRandom(6);
        bool anyDifferent = false;
        for (int i = 0; i < 100; i++)
        {
            ulong x = a.NextUInt64();
            Assert.Equal(x, b.NextUInt64());
            anyDifferent |= x != c.NextUInt64();
        }
        Assert.True(anyDifferent);
    }

    [Fact]
    public void Next_below_is_in_range_and_roughly_uniform()
    {
        var random = new ShuffleRandom(0);
        var counts = new int[7];
        const int draws = 70_000;
        for (int i = 0; i < draws; i++) counts[random.NextBelow(7)]++;
        // Each bucket expects 10,000; 5 standard deviations is ±~470.
        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
    }

    [Fact]
    public void Shuffle_is_a_permutation()
    {
        var values = Enumerable.Range(0, 1000).ToArray();
        new ShuffleRandom(9).Shuffle(values);
        Assert.NotEqual(Enumerable.Range(0, 1000), values);
        Assert.Equal(Enumerable.Range(0, 1000), values.Order());
    }
}
