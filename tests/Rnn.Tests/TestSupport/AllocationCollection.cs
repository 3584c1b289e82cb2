namespace Rnn.Tests.TestSupport;

/// <summary>
/// Tests that count allocated bytes run alone, after the parallel ones: a GC triggered by another test's allocations
/// retires this thread's allocation context mid-measurement and shows up as a phantom 8 KB "allocation".
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "Allocation counting";
}
