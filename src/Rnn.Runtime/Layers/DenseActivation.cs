namespace Rnn.Runtime.Layers;

/// <summary>The output function f_o of a dense layer, Y = f_o(W·H + b).</summary>
public enum DenseActivation
{
    Identity,
    Sigmoid,
    Tanh,
    /// <summary>Softmax over each row's outputs.</summary>
    Softmax,
}
