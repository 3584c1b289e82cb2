using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Layers;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime;

[Collection(AllocationCollection.Name)]
public class DenseEmbeddingTests
{
    [Theory]
    [InlineData(DenseActivation.Identity, 17, 33)]
    [InlineData(DenseActivation.Sigmoid, 3, 1)]
    [InlineData(DenseActivation.Tanh, 64, 16)]
    [InlineData(DenseActivation.Softmax, 256, 65)]
    public void DenseMatchesItsFormulaOnEveryPath(DenseActivation activation, int inputs, int outputs)
    {
        const int rows = 3;
        float[] w = ReferenceRnn.RandomFloats(inputs * outputs, 1, 0.3f), b = ReferenceRnn.RandomFloats(outputs, 2);
        float[] x = ReferenceRnn.RandomFloats(rows * inputs, 3);
        foreach (KernelPath path in KernelPaths.Supported())
        {
            using var dense = new Dense(w, b, inputs, outputs, activation, path);
            float[] y = new float[rows * outputs];
            dense.Forward(x, y, rows);
            for (int r = 0; r < rows; r++)
            {
                var z = new double[outputs];
                for (int o = 0; o < outputs; o++)
                {
                    z[o] = b[o];
                    for (int i = 0; i < inputs; i++) z[o] += (double)w[o * inputs + i] * x[r * inputs + i];
                }
                double max = z.Max(), sum = z.Sum(v => Math.Exp(v - max));
                for (int o = 0; o < outputs; o++)
                {
                    double expected = activation switch
                    {
                        DenseActivation.Sigmoid => 1 / (1 + Math.Exp(-z[o])),
                        DenseActivation.Tanh => Math.Tanh(z[o]),
                        DenseActivation.Softmax => Math.Exp(z[o] - max) / sum,
                        _ => z[o],
                    };
                    Assert.True(Math.Abs(y[r * outputs + o] - expected) <= 1e-5 + 1e-5 * Math.Abs(expected),
                        $"{activation}/{path} y[{r},{o}] = {y[r * outputs + o]}, expected {expected}");
                }
            }
        }
    }

    [Fact]
    public void DenseForwardAllocatesNothingOnceWarm()
    {
        using var dense = new Dense(new float[65 * 256], new float[65], 256, 65, DenseActivation.Softmax);
        float[] x = new float[4 * 256], y = new float[4 * 65];
        dense.Forward(x, y, 4);
        Assert.Equal(0, AllocatedBytes.Least(() => { for (int i = 0; i < 100; i++) dense.Forward(x, y, 4); }));
    }

    [Fact]
    public void DenseLoadsPyTorchLinearNames()
    {
        var t = new TensorDictionary { SourceName = "head.safetensors" };
        t.Add("fc.weight", [2, 3], [1, 2, 3, 4, 5, 6]);
        t.Add("fc.bias", [2], [0.5f, -1]);
        using var dense = Dense.FromTensors(t, "fc.");
        float[] y = new float[2];
        dense.Forward([1, 1, 1], y, 1);
        Assert.Equal([6.5f, 14f], y);
        var bad = new TensorDictionary { SourceName = "head.safetensors" };
        bad.Add("fc.weight", [2, 3], [1, 2, 3, 4, 5, float.NaN]);
        Assert.Contains("'fc.weight'", Assert.Throws<RnnFormatException>(() => Dense.FromTensors(bad, "fc.")).Message);
    }

    [Fact]
    public void EmbeddingLooksUpRowsAndRejectsUnknownIds()
    {
        var e = new Embedding([0, 1, 10, 11, 20, 21], 3, 2);
        float[] y = new float[6];
        e.Lookup([2, 0, 1], y);
        Assert.Equal([20f, 21, 0, 1, 10, 11], y);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => e.Lookup([3], new float[2]));
        Assert.Contains("0..2", ex.Message);
    }
}
