using Rnn.Training.Models;

namespace Rnn.Tests.Training.Models;

public class ShardDefaultsTests
{
    /// <summary>One shard per core while each keeps 8 rows and the count divides the batch (worked by hand).</summary>
    [Theory]
    [InlineData(32, 1, 1)]
    [InlineData(32, 2, 2)]
    [InlineData(32, 8, 4)]  // 32 / 8 rows: at most 4 shards
    [InlineData(32, 64, 4)]
    [InlineData(8, 2, 1)]   // a shard of 4 rows would waste half the kernel's row block
    [InlineData(24, 3, 3)]
    [InlineData(48, 5, 4)]  // 5 does not divide 48
    [InlineData(30, 4, 3)]
    [InlineData(7, 16, 1)]
    public void OneShardPerCoreWithEightRowsEachDividingTheBatch(int batch, int cores, int expected) =>
        Assert.Equal(expected, ShardDefaults.For(batch, cores));
}
