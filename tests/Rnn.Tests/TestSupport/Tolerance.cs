namespace Rnn.Tests.TestSupport;

internal static class Tolerance
{
    /// <summary>Asserts |actual - expected| ≤ atol + rtol·|expected| elementwise, naming the first element that is not.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double atol, double rtol, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        double worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs((double)actual[i] - expected[i]);
            double allowed = atol + rtol * Math.Abs(expected[i]);
            if (!(err <= allowed) && (worstIndex < 0 || err - allowed > worst))
            {
                worst = err - allowed;
                worstIndex = i;
            }
        }
        if (worstIndex >= 0)
            Assert.Fail($"{what}: element {worstIndex} is {actual[worstIndex]}, expected {expected[worstIndex]} " +
                        $"(|diff| {Math.Abs((double)actual[worstIndex] - expected[worstIndex]):E3} > atol {atol:E1} + rtol {rtol:E1}·|expected|)");
    }
}
