namespace Rnn.Runtime.IO;

/// <summary>The shape of a recurrent stack as PyTorch's nn.RNN / nn.LSTM / nn.GRU describe it.</summary>
public sealed record RnnArchitecture(
    CellKind Cell, int InputSize, int HiddenSize, int NumLayers, bool Bidirectional, bool HasBias, string Prefix)
{
    /// <summary>2 when bidirectional, else 1.</summary>
    public int Directions => Bidirectional ? 2 : 1;
    /// <summary>Gate blocks per cell (LSTM 4, GRU 3, Elman 1).</summary>
    public int GateCount => Cell.GateCount();

    /// <summary>
    /// ONNX's direction = "reverse": the model's only direction reads each sequence from its last step to its first
    /// (PyTorch has no such module). Such a model runs in sessions only, like a bidirectional one.
    /// </summary>
    public bool Reverse { get; init; }

    /// <summary>
    /// ONNX's clip: every gate's pre-activation is clamped to [−Clip, Clip] before its activation. Null (PyTorch's
    /// cells) for no clip.
    /// </summary>
    public float? Clip { get; init; }

    /// <summary>ONNX LSTM input_forget = 1: the forget gate is 1 − i (the input gate's complement), not its own gate.</summary>
    public bool InputForget { get; init; }

    /// <summary>
    /// ONNX LSTM peepholes (input P): i and f add p ⊙ c of the previous step to their pre-activations, o adds p ⊙ c of
    /// the new one. The weights travel with the layer's other tensors.
    /// </summary>
    public bool Peepholes { get; init; }

    /// <summary>
    /// GRU: true (PyTorch's GRU, ONNX linear_before_reset = 1) applies the reset gate to the recurrent product,
    /// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)); false (ONNX's default, Keras reset_after = False) applies it to
    /// h first, n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn). Ignored for other cells.
    /// </summary>
    public bool LinearBeforeReset { get; init; } = true;

    /// <summary>Whether the cell is PyTorch's own (no clip, peepholes, input_forget, or GRU reset before the product),
    /// so its weights can be written as a state_dict.</summary>
    public bool IsPyTorchCell => Clip is null && !InputForget && !Peepholes && (LinearBeforeReset || Cell != CellKind.Gru);

    /// <summary>Input width of layer <paramref name="layer"/>: the model input for layer 0, D·H above it.</summary>
    public int LayerInputSize(int layer) => layer == 0 ? InputSize : Directions * HiddenSize;

    /// <summary>The state_dict names of layer <paramref name="layer"/>'s tensors, with the prefix and "_reverse" for direction 1.</summary>
    public string WeightIh(int layer, int direction) => PyTorchStateDict.Name(Prefix, "weight_ih", layer, direction);
    /// <inheritdoc cref="WeightIh"/>
    public string WeightHh(int layer, int direction) => PyTorchStateDict.Name(Prefix, "weight_hh", layer, direction);
    /// <inheritdoc cref="WeightIh"/>
    public string BiasIh(int layer, int direction) => PyTorchStateDict.Name(Prefix, "bias_ih", layer, direction);
    /// <inheritdoc cref="WeightIh"/>
    public string BiasHh(int layer, int direction) => PyTorchStateDict.Name(Prefix, "bias_hh", layer, direction);

    /// <summary>The peephole weights of a layer and direction (3H: blocks i, f, o), when <see cref="Peepholes"/>: a name of
    /// this runtime's, not PyTorch's (PyTorch's LSTM has no peepholes).</summary>
    internal string WeightPeephole(int layer, int direction) => PyTorchStateDict.Name(Prefix, "weight_peephole", layer, direction);
}
