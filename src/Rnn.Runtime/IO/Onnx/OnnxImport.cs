using Rnn.Runtime.Kernels.Int8;

namespace Rnn.Runtime.IO.Onnx;

/// <summary>
/// Picks the recurrent node(s) of an ONNX model and maps them onto the runtime's cells: PyTorch gate order
/// (LSTM i, o, f, c → i, f, g, o; GRU z, r, h → r, z, n), W/R/B split per layer and direction into state_dict tensors.
/// </summary>
internal static class OnnxImport
{
    public const long MinOpset = 7;

    /// <summary>Ops a torch.onnx.export stack puts between one layer's Y and the next layer's X.</summary>
    private static readonly string[] StackGlue = ["Squeeze", "Reshape", "Transpose", "Identity"];

    /// <summary>The import: <paramref name="Tensors"/> in PyTorch's names and layout, and for a quantized LSTM its stored
    /// integers and row scales by weight name (<paramref name="Stored"/>; empty when none).</summary>
    public sealed record Result(RnnArchitecture Architecture, TensorDictionary Tensors, OnnxRecurrentNode[] Layers, OnnxSource Source,
        IReadOnlyDictionary<string, QuantizedWeight> Stored);

    /// <summary>Reads <paramref name="path"/> and the recurrent node named <paramref name="nodeName"/> (or the only one, or a stack).</summary>
    public static Result Load(string path, string? nodeName)
    {
        if (!File.Exists(path)) throw new RnnFormatException($"{path}: no such file.", path);
        long length = new FileInfo(path).Length;
        if (length > Array.MaxLength)
            throw new RnnFormatException($"{path}: {length} bytes, larger than a protobuf ModelProto can be (2 GiB); big weights go in external data files.", path);
        return Read(File.ReadAllBytes(path), path, nodeName);
    }

    /// <summary><see cref="Load"/> over bytes already read; <paramref name="path"/> names them and locates external data.</summary>
    public static Result Read(byte[] bytes, string path, string? nodeName)
    {
        OnnxModelProto model = OnnxModelProto.Parse(bytes, path);
        if (!model.Opsets.TryGetValue("", out long opset))
            throw new RnnFormatException($"{path}: the model imports no opset of the default ONNX domain.", path);
        if (opset < MinOpset)
            throw new RnnFormatException($"{path}: the model uses opset {opset}; the recurrent operators are read from opset {MinOpset} on.", path);

        var recurrent = new List<int>();
        for (int i = 0; i < model.Nodes.Count; i++)
            if (model.Nodes[i] is { OpType: "RNN" or "LSTM" or "GRU", Domain: "" or "ai.onnx" }
                or { OpType: OnnxRecurrentNode.QuantizedLstm, Domain: "com.microsoft" }) recurrent.Add(i);
        if (recurrent.Count == 0)
            throw new RnnFormatException($"{path}: no RNN, LSTM, GRU or com.microsoft.DynamicQuantizeLSTM node in the graph (its operators: {OperatorList(model)}).", path);

        int[] chosen;
        if (nodeName is not null)
        {
            int at = recurrent.FindIndex(i => model.Nodes[i].Name == nodeName);
            if (at < 0)
                throw new RnnFormatException($"{path}: no recurrent node named '{nodeName}' (recurrent nodes: {NodeList(model, recurrent)}).", path, nodeName);
            chosen = [recurrent[at]];
        }
        else if (recurrent.Count == 1) chosen = [recurrent[0]];
        else chosen = FindStack(model, recurrent)
            ?? throw new RnnFormatException($"{path}: the graph has {recurrent.Count} recurrent nodes ({NodeList(model, recurrent)}) that do not form " +
                "one stack: name the one to load (node: / --node).", path);

        var layers = new OnnxRecurrentNode[chosen.Length];
        for (int l = 0; l < chosen.Length; l++)
            layers[l] = OnnxRecurrentNode.Read(model, model.Nodes[chosen[l]], chosen[l], path);
        CheckStackAgrees(layers, path);
        OnnxRecurrentNode first = layers[0];
        bool peepholes = Array.Exists(layers, n => n.P is not null);
        var arch = new RnnArchitecture(first.Cell, first.InputSize, first.HiddenSize, layers.Length, first.Directions == 2, true, "")
        {
            Clip = float.IsFinite(first.Clip) ? first.Clip : null,
            InputForget = first.InputForget,
            Peepholes = peepholes,
            LinearBeforeReset = first.Cell != CellKind.Gru || first.LinearBeforeReset,
        };
        var tensors = new TensorDictionary { SourceName = path };
        var stored = new Dictionary<string, QuantizedWeight>(StringComparer.Ordinal);
        for (int l = 0; l < layers.Length; l++) AddLayer(tensors, stored, arch, l, layers[l]);
        var names = new string[layers.Length];
        for (int l = 0; l < layers.Length; l++) names[l] = layers[l].Node.Name;
        return new Result(arch, tensors, layers, new OnnxSource(path, names, first.Node.OpType, first.Layout, first.Reverse, opset), stored);
    }

