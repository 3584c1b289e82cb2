using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Tests.TestSupport;

/// <summary>
/// A plain double-precision forward pass straight from PyTorch's equations, for one sequence (batch 1).
/// Shares no code with the runtime, so it checks lengths, directions and layer plumbing independently.
/// </summary>
internal static class ReferenceRnn
{
    /// <summary>x is (T, I); returns y (T, D·H), hn and cn (L·D, H).</summary>
    public static (double[] Y, double[] Hn, double[] Cn) Forward(
        TensorDictionary w, CellKind cell, int inputSize, int hidden, int layers, bool bidirectional,
        float[] x, int T, float[]? h0 = null, float[]? c0 = null)
    {
        int D = bidirectional ? 2 : 1, G = cell.GateCount();
        var hn = new double[layers * D * hidden];
        var cn = new double[layers * D * hidden];
        double[] input = Array.ConvertAll(x, v => (double)v);
        int inSize = inputSize;
        for (int l = 0; l < layers; l++)
        {
            var output = new double[T * D * hidden];
            for (int d = 0; d < D; d++)
            {
                string sfx = d == 1 ? "_reverse" : "";
                float[] wih = Get(w, $"weight_ih_l{l}{sfx}"), whh = Get(w, $"weight_hh_l{l}{sfx}");
                float[] bih = Get(w, $"bias_ih_l{l}{sfx}"), bhh = Get(w, $"bias_hh_l{l}{sfx}");
                int si = (l * D + d) * hidden;
                var h = new double[hidden];
                var c = new double[hidden];
                for (int u = 0; u < hidden; u++)
                {
                    h[u] = h0?[si + u] ?? 0;
                    c[u] = c0?[si + u] ?? 0;
                }
                for (int s = 0; s < T; s++)
                {
                    int t = d == 0 ? s : T - 1 - s;
                    var gx = new double[G * hidden];
                    var gh = new double[G * hidden];
                    for (int r = 0; r < G * hidden; r++)
                    {
                        double ax = bih[r], ah = bhh[r];
                        for (int k = 0; k < inSize; k++) ax += wih[r * inSize + k] * input[t * inSize + k];
                        for (int k = 0; k < hidden; k++) ah += whh[r * hidden + k] * h[k];
                        gx[r] = ax;
                        gh[r] = ah;
                    }
                    var hNew = new double[hidden];
                    for (int u = 0; u < hidden; u++)
                    {
                        switch (cell)
                        {
                            case CellKind.Lstm:
                                double i = Sig(gx[u] + gh[u]), f = Sig(gx[hidden + u] + gh[hidden + u]);
                                double g = Math.Tanh(gx[2 * hidden + u] + gh[2 * hidden + u]), o = Sig(gx[3 * hidden + u] + gh[3 * hidden + u]);
                                c[u] = f * c[u] + i * g;
                                hNew[u] = o * Math.Tanh(c[u]);
                                break;
                            case CellKind.Gru:
                                double rr = Sig(gx[u] + gh[u]), z = Sig(gx[hidden + u] + gh[hidden + u]);
                                double n = Math.Tanh(gx[2 * hidden + u] + rr * gh[2 * hidden + u]);
                                hNew[u] = (1 - z) * n + z * h[u];
                                break;
                            case CellKind.RnnTanh:
                                hNew[u] = Math.Tanh(gx[u] + gh[u]);
                                break;
                            default:
                                hNew[u] = Math.Max(0, gx[u] + gh[u]);
                                break;
                        }
                    }
                    h = hNew;
                    Array.Copy(h, 0, output, t * D * hidden + d * hidden, hidden);
                }
                Array.Copy(h, 0, hn, si, hidden);
                Array.Copy(c, 0, cn, si, hidden);
            }
            input = output;
            inSize = D * hidden;
        }
        return (input, hn, cn);
    }

    private static double Sig(double v) => 1 / (1 + Math.Exp(-v));

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
