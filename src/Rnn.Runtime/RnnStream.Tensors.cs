using System.Numerics.Tensors;

namespace Rnn.Runtime;

// Tensor-shaped arguments beside the span + shape fast path: checked, then the same step (no copy, no allocation).
public sealed partial class RnnStream
{
    /// <summary>
    /// <see cref="Step(ReadOnlySpan{float}, Span{float})"/> over dense tensors: input (streams, I), output (streams, H).
    /// Shapes are checked here; strided views are refused.
    /// </summary>
    public void Step(ReadOnlyTensorSpan<float> input, TensorSpan<float> output)
    {
        TensorArguments.CheckShape(input.Lengths, nameof(input), "(streams, input)", StreamCount, _model.InputSize);
        TensorArguments.CheckShape(output.Lengths, nameof(output), "(streams, hidden)", StreamCount, _model.HiddenSize);
        Step(TensorArguments.Contiguous(input, nameof(input)), TensorArguments.Contiguous(output, nameof(output)));
    }
}
