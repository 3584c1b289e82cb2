namespace Rnn.Tests.Cli.Bench;

/// <summary>
/// Sample sets shaped like this machine's timings: a floor plus right-skewed noise (half-normal, ~4 % typical) and
/// occasional interference spikes (1 in 8 samples 20-60 % slower, as when another process takes the core).
/// </summary>
internal static class SyntheticTimings
{
    public static double[] Draw(Random rng, double floorNanoseconds, int count)
    {
        var samples = new double[count];
        for (int i = 0; i < count; i++)
        {
            double gaussian = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            double noise = Math.Abs(gaussian) * 0.04;
            if (rng.Next(8) == 0) noise += 0.2 + 0.4 * rng.NextDouble();
            samples[i] = floorNanoseconds * (1 + noise);
        }
        return samples;
    }
}
