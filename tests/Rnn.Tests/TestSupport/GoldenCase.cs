using System.Text.Json;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Runtime.Kernels;

namespace Rnn.Tests.TestSupport;

/// <summary>One recurrent case of tests/golden: its manifest, files and tolerances.</summary>
internal sealed class GoldenCase
{
    public required string Name { get; init; }
    public required string Directory { get; init; }
    public required CellKind Cell { get; init; }
    public required int InputSize { get; init; }
    public required int HiddenSize { get; init; }
    public required int NumLayers { get; init; }
    public required bool Bidirectional { get; init; }
    public required int SeqLen { get; init; }
    public required int Batch { get; init; }
    public required double ForwardAtol { get; init; }
    public required double ForwardRtol { get; init; }
    public required double GradAtol { get; init; }
    public required double GradRtol { get; init; }

    public string PathOf(string file) => System.IO.Path.Combine(Directory, file);
    public NpyArray Read(string file) => Npy.Read(PathOf(file));

    public static GoldenCase Load(string name)
    {
        string dir = GoldenData.CaseDirectory(name);
        using JsonDocument doc = GoldenData.ReadManifest(name);
        JsonElement m = doc.RootElement;
        string mode = m.GetProperty("mode").GetString()!;
        CellKind cell = mode switch
        {
            "LSTM" => CellKind.Lstm,
            "GRU" => CellKind.Gru,
            "RNN_TANH" => CellKind.RnnTanh,
            "RNN_RELU" => CellKind.RnnRelu,
            _ => throw new InvalidDataException($"{name}: unknown mode {mode}"),
        };
        JsonElement tol = m.GetProperty("tolerance_hint");
        return new GoldenCase
        {
            Name = name,
            Directory = dir,
            Cell = cell,
            InputSize = m.GetProperty("input_size").GetInt32(),
            HiddenSize = m.GetProperty("hidden_size").GetInt32(),
            NumLayers = m.GetProperty("num_layers").GetInt32(),
            Bidirectional = m.GetProperty("bidirectional").GetBoolean(),
            SeqLen = m.GetProperty("seq_len").GetInt32(),
            Batch = m.GetProperty("batch").GetInt32(),
            ForwardAtol = tol.GetProperty("forward_atol").GetDouble(),
            ForwardRtol = tol.GetProperty("forward_rtol").GetDouble(),
            GradAtol = tol.GetProperty("grad_atol").GetDouble(),
            GradRtol = tol.GetProperty("grad_rtol").GetDouble(),
        };
    }

    /// <summary>Every recurrent case on every kernel path this machine runs.</summary>
    public static IEnumerable<object[]> CasesByPath()
    {
        foreach (string name in GoldenData.RnnCaseNames())
            foreach (KernelPath path in KernelPaths.Supported())
                yield return [name, path];
    }

    /// <summary>The unidirectional recurrent cases (the ones a stream can run) on every kernel path.</summary>
    public static IEnumerable<object[]> UnidirectionalCasesByPath()
    {
        foreach (string name in GoldenData.RnnCaseNames())
        {
            if (Load(name).Bidirectional) continue;
            foreach (KernelPath path in KernelPaths.Supported())
                yield return [name, path];
        }
    }
}
