namespace Rnn.Runtime;

/// <summary>The recurrent cell of a layer, with PyTorch's equations and gate order.</summary>
public enum CellKind
{
    /// <summary>Elman RNN, h' = tanh(W_ih x + b_ih + W_hh h + b_hh).</summary>
    RnnTanh,
    /// <summary>Elman RNN, h' = relu(W_ih x + b_ih + W_hh h + b_hh).</summary>
    RnnRelu,
    /// <summary>LSTM, gate blocks i, f, g, o.</summary>
    Lstm,
    /// <summary>GRU, gate blocks r, z, n, with b_hn inside r * (W_hn h + b_hn).</summary>
    Gru,
}

/// <summary>Gate counts, names and parsing of <see cref="CellKind"/>.</summary>
internal static class CellKinds
{
    /// <summary>Gate blocks per cell: rows of W_ih and W_hh are GateCount × hidden.</summary>
    public static int GateCount(this CellKind cell) => cell switch
    {
        CellKind.Lstm => 4,
        CellKind.Gru => 3,
        CellKind.RnnTanh or CellKind.RnnRelu => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(cell), cell, "Unknown cell kind."),
    };

    /// <summary>Only an LSTM carries c besides h.</summary>
    public static bool HasCellState(this CellKind cell) => cell == CellKind.Lstm;

    /// <summary>Parses the names the CLI and files use: lstm, gru, rnn-tanh (or rnn, tanh), rnn-relu (or relu).</summary>
    public static CellKind Parse(string text) => (text ?? throw new ArgumentException("The cell kind is missing: expected lstm, gru, rnn-tanh or rnn-relu.", nameof(text))).Trim().ToLowerInvariant() switch
    {
        "lstm" => CellKind.Lstm,
        "gru" => CellKind.Gru,
        "rnn" or "rnn-tanh" or "rnn_tanh" or "tanh" or "elman" => CellKind.RnnTanh,
        "rnn-relu" or "rnn_relu" or "relu" => CellKind.RnnRelu,
        _ => throw new ArgumentException(
            $"Unknown cell kind '{text}': expected lstm, gru, rnn-tanh or rnn-relu.", nameof(text)),
    };

    /// <summary>The name <see cref="Parse"/> reads back: lstm, gru, rnn-tanh, rnn-relu.</summary>
    public static string ToName(this CellKind cell) => cell switch
    {
        CellKind.Lstm => "lstm",
        CellKind.Gru => "gru",
        CellKind.RnnTanh => "rnn-tanh",
        CellKind.RnnRelu => "rnn-relu",
        _ => throw new ArgumentOutOfRangeException(nameof(cell)),
    };
}
