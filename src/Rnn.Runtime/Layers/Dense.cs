using System.Numerics.Tensors;
using Rnn.Runtime.IO;
using Rnn.Runtime.Kernels;

namespace Rnn.Runtime.Layers;

/// <summary>
/// A fully connected layer, Y = f_o(W·H + b), with PyTorch nn.Linear's layout: weight (out, in), bias (out).
/// The weight is packed once; the layer is immutable and safe to share between threads.
/// </summary>
public sealed class Dense : IDisposable
{
    [ThreadStatic] private static float[]? t_scratch;
    private readonly PackedMatrix _packed;
    private readonly float[] _bias;

    /// <summary>in_features.</summary>
    public int InputSize { get; }

    /// <summary>out_features.</summary>
    public int OutputSize { get; }

    /// <summary>f_o, applied after the affine map.</summary>
    public DenseActivation Activation { get; }

    /// <summary>The kernel path the product runs on.</summary>
    public KernelPath KernelPath { get; }

    /// <summary>weight is (out, in) row-major; bias is (out) or empty for none.</summary>
    public Dense(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int inputSize, int outputSize,
        DenseActivation activation = DenseActivation.Identity, KernelPath? kernelPath = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        if (weight.Length != inputSize * outputSize)
            throw new ArgumentException($"Dense weight has {weight.Length} floats, expected out {outputSize} x in {inputSize}.", nameof(weight));
        if (!bias.IsEmpty && bias.Length != outputSize)
            throw new ArgumentException($"Dense bias has {bias.Length} floats, expected {outputSize}.", nameof(bias));
        KernelPath = kernelPath ?? KernelPaths.Default;
        KernelPaths.EnsureSupported(KernelPath);
        InputSize = inputSize;
        OutputSize = outputSize;
        Activation = activation;
        _packed = PackedMatrix.FromWeight(weight, outputSize, inputSize);
        _bias = bias.IsEmpty ? new float[outputSize] : bias.ToArray();
    }

    /// <summary>Loads "{prefix}weight" (out, in) and optional "{prefix}bias" (out), checking shapes and finiteness.</summary>
    public static Dense FromTensors(ITensorSource source, string prefix, DenseActivation activation = DenseActivation.Identity, KernelPath? kernelPath = null)
    {
        string wName = prefix + "weight", bName = prefix + "bias";
        float[] w = FiniteCheck.ReadMatrix(source, wName, "the dense layer's weight", "(out, in)", out int outputs, out int inputs);
        float[] b = [];
        if (source.TryGetShape(bName, out int[] bShape))
        {
            if (bShape.Length != 1 || bShape[0] != outputs)
                throw new RnnFormatException($"{source.SourceName}: tensor '{bName}' has shape {PyTorchStateDict.Show(bShape)}, expected ({outputs},).", source.SourceName, bName);
            b = new float[outputs];
            FiniteCheck.Read(source, bName, b);
        }
        return new Dense(w, b, inputs, outputs, activation, kernelPath);
    }

    /// <summary>x is (rows, in); y is (rows, out).</summary>
    public void Forward(ReadOnlySpan<float> x, Span<float> y, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (y.Overlaps(x)) throw new ArgumentException("Dense output y overlaps its input x; give it its own memory.", nameof(y));
        if (x.Length != rows * InputSize)
            throw new ArgumentException($"Dense input has {x.Length} floats, expected rows {rows} x in {InputSize}.", nameof(x));
        if (y.Length != rows * OutputSize)
            throw new ArgumentException($"Dense output has {y.Length} floats, expected rows {rows} x out {OutputSize}.", nameof(y));
        int padded = _packed.PaddedN;
        if (padded == OutputSize)
        {
            Gemm.Multiply(KernelPath, x, rows, InputSize, _packed, _bias, y, OutputSize, accumulate: false);
        }
        else
        {
            // The kernel writes whole 16-wide panels; stage through scratch so y keeps its exact width.
            int need = rows * padded;
            float[] scratch = t_scratch is { } s && s.Length >= need ? s : (t_scratch = new float[Math.Max(need, 1024)]);
            Gemm.Multiply(KernelPath, x, rows, InputSize, _packed, _bias, scratch.AsSpan(0, need), padded, accumulate: false);
            for (int r = 0; r < rows; r++) scratch.AsSpan(r * padded, OutputSize).CopyTo(y.Slice(r * OutputSize, OutputSize));
        }
        Activate(y, rows);
    }

    private void Activate(Span<float> y, int rows)
    {
        switch (Activation)
        {
            case DenseActivation.Sigmoid: TensorPrimitives.Sigmoid(y, y); break;
            case DenseActivation.Tanh: TensorPrimitives.Tanh(y, y); break;
            case DenseActivation.Softmax:
                for (int r = 0; r < rows; r++)
                {
                    Span<float> row = y.Slice(r * OutputSize, OutputSize);
                    TensorPrimitives.SoftMax(row, row);
                }
                break;
        }
    }

    /// <summary>Frees the packed weight; Forward afterwards throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _packed.Dispose();
}
