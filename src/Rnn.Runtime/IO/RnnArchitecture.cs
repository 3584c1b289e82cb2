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
}
