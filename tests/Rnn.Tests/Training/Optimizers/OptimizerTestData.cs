using Rnn.Training.Parameters;

namespace Rnn.Tests.Training.Optimizers;

internal static class OptimizerTestData
{
    /// <summary>Gradient scale per step: the small second step makes AMSGrad's max and momentum's history matter.</summary>
    public static readonly float[] StepScales = [1f, 0.05f, 0.5f];

    /// <summary>Parameters of awkward lengths (vector body plus scalar tail) with values ~U(-1, 1).</summary>
    public static ParameterSet CreateParameters(int seed, params int[][] shapes)
    {
        var random = new System.Random(seed);
        var set = new ParameterSet();
        for (int k = 0; k < shapes.Length; k++)
        {
            var p = new Parameter($"p{k}", shapes[k]);
            for (int i = 0; i < p.Length; i++) p.Value[i] = (float)(random.NextDouble() * 2 - 1);
            set.Add(p);
        }
        return set;
    }

    /// <summary>Gradients ~N(0, scale²) from a per-step seed (different every step).</summary>
    public static void FillGradients(ParameterSet parameters, int seed, float scale)
    {
        var random = new System.Random(seed);
        foreach (Parameter p in parameters)
            for (int i = 0; i < p.Length; i++)
            {
                double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
                p.Grad[i] = scale * (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            }
    }
}
