using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Tests.TestSupport;

/// <summary>
/// One sequence (batch 1) through <see cref="ReferenceStack"/>, PyTorch's equations in double precision, from
/// state_dict tensors: shares no code with the runtime, so it checks lengths, directions and layer plumbing
/// independently. Also random test data.
/// </summary>
internal static class ReferenceRnn
{
    /// <summary>x is (T, I); returns y (T, D·H), hn (L·D, H) and, for LSTM, cn (L·D, H) (empty otherwise).</summary>
    public static (double[] Y, double[] Hn, double[] Cn) Forward(
        TensorDictionary w, CellKind cell, int inputSize, int hidden, int layers, bool bidirectional,
        float[] x, int T, float[]? h0 = null, float[]? c0 = null)
    {
        var stack = new ReferenceStack
        {
            Cell = cell, InputSize = inputSize, Hidden = hidden, Layers = layers, Bidirectional = bidirectional, T = T, B = 1,
        };
        var parameters = new Dictionary<string, double[]>();
        foreach (string name in w.Names) parameters[name] = ToDouble(Get(w, name));
        int state = layers * stack.D * hidden;
        double[] initialH = h0 is null ? new double[state] : ToDouble(h0);
        double[] initialC = cell != CellKind.Lstm ? [] : c0 is null ? new double[state] : ToDouble(c0);
        return stack.Forward(parameters, ToDouble(x), initialH, initialC);
    }

    private static double[] ToDouble(float[] values) => Array.ConvertAll(values, v => (double)v);

    private static float[] Get(TensorDictionary w, string name)
    {
        Assert.True(w.TryGetShape(name, out int[] shape), $"missing {name}");
        long n = 1;
        foreach (int s in shape) n *= s;
        var data = new float[n];
        w.Read(name, data);
        return data;
    }

    public static float[] RandomFloats(int count, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return v;
    }
}
