namespace Rnn.Tests.TestSupport;

/// <summary>A [Fact] that is skipped, with a message saying where it looked, when the golden folder is absent.</summary>
public sealed class GoldenFactAttribute : FactAttribute
{
    public GoldenFactAttribute()
    {
        if (GoldenData.Root is null) Skip = GoldenData.SkipReason;
    }
}
