namespace Rnn.Runtime.IO.Onnx;

/// <summary>
/// One ONNX RNN / LSTM / GRU node read and checked: attributes, and W, R, B, P as float32 in ONNX's layout and gate
/// order (LSTM i, o, f, c; GRU z, r, h). <see cref="OnnxImport"/> maps them onto the runtime's cells.
/// </summary>
internal sealed class OnnxRecurrentNode
{
    public required OnnxNodeProto Node { get; init; }
    public required string Label { get; init; }
    public required CellKind Cell { get; init; }
    public required int HiddenSize { get; init; }
    public required int InputSize { get; init; }
    public required int Directions { get; init; }
    /// <summary>direction = "reverse": one direction, reading the sequence from its end.</summary>
    public required bool Reverse { get; init; }
    public required int Layout { get; init; }
    /// <summary>The clip attribute, or +∞ when absent.</summary>
    public required float Clip { get; init; }
    public required bool InputForget { get; init; }
    public required bool LinearBeforeReset { get; init; }
    /// <summary>(D, G·H, I), (D, G·H, H), (D, 2·G·H) — B zeros when omitted —, and P (D, 3·H) or null when omitted or all zero.</summary>
    public required float[] W { get; init; }
    public required float[] R { get; init; }
    public required float[] B { get; init; }
    public required float[]? P { get; init; }

    /// <summary>A quantized LSTM's W and R as stored integers (q − zero point, LSTM's layout (D, 4H, K), ONNX's gate
    /// order) with one scale per row (D·4H), when every such difference fits a signed byte; null otherwise, or for
    /// a float node.</summary>
    public (sbyte[] Q, float[] RowScales)? StoredW { get; init; }

    /// <inheritdoc cref="StoredW"/>
    public (sbyte[] Q, float[] RowScales)? StoredR { get; init; }

    private static readonly string[] KnownAttributes =
        ["hidden_size", "direction", "layout", "clip", "activations", "activation_alpha", "activation_beta", "input_forget", "linear_before_reset"];

