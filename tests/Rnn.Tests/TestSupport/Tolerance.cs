namespace Rnn.Tests.TestSupport;

internal static class Tolerance
{
    /// <summary>Asserts |actual - expected| ≤ atol + rtol·|expected| elementwise, naming the worst element that is not.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double atol, double rtol, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        double worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(actual[i] - expected[i]);
            double allowed = atol + rtol * Math.Abs(expected[i]);
            if (!(err <= allowed) && (worstIndex < 0 || !(err - allowed <= worst)))
            {
                worst = err - allowed;
                worstIndex = i;
            }
        }
        if (worstIndex >= 0)
            Assert.Fail($"{what}: element {worstIndex} is {actual[worstIndex]:R}, expected {expected[worstIndex]:R} " +
                        $"(|diff| {Math.Abs(actual[worstIndex] - expected[worstIndex]):E3} > atol {atol:E1} + rtol {rtol:E1}·|expected|)");
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double atol, double rtol, string what)
    {
        var asDouble = new double[expected.Length];
        for (int i = 0; i < expected.Length; i++) asDouble[i] = expected[i];
        AssertClose(asDouble, actual, atol, rtol, what);
    }

    public static void AssertClose(double expected, double actual, double atol, double rtol, string what)
    {
        double error = Math.Abs(actual - expected);
        Assert.True(error <= atol + rtol * Math.Abs(expected),
            $"{what}: got {actual:R}, expected {expected:R} (|diff| = {error:E3}, atol {atol:E1}, rtol {rtol:E1}).");
    }

    /// <summary>max |actual - expected| in double, for float or double expectations of the same length.</summary>
    public static double MaxAbsDifference<T>(ReadOnlySpan<T> expected, ReadOnlySpan<float> actual) where T : struct, System.Numerics.IFloatingPoint<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        for (int i = 0; i < expected.Length; i++) max = Math.Max(max, Math.Abs(actual[i] - double.CreateTruncating(expected[i])));
        return max;
    }
}