    private static readonly int[] LstmPyTorchFromOnnx = [0, 2, 3, 1]; // i, f, g, o  ←  i, o, f, c
    private static readonly int[] GruPyTorchFromOnnx = [1, 0, 2];      // r, z, n     ←  z, r, h
    private static readonly int[] PeepholeFromOnnx = [0, 2, 1];        // i, f, o     ←  i, o, f

    /// <summary>Block order[d] of the ONNX gates becomes PyTorch block d.</summary>
    internal static int[] GateOrder(CellKind cell) => cell switch { CellKind.Lstm => LstmPyTorchFromOnnx, CellKind.Gru => GruPyTorchFromOnnx, _ => [0] };

    private static void AddLayer(TensorDictionary tensors, Dictionary<string, QuantizedWeight> stored, RnnArchitecture arch, int layer, OnnxRecurrentNode n)
    {
        int h = n.HiddenSize, g = arch.GateCount, rows = g * h, inputs = n.InputSize;
        int[] order = GateOrder(n.Cell);
        for (int d = 0; d < n.Directions; d++)
        {
            tensors.Add(arch.WeightIh(layer, d), [rows, inputs], Reorder(n.W.AsSpan(d * rows * inputs, rows * inputs), order, h * inputs));
            tensors.Add(arch.WeightHh(layer, d), [rows, h], Reorder(n.R.AsSpan(d * rows * h, rows * h), order, h * h));
            if (n.StoredW is { } sw) stored.Add(arch.WeightIh(layer, d), StoredDirection(sw, d, rows, inputs, order, h));
            if (n.StoredR is { } sr) stored.Add(arch.WeightHh(layer, d), StoredDirection(sr, d, rows, h, order, h));
            tensors.Add(arch.BiasIh(layer, d), [rows], Reorder(n.B.AsSpan(d * 2 * rows, rows), order, h));
            tensors.Add(arch.BiasHh(layer, d), [rows], Reorder(n.B.AsSpan(d * 2 * rows + rows, rows), order, h));
            if (arch.Peepholes) // ONNX's blocks i, o, f as i, f, o; a layer of a stack without P has zero peepholes
                tensors.Add(arch.WeightPeephole(layer, d), [3 * h],
                    n.P is null ? new float[3 * h] : Reorder(n.P.AsSpan(d * 3 * h, 3 * h), PeepholeFromOnnx, h));
        }
    }

    /// <summary>Direction d of a stored quantized weight (rows × k integers, one scale per row), gates in PyTorch's order.</summary>
    private static QuantizedWeight StoredDirection((sbyte[] Q, float[] RowScales) stored, int d, int rows, int k, int[] order, int h) =>
        new(Reorder<sbyte>(stored.Q.AsSpan(d * rows * k, rows * k), order, h * k), Reorder<float>(stored.RowScales.AsSpan(d * rows, rows), order, h), k);

