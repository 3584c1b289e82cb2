namespace Rnn.Tests.TestSupport;

/// <summary>A [Theory] that is skipped (its data not enumerated) when the golden folder is absent.</summary>
public sealed class GoldenTheoryAttribute : TheoryAttribute
{
    public GoldenTheoryAttribute()
    {
        if (GoldenData.Root is null) Skip = GoldenData.SkipReason;
    }
}