    /// <summary>Reads and checks <paramref name="node"/> (at position <paramref name="index"/> in the graph).</summary>
    public static OnnxRecurrentNode Read(OnnxModelProto model, OnnxNodeProto node, int index, string path)
    {
        string label = node.Describe(index);
        string at = $"{path}: {label}";
        bool quantized = node.OpType == QuantizedLstm;
        CellKind baseCell = node.OpType switch { "LSTM" or QuantizedLstm => CellKind.Lstm, "GRU" => CellKind.Gru, _ => CellKind.RnnTanh };
        int gates = baseCell.GateCount();
        foreach (OnnxAttributeProto a in node.Attributes)
        {
            if (Array.IndexOf(KnownAttributes, a.Name) < 0 || (a.Name == "input_forget" && baseCell != CellKind.Lstm)
                || (a.Name == "linear_before_reset" && baseCell != CellKind.Gru))
                throw new RnnFormatException($"{at} has attribute '{a.Name}', which a {node.OpType} does not define.", path, node.Name);
        }

        string direction = StringAttribute(node, "direction", "forward", at, path);
        int directions = direction switch
        {
            "forward" or "reverse" => 1,
            "bidirectional" => 2,
            _ => throw new RnnFormatException($"{at} has direction '{direction}', expected forward, reverse or bidirectional.", path, node.Name),
        };
        long layout = IntAttribute(node, "layout", 0, at, path);
        if (layout is not (0 or 1)) throw new RnnFormatException($"{at} has layout {layout}, expected 0 or 1.", path, node.Name);
        float clip = float.PositiveInfinity;
        if (node.Attribute("clip") is { } clipAttribute)
        {
            if (clipAttribute.EffectiveType != OnnxAttributeProto.TypeFloat)
                throw new RnnFormatException($"{at}: attribute 'clip' is not a float.", path, node.Name);
            clip = clipAttribute.F;
            if (!(clip > 0)) throw new RnnFormatException($"{at} has clip {clip}, expected a threshold > 0.", path, node.Name);
        }
        long inputForget = IntAttribute(node, "input_forget", 0, at, path);
        long linearBeforeReset = IntAttribute(node, "linear_before_reset", 0, at, path);
        if (inputForget is not (0 or 1) || linearBeforeReset is not (0 or 1))
            throw new RnnFormatException($"{at} has input_forget {inputForget} / linear_before_reset {linearBeforeReset}, expected 0 or 1.", path, node.Name);
        CellKind cell = CheckActivations(node, baseCell, directions, at, path);
        if (node.Attribute("activation_alpha") is not null || node.Attribute("activation_beta") is not null)
            throw new RnnFormatException($"{at} has activation_alpha/activation_beta, which only parameterised activations use; " +
                "this runtime supports the default activations only.", path, node.Name);

        string xName = node.Input(0);
        if (xName.Length == 0) throw new RnnFormatException($"{at} has no input X.", path, node.Name);
        List<long> wDims, rDims;
        float[] w, r;
        (sbyte[], float[])? storedW = null, storedR = null;
        if (quantized)
        {
            r = QuantizedWeight(model, node, 2, "R", directions, at, path, out rDims, hiddenFromR: true, 0, out storedR);
            int quantizedHidden = (int)(rDims[1] / 4);
            long declared = IntAttribute(node, "hidden_size", quantizedHidden, at, path);
            if (declared != quantizedHidden)
                throw new RnnFormatException($"{at} has hidden_size {declared}, but R '{node.Input(2)}' has dims ({directions}, {quantizedHidden}, " +
                    $"{4 * quantizedHidden}): hidden_size {quantizedHidden} ({node.OpType} stores R as (num_directions, hidden_size, 4*hidden_size)).",
                    path, node.Name);
            w = QuantizedWeight(model, node, 1, "W", directions, at, path, out wDims, hiddenFromR: false, quantizedHidden, out storedW);
        }
        else
        {
            w = Weight(model, node, 1, "W", at, path, out wDims);
            r = Weight(model, node, 2, "R", at, path, out rDims);
        }
        if (rDims.Count != 3 || wDims.Count != 3)
            throw new RnnFormatException($"{at}: W has dims {OnnxTensorData.Show(wDims)} and R {OnnxTensorData.Show(rDims)}, expected 3 dimensions each " +
                "(num_directions, gates*hidden_size, input_size / hidden_size).", path, node.Input(rDims.Count != 3 ? 2 : 1));
        long hidden = IntAttribute(node, "hidden_size", rDims[2], at, path);
        if (hidden <= 0 || hidden > int.MaxValue / 4)
            throw new RnnFormatException($"{at} has hidden_size {hidden}, expected a positive size.", path, node.Name);
        int h = (int)hidden;
        if (rDims[0] != directions || rDims[1] != gates * hidden || rDims[2] != hidden)
            throw new RnnFormatException($"{at}: R '{node.Input(2)}' has dims {OnnxTensorData.Show(rDims)}, but hidden_size {hidden} and direction " +
                $"'{direction}' need ({directions}, {gates * hidden}, {hidden}).", path, node.Input(2));
        if (wDims[0] != directions || wDims[1] != gates * hidden || wDims[2] <= 0)
            throw new RnnFormatException($"{at}: W '{node.Input(1)}' has dims {OnnxTensorData.Show(wDims)}, but hidden_size {hidden} and direction " +
                $"'{direction}' need ({directions}, {gates * hidden}, input_size).", path, node.Input(1));
        int inputSize = (int)wDims[2];

        float[] b = new float[directions * 2 * gates * h];
        if (node.Input(3).Length > 0)
        {
            b = Weight(model, node, 3, "B", at, path, out List<long> bDims);
            if (bDims.Count != 2 || bDims[0] != directions || bDims[1] != 2 * gates * hidden)
                throw new RnnFormatException($"{at}: B '{node.Input(3)}' has dims {OnnxTensorData.Show(bDims)}, expected ({directions}, {2 * gates * hidden}).", path, node.Input(3));
        }
        float[]? p = null;
        if (baseCell == CellKind.Lstm && node.Input(7).Length > 0)
        {
            p = Weight(model, node, 7, "P", at, path, out List<long> pDims);
            if (pDims.Count != 2 || pDims[0] != directions || pDims[1] != 3 * hidden)
                throw new RnnFormatException($"{at}: P '{node.Input(7)}' has dims {OnnxTensorData.Show(pDims)}, expected ({directions}, {3 * hidden}).", path, node.Input(7));
            if (Array.TrueForAll(p, v => v == 0)) p = null; // all-zero peepholes change nothing
        }
        CheckStateInitializer(model, node, 4, "sequence_lens", at, path);
        CheckStateInitializer(model, node, 5, "initial_h", at, path);
        if (baseCell == CellKind.Lstm) CheckStateInitializer(model, node, 6, "initial_c", at, path);

        return new OnnxRecurrentNode
        {
            Node = node, Label = label, Cell = cell, HiddenSize = h, InputSize = inputSize, Directions = directions,
            Reverse = direction == "reverse", Layout = (int)layout, Clip = clip, InputForget = inputForget == 1,
            LinearBeforeReset = linearBeforeReset == 1, W = w, R = r, B = b, P = p, StoredW = storedW, StoredR = storedR,
        };
    }

