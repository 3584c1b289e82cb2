namespace Rnn.Runtime.Layers;

/// <summary>The output function f_o of a dense layer, Y = f_o(W·H + b).</summary>
public enum DenseActivation
{
    /// <summary>No activation: logits, regression outputs.</summary>
    Identity,

    /// <summary>Logistic sigmoid per output.</summary>
    Sigmoid,

    /// <summary>tanh per output.</summary>
    Tanh,

    /// <summary>Softmax over each row's outputs.</summary>
    Softmax,
}
