namespace Rnn.Runtime.IO;

/// <summary>
/// Reads the structure of a PyTorch recurrent module from its state_dict names and shapes:
/// weight_ih_l{k}[_reverse] (G·H, I_k), weight_hh_l{k}[_reverse] (G·H, H), bias_ih_l{k}, bias_hh_l{k} (G·H),
/// optionally under a prefix such as "rnn." or "encoder.lstm.".
/// </summary>
internal static class PyTorchStateDict
{
    private const string FirstWeight = "weight_ih_l0";

    /// <summary>PyTorch's name for a recurrent tensor: {prefix}{kind}_l{layer}, plus "_reverse" for direction 1.</summary>
    public static string Name(string prefix, string kind, int layer, int direction) =>
        direction == 0 ? $"{prefix}{kind}_l{layer}" : $"{prefix}{kind}_l{layer}_reverse";

    /// <summary>
    /// Infers cell kind, sizes, layer count and directions. The cell kind follows from G = rows / hidden
    /// (4 LSTM, 3 GRU, 1 Elman); for G = 1 the nonlinearity cannot be seen in the weights, so it is
    /// <paramref name="cell"/> if given, else tanh (PyTorch's default).
    /// </summary>
    public static RnnArchitecture Infer(ITensorSource source, CellKind? cell = null, string? prefix = null)
    {
        string src = source.SourceName;
        prefix ??= FindPrefix(source);
        string wih0 = prefix + FirstWeight, whh0 = prefix + "weight_hh_l0";
        if (!source.TryGetShape(wih0, out int[] wihShape))
            throw new RnnFormatException($"{src}: no tensor '{wih0}': not a PyTorch RNN/LSTM/GRU state_dict with prefix '{prefix}'.", src, wih0);
        if (!source.TryGetShape(whh0, out int[] whhShape))
            throw new RnnFormatException($"{src}: tensor '{whh0}' is missing.", src, whh0);
        if (whhShape.Length != 2)
            throw new RnnFormatException($"{src}: tensor '{whh0}' has shape {Show(whhShape)}, expected 2 dimensions (G*hidden, hidden).", src, whh0);
        if (source.TryGetShape(prefix + "weight_hr_l0", out _))
            throw new RnnFormatException($"{src}: tensor '{prefix}weight_hr_l0' means an LSTM with proj_size, which is not supported.", src, prefix + "weight_hr_l0");

        int hidden = whhShape[1];
        if (hidden <= 0 || whhShape[0] % hidden != 0)
            throw new RnnFormatException($"{src}: tensor '{whh0}' has shape {Show(whhShape)}: rows must be 1, 3 or 4 times the hidden size {hidden}.", src, whh0);
        int gates = whhShape[0] / hidden;
        CellKind inferred = gates switch
        {
            4 => CellKind.Lstm,
            3 => CellKind.Gru,
            1 => cell is CellKind.RnnRelu ? CellKind.RnnRelu : CellKind.RnnTanh,
            _ => throw new RnnFormatException(
                $"{src}: tensor '{whh0}' has shape {Show(whhShape)}: {gates} x hidden rows fits no cell (LSTM 4, GRU 3, RNN 1).", src, whh0),
        };
        if (cell is { } wanted && wanted != inferred)
            throw new RnnFormatException(
                $"{src}: the weights cannot be a {wanted.ToName()} cell: '{whh0}' has shape {Show(whhShape)}, " +
                $"i.e. {gates} gate blocks of hidden {hidden}, which is a {inferred.ToName()} (a {wanted.ToName()} has {wanted.GateCount()}).", src, whh0);
        if (wihShape.Length != 2 || wihShape[0] != whhShape[0] || wihShape[1] <= 0)
            throw new RnnFormatException($"{src}: tensor '{wih0}' has shape {Show(wihShape)}, expected ({whhShape[0]}, input_size) with input_size >= 1.", src, wih0);

        int layers = 0;
        while (source.TryGetShape(Name(prefix, "weight_ih", layers, 0), out _)) layers++;
        bool bidirectional = source.TryGetShape(Name(prefix, "weight_ih", 0, 1), out _);
        bool hasBias = source.TryGetShape(prefix + "bias_ih_l0", out _) || source.TryGetShape(prefix + "bias_hh_l0", out _);
        var arch = new RnnArchitecture(inferred, wihShape[1], hidden, layers, bidirectional, hasBias, prefix);
        Validate(source, arch);
        return arch;
    }

