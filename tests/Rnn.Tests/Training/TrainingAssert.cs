using Rnn.Runtime.Kernels;

namespace Rnn.Tests.Training;

internal static class TrainingAssert
{
    /// <summary>|actual - expected| ≤ atol + rtol·|expected| everywhere; the message names the worst element.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double atol, double rtol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            double excess = error - (atol + rtol * Math.Abs(expected[i]));
            if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess)))
            {
                worst = i;
                worstExcess = excess;
            }
        }
        if (worst >= 0)
            Assert.Fail($"{what}: element {worst} is {actual[worst]:R}, expected {expected[worst]:R} " +
                        $"(|diff| = {Math.Abs(actual[worst] - expected[worst]):E3}, atol {atol:E1}, rtol {rtol:E1}).");
    }

    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double atol, double rtol, string what)
    {
        var asDouble = new double[expected.Length];
        for (int i = 0; i < expected.Length; i++) asDouble[i] = expected[i];
        Close(asDouble, actual, atol, rtol, what);
    }

    public static void Close(double expected, double actual, double atol, double rtol, string what)
    {
        double error = Math.Abs(actual - expected);
        Assert.True(error <= atol + rtol * Math.Abs(expected),
            $"{what}: got {actual:R}, expected {expected:R} (|diff| = {error:E3}, atol {atol:E1}, rtol {rtol:E1}).");
    }

    public static double MaxAbsDifference(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        double max = 0;
        for (int i = 0; i < expected.Length; i++) max = Math.Max(max, Math.Abs((double)actual[i] - expected[i]));
        return max;
    }

    /// <summary>Kernel paths this machine runs, as theory data.</summary>
    public static IEnumerable<object[]> SupportedKernelPaths()
    {
        foreach (KernelPath path in KernelPaths.Supported()) yield return [path];
    }
}
