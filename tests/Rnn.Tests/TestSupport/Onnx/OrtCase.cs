using System.Text.Json;
using Rnn.Runtime.IO;
using Rnn.Runtime.IO.Onnx;

namespace Rnn.Tests.TestSupport.Onnx;

/// <summary>
/// One case of tests/onnx-ort (written by tools/OrtCases): an ONNX RNN / LSTM / GRU node on random weights, its inputs
/// and what ONNX Runtime returned for it, as listed in the folder's manifest.json.
/// </summary>
internal sealed record OrtCase
{
    public const string RepositoryFolder = "tests/onnx-ort";

    public required string Name { get; init; }
    public required string Op { get; init; }
    public required string Direction { get; init; }
    public required int Layout { get; init; }
    public required int SeqLen { get; init; }
    public required int Batch { get; init; }
    public required int InputSize { get; init; }
    public required int HiddenSize { get; init; }
    public required bool Bias { get; init; }
    public required bool Peepholes { get; init; }
    public required float? Clip { get; init; }
    public required int? InputForget { get; init; }
    public required int? LinearBeforeReset { get; init; }
    public required string[]? Activations { get; init; }
    public required int[]? SequenceLens { get; init; }
    public required string[] Inputs { get; init; }
    public required string[] Outputs { get; init; }
    /// <summary>Cell variants beyond PyTorch's cells: peepholes, input_forget, clip, linear_before_reset=0.</summary>
    public required string[] Variants { get; init; }
    public required double Atol { get; init; }
    public required double Rtol { get; init; }

    public string Folder => Path.Combine(Root, Name);
    public string ModelPath => Path.Combine(Folder, "model.onnx");
    public int Directions => Direction == "bidirectional" ? 2 : 1;

    /// <summary>An input or output tensor of the node (X, initial_h, initial_c, Y, Y_h, Y_c), or null when the case has none.</summary>
    public float[]? Tensor(string onnxName)
    {
        string path = Path.Combine(Folder, onnxName + ".npy");
        return File.Exists(path) ? Npy.Read(path).Data : null;
    }

    /// <summary>The node with its initializers, for <see cref="OnnxReference"/>.</summary>
    public OnnxNodeSpec Spec()
    {
        byte[] bytes = File.ReadAllBytes(ModelPath);
        OnnxModelProto model = OnnxModelProto.Parse(bytes, ModelPath);
        float[]? Initializer(string name)
            => model.Initializers.TryGetValue(name, out OnnxTensorProto? t) ? OnnxTensorData.ReadFloats(t, model, ModelPath) : null;
        return new OnnxNodeSpec
        {
            OpType = Op, InputSize = InputSize, HiddenSize = HiddenSize, Direction = Direction, Layout = Layout, Clip = Clip,
            InputForget = InputForget, LinearBeforeReset = LinearBeforeReset, Activations = Activations,
            W = Initializer("W")!, R = Initializer("R")!, B = Initializer("B"), P = Initializer("P"),
        };
    }

    private static readonly Lazy<string> s_root = new(() =>
    {
        string repo = GoldenData.FindRepoRoot() ?? throw new InvalidOperationException($"no Rnn.slnx above {AppContext.BaseDirectory}");
        return Path.Combine(repo, RepositoryFolder);
    });

    public static string Root => s_root.Value;

    private static readonly Lazy<IReadOnlyList<OrtCase>> s_all = new(ReadManifest);

    public static IReadOnlyList<OrtCase> All => s_all.Value;

    public static OrtCase Named(string name)
    {
        foreach (OrtCase c in All) if (c.Name == name) return c;
        throw new ArgumentException($"no case '{name}' in {Root}/manifest.json");
    }

    /// <summary>For <c>[MemberData]</c>: every case name.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (OrtCase c in All) data.Add(c.Name);
        return data;
    }

    private static IReadOnlyList<OrtCase> ReadManifest()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Root, "manifest.json")));
        JsonElement root = doc.RootElement;
        double atol = root.GetProperty("atol").GetDouble(), rtol = root.GetProperty("rtol").GetDouble();
        var cases = new List<OrtCase>();
        foreach (JsonElement c in root.GetProperty("cases").EnumerateArray())
        {
            cases.Add(new OrtCase
            {
                Name = c.GetProperty("name").GetString()!,
                Op = c.GetProperty("op").GetString()!,
                Direction = c.GetProperty("direction").GetString()!,
                Layout = c.GetProperty("layout").GetInt32(),
                SeqLen = c.GetProperty("seq_len").GetInt32(),
                Batch = c.GetProperty("batch").GetInt32(),
                InputSize = c.GetProperty("input_size").GetInt32(),
                HiddenSize = c.GetProperty("hidden_size").GetInt32(),
                Bias = c.GetProperty("bias").GetBoolean(),
                Peepholes = c.GetProperty("peepholes").GetBoolean(),
                Clip = c.GetProperty("clip") is { ValueKind: JsonValueKind.Number } clip ? clip.GetSingle() : null,
                InputForget = c.TryGetProperty("input_forget", out JsonElement f) ? f.GetInt32() : null,
                LinearBeforeReset = c.TryGetProperty("linear_before_reset", out JsonElement l) ? l.GetInt32() : null,
                Activations = c.TryGetProperty("activations", out JsonElement a) ? Strings(a) : null,
                SequenceLens = c.GetProperty("sequence_lens") is { ValueKind: JsonValueKind.Array } lens ? Ints(lens) : null,
                Inputs = Strings(c.GetProperty("inputs")),
                Outputs = Strings(c.GetProperty("outputs")),
                Variants = Strings(c.GetProperty("variants")),
                Atol = atol,
                Rtol = rtol,
            });
        }
        return cases;
    }

    private static string[] Strings(JsonElement array)
    {
        var s = new string[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement e in array.EnumerateArray()) s[i++] = e.GetString()!;
        return s;
    }

    private static int[] Ints(JsonElement array)
    {
        var s = new int[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement e in array.EnumerateArray()) s[i++] = e.GetInt32();
        return s;
    }
}