    private static T[] Reorder<T>(ReadOnlySpan<T> onnx, int[] order, int block)
    {
        var pytorch = new T[onnx.Length];
        for (int d = 0; d < order.Length; d++) onnx.Slice(order[d] * block, block).CopyTo(pytorch.AsSpan(d * block));
        return pytorch;
    }

    /// <summary>
    /// The recurrent nodes as one chain, first layer first, when each one's X is the previous one's Y through only
    /// the reshaping torch.onnx.export writes (Squeeze for one direction; Transpose [0, 2, 1, 3] and Reshape for two);
    /// null when they are not one such chain.
    /// </summary>
    private static int[]? FindStack(OnnxModelProto model, List<int> recurrent)
    {
        var previous = new Dictionary<int, int>();
        foreach (int i in recurrent)
        {
            int? from = TraceToRecurrent(model, model.Nodes[i].Input(0), recurrent);
            if (from is { } p)
            {
                if (previous.ContainsValue(p)) return null; // one Y feeding two layers is not a stack
                previous[i] = p;
            }
        }
        var firsts = recurrent.FindAll(i => !previous.ContainsKey(i));
        if (firsts.Count != 1) return null;
        var chain = new List<int> { firsts[0] };
        while (chain.Count < recurrent.Count)
        {
            int last = chain[^1], next = -1;
            foreach (var (node, p) in previous) if (p == last) next = node;
            if (next < 0) return null;
            chain.Add(next);
        }
        return [.. chain];
    }

    /// <summary>Walks back from <paramref name="name"/> through the stack's glue ops to a recurrent node's Y.</summary>
    private static int? TraceToRecurrent(OnnxModelProto model, string name, List<int> recurrent)
    {
        bool transposed = false;
        for (int hops = 0; hops < 8; hops++)
        {
            int producer = model.Nodes.FindIndex(n => n.Outputs.Contains(name));
            if (producer < 0) return null;
            OnnxNodeProto node = model.Nodes[producer];
            if (recurrent.Contains(producer))
            {
                if (node.Output(0) != name) return null; // Y_h or Y_c is not a sequence
                bool bidirectional = node.Attribute("direction") is { S: "bidirectional" };
                return bidirectional == transposed ? producer : null;
            }
            if (Array.IndexOf(StackGlue, node.OpType) < 0) return null;
            if (node.OpType == "Transpose")
            {
                if (node.Attribute("perm") is not { Ints: [0, 2, 1, 3] } || transposed) return null;
                transposed = true;
            }
            name = node.Input(0);
        }
        return null;
    }

    private static void CheckStackAgrees(OnnxRecurrentNode[] layers, string path)
    {
        OnnxRecurrentNode first = layers[0];
        for (int l = 1; l < layers.Length; l++)
        {
            OnnxRecurrentNode n = layers[l];
            if (n.Cell != first.Cell || n.HiddenSize != first.HiddenSize || n.Directions != first.Directions || n.Reverse || first.Reverse
                || n.Layout != 0 || first.Layout != 0 || n.InputSize != first.Directions * first.HiddenSize
                || !n.Clip.Equals(first.Clip) || n.InputForget != first.InputForget || n.LinearBeforeReset != first.LinearBeforeReset)
                throw new RnnFormatException($"{path}: {first.Label} and {n.Label} are chained but differ in cell, size, direction, layout " +
                    "or attributes, so they cannot run as one stack: name one node to load (node: / --node).", path, n.Node.Name);
        }
    }

    private static string NodeList(OnnxModelProto model, List<int> nodes)
    {
        var parts = new List<string>();
        foreach (int i in nodes) parts.Add(model.Nodes[i].Describe(i));
        return string.Join(", ", parts);
    }

    private static string OperatorList(OnnxModelProto model)
    {
        var ops = new SortedSet<string>(StringComparer.Ordinal);
        foreach (OnnxNodeProto n in model.Nodes) ops.Add(n.OpType);
        return ops.Count == 0 ? "none" : string.Join(", ", ops);
    }
}
