namespace Rnn.Tests.TestSupport;

[Collection(AllocationCollection.Name)]
public class AllocatedBytesTests
{
    [Fact]
    public void ACallThatAllocatesIsCountedInEveryWindow()
    {
        int calls = 0;
        long least = AllocatedBytes.Least(() => { calls++; GC.KeepAlive(new byte[10_000]); });
        Assert.Equal(3, calls);
        Assert.InRange(least, 10_000, 10_100);
    }

    [Fact]
    public void ACallThatAllocatesOnlyOnceIsNotCounted()
    {
        bool first = true;
        Action call = () => { if (first) GC.KeepAlive(new byte[10_000]); first = false; };
        Assert.Equal(0, AllocatedBytes.Least(call));
    }
}
