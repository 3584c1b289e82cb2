using Rnn.Runtime;
using Rnn.Runtime.Kernels;

using Rnn.Training.Parameters;

namespace Rnn.Training.Layers;

/// <summary>
/// A trainable fully connected layer without activation (losses take logits): Y = X·Wᵀ + b,
/// PyTorch nn.Linear names "{prefix}weight" (out, in) and "{prefix}bias" (out).
/// </summary>
public sealed class DenseTrainer
{
    public Parameter Weight { get; }
    public Parameter Bias { get; }
    public int InputSize { get; }
    public int OutputSize { get; }
    public KernelPath Path { get; }

    public DenseTrainer(string prefix, int inputSize, int outputSize, KernelPath path)
        : this(new Parameter(prefix + "weight", [outputSize, inputSize]), new Parameter(prefix + "bias", [outputSize]), path)
    {
    }

    /// <summary>Wraps existing parameters, e.g. to share values with another replica while keeping separate gradients.</summary>
    public DenseTrainer(Parameter weight, Parameter bias, KernelPath path)
    {
        if (weight.Shape.Length != 2 || bias.Shape.Length != 1 || bias.Shape[0] != weight.Shape[0])
            throw new ArgumentException($"Dense parameters '{weight.Name}' and '{bias.Name}' do not form (out, in) and (out).");
        Weight = weight;
        Bias = bias;
        OutputSize = weight.Shape[0];
        InputSize = weight.Shape[1];
        Path = path;
    }

    /// <summary>x is (rows, in); y is (rows, out).</summary>
    public void Forward(ReadOnlySpan<float> x, Span<float> y, int rows)
    {
        CheckRows(x.Length, rows, InputSize, nameof(x), "in");
        CheckRows(y.Length, rows, OutputSize, nameof(y), "out");
        if (y.Overlaps(x)) throw new ArgumentException("y overlaps x; give it its own memory.", nameof(y));
        MatMul.Multiply(Path, false, true, rows, OutputSize, InputSize, x, InputSize, Weight.Value, InputSize, y, OutputSize, accumulate: false);
        ReadOnlySpan<float> b = Bias.Value;
        for (int r = 0; r < rows; r++)
            System.Numerics.Tensors.TensorPrimitives.Add(y.Slice(r * OutputSize, OutputSize), b, y.Slice(r * OutputSize, OutputSize));
    }

    /// <summary>
    /// x is (rows, in), the forward input; dy is (rows, out). Accumulates dW += dyᵀ·x and db += Σ dy;
    /// writes dx = dy·W (rows, in) unless dx is empty.
    /// </summary>
    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int rows)
    {
        // Checked before the gradients accumulate, so a rejected call changes nothing.
        CheckRows(x.Length, rows, InputSize, nameof(x), "in");
        CheckRows(dy.Length, rows, OutputSize, nameof(dy), "out");
        if (!dx.IsEmpty)
        {
            CheckRows(dx.Length, rows, InputSize, nameof(dx), "in");
            if (dx.Overlaps(dy) || dx.Overlaps(x)) throw new ArgumentException("dx overlaps dy or x; give it its own memory.", nameof(dx));
        }
        MatMul.Multiply(Path, true, false, OutputSize, InputSize, rows, dy, OutputSize, x, InputSize, Weight.Grad, InputSize, accumulate: true);
        Span<float> db = Bias.Grad;
        for (int r = 0; r < rows; r++)
            System.Numerics.Tensors.TensorPrimitives.Add(db, dy.Slice(r * OutputSize, OutputSize), db);
        if (!dx.IsEmpty)
            MatMul.Multiply(Path, false, false, rows, InputSize, OutputSize, dy, OutputSize, Weight.Value, InputSize, dx, InputSize, accumulate: false);
    }

    private static void CheckRows(int length, int rows, int width, string name, string widthName)
    {
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "rows must be >= 0.");
        if (length != (long)rows * width)
            throw new ArgumentException($"{name} has {length} floats, expected rows {rows} x {widthName} {width} = {(long)rows * width}.", name);
    }
}