    /// <summary>Every tensor the architecture needs exists with its exact shape, and nothing else sits under the prefix.</summary>
    public static void Validate(ITensorSource source, RnnArchitecture arch)
    {
        string src = source.SourceName;
        int rows = arch.GateCount * arch.HiddenSize;
        var expected = new HashSet<string>(StringComparer.Ordinal);
        for (int l = 0; l < arch.NumLayers; l++)
            for (int d = 0; d < arch.Directions; d++)
            {
                Expect(source, arch.WeightIh(l, d), [rows, arch.LayerInputSize(l)], expected);
                Expect(source, arch.WeightHh(l, d), [rows, arch.HiddenSize], expected);
                // An I8 weight brings its row scales (Int8StateDict).
                if (Int8StateDict.ExpectScale(source, arch.WeightIh(l, d), rows) is { } ihScale) expected.Add(ihScale);
                if (Int8StateDict.ExpectScale(source, arch.WeightHh(l, d), rows) is { } hhScale) expected.Add(hhScale);
                if (arch.HasBias)
                {
                    Expect(source, arch.BiasIh(l, d), [rows], expected);
                    Expect(source, arch.BiasHh(l, d), [rows], expected);
                }
            }
        foreach (string name in source.Names)
        {
            if (!name.StartsWith(arch.Prefix, StringComparison.Ordinal) || expected.Contains(name)) continue;
            string rest = name.Substring(arch.Prefix.Length);
            // Only names that look like recurrent parameters belong to this module; a prefix-less file may hold other layers too.
            if (arch.Prefix.Length > 0 || rest.StartsWith("weight_", StringComparison.Ordinal) || rest.StartsWith("bias_", StringComparison.Ordinal))
                throw new RnnFormatException(
                    $"{src}: unexpected tensor '{name}' for a {arch.NumLayers}-layer {(arch.Bidirectional ? "bidirectional " : "")}{arch.Cell.ToName()} " +
                    $"(input {arch.InputSize}, hidden {arch.HiddenSize}): an extra weight, or layers/directions that do not line up.", src, name);
        }
    }

    private static void Expect(ITensorSource source, string name, int[] shape, HashSet<string> expected)
    {
        expected.Add(name);
        if (!source.TryGetShape(name, out int[] actual))
            throw new RnnFormatException($"{source.SourceName}: missing tensor '{name}' (expected shape {Show(shape)}).", source.SourceName, name);
        if (!actual.AsSpan().SequenceEqual(shape))
            throw new RnnFormatException(
                $"{source.SourceName}: tensor '{name}' has shape {Show(actual)}, expected {Show(shape)}.", source.SourceName, name);
    }

    private static string FindPrefix(ITensorSource source)
    {
        string? found = null;
        foreach (string name in source.Names)
        {
            if (!name.EndsWith(FirstWeight, StringComparison.Ordinal)) continue;
            string prefix = name.Substring(0, name.Length - FirstWeight.Length);
            if (prefix.Length > 0 && prefix[^1] != '.') continue;
            if (found is not null)
                throw new RnnFormatException(
                    $"{source.SourceName}: holds more than one recurrent module ('{found}' and '{prefix}'); say which with a prefix.", source.SourceName);
            found = prefix;
        }
        return found ?? throw new RnnFormatException(
            $"{source.SourceName}: no tensor named '*{FirstWeight}': not a PyTorch RNN/LSTM/GRU state_dict.", source.SourceName);
    }

    /// <summary>A shape as PyTorch prints it: "(2, 3)", "(5,)".</summary>
    public static string Show(ReadOnlySpan<int> shape) => TensorShapes.FormatTuple(shape);
}
