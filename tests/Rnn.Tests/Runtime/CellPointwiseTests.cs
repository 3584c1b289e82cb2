using Rnn.Runtime.Cells;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime;

/// <summary>
/// The element-wise LSTM and GRU updates on every path, at sizes on both sides of the vector widths and of the
/// 64-unit blocks the vector paths work in: the new state and the saved gates against a double-precision reference,
/// and the vector paths against each other bit for bit (they apply the same operations to every unit).
/// </summary>
public class CellPointwiseTests
{
    private static readonly int[] Sizes = [1, 3, 7, 15, 16, 17, 31, 33, 63, 64, 65, 100, 129, 200];

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    private static void AssertNear(double expected, float actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-6 + 1e-6 * Math.Abs(expected), $"{what}: {actual}, expected {expected}");

    private static (float[] c, float[] h, float[] gates) Lstm(KernelPath path, float[] pre, float[] c0)
    {
        int hidden = c0.Length;
        float[] c = (float[])c0.Clone(), h = new float[hidden], gates = new float[4 * hidden];
        LstmCell.Pointwise(path, pre, c, h, gates);
        return (c, h, gates);
    }

    private static (float[] h, float[] gates) Gru(KernelPath path, float[] gx, float[] gh, float[] h0)
    {
        float[] h = (float[])h0.Clone(), gates = new float[4 * h0.Length];
        GruCell.Pointwise(path, gx, gh, h, gates);
        return (h, gates);
    }

    [Fact]
    public void LstmUpdateIsRightOnEveryPathAndTheVectorPathsAgreeBitForBit()
    {
        foreach (int hidden in Sizes)
        {
            float[] pre = ReferenceRnn.RandomFloats(4 * hidden, hidden, 6f);
            float[] c0 = ReferenceRnn.RandomFloats(hidden, hidden + 1, 2f);
            float[]? vectorC = null, vectorH = null;
            foreach (KernelPath path in KernelPaths.Supported())
            {
                var (c, h, gates) = Lstm(path, pre, c0);
                for (int u = 0; u < hidden; u++)
                {
                    double i = Sigmoid(pre[u]), f = Sigmoid(pre[hidden + u]), g = Math.Tanh(pre[2 * hidden + u]), o = Sigmoid(pre[3 * hidden + u]);
                    double cNew = f * c0[u] + i * g;
                    string at = $"{path} H={hidden} unit {u}";
                    AssertNear(cNew, c[u], $"{at} c");
                    AssertNear(o * Math.Tanh(cNew), h[u], $"{at} h");
                    AssertNear(i, gates[u], $"{at} i");
                    AssertNear(f, gates[hidden + u], $"{at} f");
                    AssertNear(g, gates[2 * hidden + u], $"{at} g");
                    AssertNear(o, gates[3 * hidden + u], $"{at} o");
                }
                if (path == KernelPath.Scalar) continue;
                if (vectorC is null) (vectorC, vectorH) = (c, h);
                else
                {
                    Assert.Equal(vectorC, c);
                    Assert.Equal(vectorH, h);
                }
            }
        }
    }

    [Fact]
    public void GruUpdateIsRightOnEveryPathAndTheVectorPathsAgreeBitForBit()
    {
        foreach (int hidden in Sizes)
        {
            float[] gx = ReferenceRnn.RandomFloats(3 * hidden, hidden, 6f);
            float[] gh = ReferenceRnn.RandomFloats(3 * hidden, hidden + 1, 6f);
            float[] h0 = ReferenceRnn.RandomFloats(hidden, hidden + 2, 1f);
            float[]? vectorH = null;
            foreach (KernelPath path in KernelPaths.Supported())
            {
                var (h, gates) = Gru(path, gx, gh, h0);
                for (int u = 0; u < hidden; u++)
                {
                    double r = Sigmoid((double)gx[u] + gh[u]), z = Sigmoid((double)gx[hidden + u] + gh[hidden + u]);
                    double n = Math.Tanh(gx[2 * hidden + u] + r * gh[2 * hidden + u]);
                    string at = $"{path} H={hidden} unit {u}";
                    AssertNear((1 - z) * n + z * h0[u], h[u], $"{at} h");
                    AssertNear(r, gates[u], $"{at} r");
                    AssertNear(z, gates[hidden + u], $"{at} z");
                    AssertNear(n, gates[2 * hidden + u], $"{at} n");
                    Assert.Equal(gh[2 * hidden + u], gates[3 * hidden + u]);
                }
                if (path == KernelPath.Scalar) continue;
                if (vectorH is null) vectorH = h;
                else Assert.Equal(vectorH, h);
            }
        }
    }
}
