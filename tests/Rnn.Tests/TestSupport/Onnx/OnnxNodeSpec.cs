using Rnn.Benchmarks.Peers;

namespace Rnn.Tests.TestSupport.Onnx;

/// <summary>
/// One ONNX RNN / LSTM / GRU node with its weights in ONNX's layout and gate order, and the node's run-time tensors:
/// what the tests write as a model and feed to both the runtime and <see cref="OnnxReference"/>.
/// </summary>
internal sealed record OnnxNodeSpec
{
    public required string OpType { get; init; }
    public required int InputSize { get; init; }
    public required int HiddenSize { get; init; }
    public string Direction { get; init; } = "forward";
    public int Layout { get; init; }
    public float? Clip { get; init; }
    public int? InputForget { get; init; }
    public int? LinearBeforeReset { get; init; }
    public string[]? Activations { get; init; }
    public required float[] W { get; init; }
    public required float[] R { get; init; }
    public float[]? B { get; init; }
    public float[]? P { get; init; }
    public string Name { get; init; } = "rnn_node";
    public bool WriteY { get; init; } = true;
    public OnnxGraphWriter.Storage Storage { get; init; } = OnnxGraphWriter.Storage.RawData;

    public int Directions => Direction == "bidirectional" ? 2 : 1;
    public int Gates => OpType switch { "LSTM" => 4, "GRU" => 3, _ => 1 };
    public bool Lstm => OpType == "LSTM";

    /// <summary>Random weights U(-scale, scale) for the given node shape, from a seed.</summary>
    public static OnnxNodeSpec Random(string opType, int inputSize, int hidden, string direction = "forward", int seed = 1, float scale = 0.5f, bool bias = true, bool peepholes = false)
    {
        var rng = new System.Random(seed);
        int d = direction == "bidirectional" ? 2 : 1, g = opType switch { "LSTM" => 4, "GRU" => 3, _ => 1 };
        float[] U(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1) * scale; return a; }
        return new OnnxNodeSpec
        {
            OpType = opType, InputSize = inputSize, HiddenSize = hidden, Direction = direction,
            W = U(d * g * hidden * inputSize), R = U(d * g * hidden * hidden), B = bias ? U(d * 2 * g * hidden) : null,
            P = peepholes ? U(d * 3 * hidden) : null,
        };
    }

    /// <summary>The node as a model: weights as initializers; X, sequence_lens, initial_h, initial_c as graph inputs.</summary>
    public OnnxGraphWriter ToGraph(bool withSequenceLens = true, bool withInitialState = true)
    {
        var g = new OnnxGraphWriter();
        int d = Directions, gh = Gates * HiddenSize;
        var attributes = new List<(string, object)> { ("hidden_size", (long)HiddenSize) };
        if (Direction != "forward") attributes.Add(("direction", Direction));
        if (Layout != 0) attributes.Add(("layout", (long)Layout));
        if (Clip is { } c) attributes.Add(("clip", c));
        if (InputForget is { } f) attributes.Add(("input_forget", (long)f));
        if (LinearBeforeReset is { } l) attributes.Add(("linear_before_reset", (long)l));
        if (Activations is { } a) attributes.Add(("activations", a));
        string[] inputs = ["X", "W", "R", B is null ? "" : "B", withSequenceLens ? "sequence_lens" : "", withInitialState ? "initial_h" : ""];
        if (Lstm) inputs = [.. inputs, withInitialState ? "initial_c" : "", P is null ? "" : "P"];
        string[] outputs = Lstm ? [WriteY ? "Y" : "", "Y_h", "Y_c"] : [WriteY ? "Y" : "", "Y_h"];
        g.Node(OpType, Name, inputs, outputs, [.. attributes]);
        g.Initializer("W", [d, gh, InputSize], W, Storage);
        g.Initializer("R", [d, gh, HiddenSize], R, Storage);
        if (B is not null) g.Initializer("B", [d, 2 * gh], B, Storage);
        if (P is not null) g.Initializer("P", [d, 3 * HiddenSize], P, Storage);
        long?[] x = Layout == 0 ? [null, null, InputSize] : [null, null, InputSize];
        g.Input("X", x);
        if (withSequenceLens) g.Input("sequence_lens", [null], OnnxGraphWriter.Int32);
        long?[] state = Layout == 0 ? [d, null, HiddenSize] : [null, d, HiddenSize];
        if (withInitialState) g.Input("initial_h", state);
        if (withInitialState && Lstm) g.Input("initial_c", state);
        if (WriteY) g.Output("Y", Layout == 0 ? [null, d, null, HiddenSize] : [null, null, d, HiddenSize]);
        g.Output("Y_h", state);
        if (Lstm) g.Output("Y_c", state);
        return g;
    }
}