    /// <summary>Default activations only; for RNN, Tanh or Relu (the same in both directions) picks the cell.</summary>
    private static CellKind CheckActivations(OnnxNodeProto node, CellKind cell, int directions, string at, string path)
    {
        OnnxAttributeProto? attribute = node.Attribute("activations");
        if (attribute is null) return cell;
        List<string> names = attribute.Strings;
        string[] expected = cell switch { CellKind.Lstm => ["Sigmoid", "Tanh", "Tanh"], CellKind.Gru => ["Sigmoid", "Tanh"], _ => ["Tanh"] };
        if (names.Count != expected.Length * directions)
            throw new RnnFormatException($"{at} lists {names.Count} activations ({string.Join(", ", names)}), expected {expected.Length * directions} " +
                $"({expected.Length} per direction).", path, node.Name);
        if (cell == CellKind.RnnTanh)
        {
            bool relu = names[0].Equals("Relu", StringComparison.OrdinalIgnoreCase);
            foreach (string name in names)
            {
                bool ok = relu ? name.Equals("Relu", StringComparison.OrdinalIgnoreCase) : name.Equals("Tanh", StringComparison.OrdinalIgnoreCase);
                if (!ok)
                    throw new RnnFormatException(relu || name.Equals("Relu", StringComparison.OrdinalIgnoreCase) || name.Equals("Tanh", StringComparison.OrdinalIgnoreCase)
                        ? $"{at} has activations {string.Join(", ", names)}: both directions must use the same one."
                        : $"{at} has activation '{name}', which is not supported: an RNN node may use Tanh or Relu.", path, node.Name);
            }
            return relu ? CellKind.RnnRelu : CellKind.RnnTanh;
        }
        for (int i = 0; i < names.Count; i++)
        {
            string want = expected[i % expected.Length];
            if (!names[i].Equals(want, StringComparison.OrdinalIgnoreCase))
                throw new RnnFormatException($"{at} has activation '{names[i]}' where {node.OpType}'s default is {want}: only the default activations " +
                    $"({string.Join(", ", expected)}) are supported.", path, node.Name);
        }
        return cell;
    }

    private static string StringAttribute(OnnxNodeProto node, string name, string fallback, string at, string path)
    {
        OnnxAttributeProto? a = node.Attribute(name);
        if (a is null) return fallback;
        if (a.EffectiveType != OnnxAttributeProto.TypeString) throw new RnnFormatException($"{at}: attribute '{name}' is not a string.", path, node.Name);
        return a.S;
    }

    private static long IntAttribute(OnnxNodeProto node, string name, long fallback, string at, string path)
    {
        OnnxAttributeProto? a = node.Attribute(name);
        if (a is null) return fallback;
        if (a.EffectiveType != OnnxAttributeProto.TypeInt) throw new RnnFormatException($"{at}: attribute '{name}' is not an int.", path, node.Name);
        return a.I;
    }

