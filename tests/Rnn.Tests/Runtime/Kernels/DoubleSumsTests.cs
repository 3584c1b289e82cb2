using Rnn.Runtime;
using Rnn.Runtime.Kernels;

namespace Rnn.Tests.Runtime.Kernels;

public class DoubleSumsTests
{
    public static TheoryData<KernelPath> SupportedPaths() => [.. KernelPaths.Supported()];

    /// <summary>Every path, on lengths that leave every kind of tail: the values are multiples of 2^-10 of magnitude at
    /// most 16, so every square and every partial sum is exact in double whatever the order of the additions, and each
    /// path must give the reference's bits (a skipped, doubled or mis-widened lane shows).</summary>
    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void Sums_are_exact_on_every_path_and_every_tail(KernelPath path)
    {
        var random = new Random(7);
        foreach (int length in (int[])[0, 1, 3, 4, 7, 15, 16, 17, 31, 33, 129, 1000])
        {
            var values = new float[length];
            double squares = 0, magnitudes = 0;
            for (int i = 0; i < length; i++)
            {
                values[i] = random.Next(-16384, 16385) / 1024f;
                squares += (double)values[i] * values[i];
                magnitudes += Math.Abs((double)values[i]);
            }
            Assert.Equal(squares, DoubleSums.SumOfSquares(values, path));
            Assert.Equal(magnitudes, DoubleSums.SumOfMagnitudes(values, path));
        }
    }

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void Nan_and_infinity_propagate_from_any_lane(KernelPath path)
    {
        foreach (int at in (int[])[0, 5, 16, 32])
        {
            var values = new float[33];
            values.AsSpan().Fill(0.5f);
            values[at] = float.NaN;
            Assert.True(double.IsNaN(DoubleSums.SumOfSquares(values, path)), $"NaN at {at}");
            values[at] = float.NegativeInfinity;
            Assert.Equal(double.PositiveInfinity, DoubleSums.SumOfMagnitudes(values, path));
        }
    }
}
