namespace Rnn.Benchmarks;

/// <summary>The recurrent cells the peers can run as one ONNX node / one TorchSharp module.</summary>
public enum CellType
{
    Lstm,
    Gru,
}