    /// <summary>A weight input: an initializer (or a Constant node's value), never computed by another operator.</summary>
    private static float[] Weight(OnnxModelProto model, OnnxNodeProto node, int position, string role, string at, string path, out List<long> dims)
    {
        OnnxTensorProto tensor = StoredWeight(model, node, position, role, at, path);
        string name = node.Input(position);
        dims = tensor.Dims;
        float[] values = OnnxTensorData.ReadFloats(tensor, model, path);
        FiniteCheck.Ensure(values, path, name);
        return values;
    }

    /// <summary>The stored tensor of a required weight input (W, R, B, P, and a quantized weight's scale and zero point,
    /// which <paramref name="requiredBy"/> names): refused when absent or a graph input.</summary>
    private static OnnxTensorProto StoredWeight(OnnxModelProto model, OnnxNodeProto node, int position, string role, string at, string path,
        string? requiredBy = null)
    {
        string name = node.Input(position);
        if (name.Length == 0)
            throw new RnnFormatException(requiredBy is null ? $"{at} has no input {role} (required)." : $"{at} has no {role} (required by {requiredBy}).",
                path, node.Name);
        return Constant(model, name, role, at, path)
            ?? throw new RnnFormatException($"{at}: input {role} '{name}' is a graph input with no initializer: " +
                "the weights must be stored in the model.", path, name);
    }

    /// <summary>ONNX Runtime's quantized LSTM (domain com.microsoft): an LSTM whose W and R are int8 or uint8 with scales
    /// and zero points.</summary>
    internal const string QuantizedLstm = "DynamicQuantizeLSTM";

    /// <summary>
    /// A <see cref="QuantizedLstm"/> weight: W (D, input_size, 4H) or R (D, H, 4H), INT8 or UINT8, transposed against
    /// LSTM's W and R, with its scale (input 8 / 10: (D) or (D, 4H), FLOAT) and zero point (9 / 11: the same shape, the
    /// weight's type). Returns w = scale · (q − zero point) in LSTM's layout (D, 4H, K), and those dims; and, when
    /// every q − zero point fits a signed byte, those integers in the same layout with one scale per row (an int8 run then
    /// multiplies by ONNX Runtime's own integers instead of quantizing w again).
    /// </summary>
    private static float[] QuantizedWeight(OnnxModelProto model, OnnxNodeProto node, int position, string role, int directions, string at, string path,
        out List<long> dims, bool hiddenFromR, int hidden, out (sbyte[], float[])? integersAndScales)
    {
        int scalePosition = position == 1 ? 8 : 10, zeroPosition = scalePosition + 1;
        OnnxTensorProto tensor = StoredWeight(model, node, position, role, at, path);
        string name = node.Input(position);
        List<long> stored = tensor.Dims;
        if (hiddenFromR && stored.Count == 3) hidden = (int)Math.Clamp(stored[1], 0, int.MaxValue / 4);
        long gates = 4L * hidden;
        string want = hiddenFromR ? $"({directions}, hidden_size, 4*hidden_size)" : $"({directions}, input_size, {gates})";
        if (stored.Count != 3 || stored[0] != directions || stored[2] != gates || stored[1] <= 0 || (hiddenFromR && hidden <= 0))
            throw new RnnFormatException($"{at}: {role} '{name}' has dims {OnnxTensorData.Show(stored)}, expected {want} ({node.OpType} stores W and R transposed).",
                path, name);
        int k = (int)stored[1];
        int[] q = OnnxTensorData.ReadBytes(tensor, model, path);

        string scaleName = node.Input(scalePosition), zeroName = node.Input(zeroPosition);
        string scaleRole = role + "_scale", zeroRole = role + "_zero_point";
        OnnxTensorProto scaleTensor = StoredWeight(model, node, scalePosition, scaleRole, at, path, requiredBy: node.OpType);
        OnnxTensorProto zeroTensor = StoredWeight(model, node, zeroPosition, zeroRole, at, path, requiredBy: node.OpType);
        bool perColumn = scaleTensor.Dims.Count == 2;
        if (!(scaleTensor.Dims.Count == 1 && scaleTensor.Dims[0] == directions) && !(perColumn && scaleTensor.Dims[0] == directions && scaleTensor.Dims[1] == gates))
            throw new RnnFormatException($"{at}: {scaleRole} '{scaleName}' has dims {OnnxTensorData.Show(scaleTensor.Dims)}, expected ({directions}) or ({directions}, {gates}).",
                path, scaleName);
        if (!zeroTensor.Dims.SequenceEqual(scaleTensor.Dims))
            throw new RnnFormatException($"{at}: {zeroRole} '{zeroName}' has dims {OnnxTensorData.Show(zeroTensor.Dims)}, but {scaleRole} has " +
                $"{OnnxTensorData.Show(scaleTensor.Dims)}: they must match.", path, zeroName);
        if (zeroTensor.DataType != tensor.DataType)
            throw new RnnFormatException($"{at}: {zeroRole} '{zeroName}' is {OnnxTensorProto.TypeName(zeroTensor.DataType)}, but {role} is " +
                $"{OnnxTensorProto.TypeName(tensor.DataType)}: they must match.", path, zeroName);
        float[] scale = OnnxTensorData.ReadFloats(scaleTensor, model, path);
        FiniteCheck.Ensure(scale, path, scaleName);
        int[] zero = OnnxTensorData.ReadBytes(zeroTensor, model, path);

        var values = new float[(long)directions * gates * k];
        var integers = new sbyte[values.Length];
        bool fits = true;
        for (int d = 0; d < directions; d++)
            for (int kk = 0; kk < k; kk++)
                for (int n = 0; n < gates; n++)
                {
                    int s = perColumn ? d * (int)gates + n : d;
                    int centred = q[((long)d * k + kk) * gates + n] - zero[s];
                    long index = ((long)d * gates + n) * k + kk;
                    values[index] = scale[s] * centred;
                    fits &= centred is >= sbyte.MinValue and <= sbyte.MaxValue;
                    integers[index] = (sbyte)centred;
                }
        var rowScales = new float[directions * gates];
        for (int i = 0; i < rowScales.Length; i++) rowScales[i] = perColumn ? scale[i] : scale[i / (int)gates];
        integersAndScales = fits && Array.TrueForAll(scale, v => v >= 0) ? (integers, rowScales) : null;
        dims = [directions, gates, k];
        return values;
    }

