// Placeholder until the IO branch lands.
namespace Rnn.Tests.TestSupport;

internal static class GoldenData
{
    public static string? Root => null;
}

public sealed class GoldenTheoryAttribute : TheoryAttribute
{
    public GoldenTheoryAttribute() { if (GoldenData.Root is null) Skip = "../shared/golden not found"; }
}
