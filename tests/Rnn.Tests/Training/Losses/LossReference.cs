namespace Rnn.Tests.Training.Losses;

/// <summary>Naive float64 definitions of the losses (the PyTorch docs' formulas) and a finite-difference gradient.</summary>
internal static class LossReference
{
    public static double CrossEntropy(double[] logits, int[] targets, int classes, bool mean, float[]? mask, int ignoreIndex)
    {
        double sum = 0, count = 0;
        for (int row = 0; row < targets.Length; row++)
        {
            double weight = mask?[row] ?? 1;
            if (weight == 0 || targets[row] == ignoreIndex) continue;
            double max = double.NegativeInfinity;
            for (int j = 0; j < classes; j++) max = Math.Max(max, logits[row * classes + j]);
            double sumExp = 0;
            for (int j = 0; j < classes; j++) sumExp += Math.Exp(logits[row * classes + j] - max);
            sum += weight * (max + Math.Log(sumExp) - logits[row * classes + targets[row]]);
            count += weight;
        }
        return mean ? sum / count : sum;
    }

    public static double BinaryCrossEntropyWithLogits(double[] x, double[] y, bool mean, float[]? mask)
    {
        int rowLength = mask is null ? 1 : x.Length / mask.Length;
        double sum = 0, count = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double weight = mask?[i / rowLength] ?? 1;
            double sigmoid = 1 / (1 + Math.Exp(-x[i]));
            sum += weight * -(y[i] * Math.Log(sigmoid) + (1 - y[i]) * Math.Log(1 - sigmoid));
            count += weight;
        }
        return mean ? sum / count : sum;
    }

    public static double MeanSquaredError(double[] x, double[] y, bool mean, float[]? mask)
    {
        int rowLength = mask is null ? 1 : x.Length / mask.Length;
        double sum = 0, count = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double weight = mask?[i / rowLength] ?? 1;
            sum += weight * (x[i] - y[i]) * (x[i] - y[i]);
            count += weight;
        }
        return mean ? sum / count : sum;
    }

    /// <summary>Central differences of <paramref name="loss"/> at <paramref name="x"/>, in float64.</summary>
    public static double[] FiniteDifferenceGradient(double[] x, Func<double[], double> loss, double step = 1e-4)
    {
        var gradient = new double[x.Length];
        var probe = (double[])x.Clone();
        for (int i = 0; i < x.Length; i++)
        {
            probe[i] = x[i] + step;
            double up = loss(probe);
            probe[i] = x[i] - step;
            double down = loss(probe);
            probe[i] = x[i];
            gradient[i] = (up - down) / (2 * step);
        }
        return gradient;
    }

    public static float[] RandomFloats(int seed, int count, double scale, double offset = 0)
    {
        var random = new System.Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(offset + scale * (random.NextDouble() * 2 - 1));
        return values;
    }

    public static double[] ToDouble(float[] values) => Array.ConvertAll(values, v => (double)v);
}