    /// <summary>The stored value of <paramref name="name"/> (initializer or Constant node), null for a graph input;
    /// an error naming the operator when another node computes it (other operators are not run).</summary>
    internal static OnnxTensorProto? Constant(OnnxModelProto model, string name, string role, string at, string path)
    {
        if (model.Initializers.TryGetValue(name, out OnnxTensorProto? tensor)) return tensor;
        for (int i = 0; i < model.Nodes.Count; i++)
        {
            OnnxNodeProto producer = model.Nodes[i];
            if (!producer.Outputs.Contains(name)) continue;
            if (producer.OpType == "Constant" && producer.Attribute("value") is { T: { } value }) return value;
            throw new RnnFormatException($"{at}: input {role} '{name}' is computed by {producer.Describe(i)}; " +
                "this runtime runs only the recurrent node, not other operators.", path, name);
        }
        if (model.Inputs.Contains(name)) return null;
        throw new RnnFormatException($"{at}: input {role} '{name}' is missing: no initializer, graph input or node output has that name.", path, name);
    }

    /// <summary>sequence_lens, initial_h and initial_c are the caller's to give at run time: a stored value is accepted
    /// only when it changes nothing (zero initial states).</summary>
    private static void CheckStateInitializer(OnnxModelProto model, OnnxNodeProto node, int position, string role, string at, string path)
    {
        string name = node.Input(position);
        if (name.Length == 0) return;
        OnnxTensorProto? stored = Constant(model, name, role, at, path);
        if (stored is null) return;
        if (role != "sequence_lens" && Array.TrueForAll(OnnxTensorData.ReadFloats(stored, model, path), v => v == 0)) return;
        throw new RnnFormatException($"{at}: input {role} '{name}' is stored in the model; only zero initial states can be: " +
            "give it at run time instead (the CLI's --lengths, --h0, --c0).", path, name);
    }
}
