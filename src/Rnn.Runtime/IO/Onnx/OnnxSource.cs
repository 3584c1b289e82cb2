namespace Rnn.Runtime.IO.Onnx;

/// <summary>
/// Where an <see cref="RnnModel"/> loaded from ONNX came from, and how the node's tensors are laid out: with
/// <see cref="Layout"/> 0, X is (seq, batch, input), Y (seq, num_directions, batch, hidden) and Y_h / Y_c
/// (num_directions, batch, hidden); with 1, X is (batch, seq, input), Y (batch, seq, num_directions, hidden) and
/// Y_h / Y_c (batch, num_directions, hidden).
/// </summary>
/// <param name="FilePath">The .onnx file.</param>
/// <param name="NodeNames">The recurrent node, or the stack's nodes first layer first.</param>
/// <param name="OpType">RNN, LSTM or GRU.</param>
/// <param name="Layout">The node's layout attribute, 0 or 1.</param>
/// <param name="Reverse">direction = "reverse": the only direction reads the sequence from its end.</param>
/// <param name="Opset">The model's default-domain opset.</param>
internal sealed record OnnxSource(string FilePath, IReadOnlyList<string> NodeNames, string OpType, int Layout, bool Reverse, long Opset);
