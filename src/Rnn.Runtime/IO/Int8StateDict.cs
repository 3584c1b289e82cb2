using Rnn.Runtime.Kernels.Int8;

namespace Rnn.Runtime.IO;

/// <summary>
/// int8 recurrent weights in a safetensors state_dict: weight_ih_l{k}[_reverse] and weight_hh_l{k}[_reverse] stored as
/// I8 (the usual shape, G·H rows), each beside "{name}_scale", one float per row ((G·H) or (G·H, 1); F32, F16 or BF16,
/// finite and ≥ 0), meaning w = scale[row] · q[row, k]: the symmetric per-output-channel scheme of compressed-tensors
/// and of this runtime's own int8 weights. Biases stay float. Either weight of a layer may be I8 or float on its own.
/// </summary>
internal static class Int8StateDict
{
    /// <summary>What a weight's name gets to name its scales.</summary>
    public const string ScaleSuffix = "_scale";

    /// <summary>Whether <paramref name="name"/> is an I8 tensor of <paramref name="source"/>.</summary>
    public static bool IsInt8(ITensorSource source, string name) => source is IInt8TensorSource int8 && int8.IsInt8(name);

    /// <summary>
    /// For an I8 weight of <paramref name="rows"/> rows: checks its scale tensor's presence and shape and returns its
    /// name; null for a float weight.
    /// </summary>
    public static string? ExpectScale(ITensorSource source, string weight, int rows)
    {
        if (!IsInt8(source, weight)) return null;
        string src = source.SourceName, scale = weight + ScaleSuffix;
        if (!source.TryGetShape(scale, out int[] shape))
            throw new RnnFormatException(
                $"{src}: tensor '{weight}' is I8, but '{scale}' is missing: an int8 weight needs one float scale per row, shape ({rows},).", src, scale);
        if (!(shape.Length == 1 && shape[0] == rows) && !(shape.Length == 2 && shape[0] == rows && shape[1] == 1))
            throw new RnnFormatException(
                $"{src}: tensor '{scale}' has shape {PyTorchStateDict.Show(shape)}, expected ({rows},) or ({rows}, 1): one scale per row of '{weight}'.", src, scale);
        return scale;
    }

    /// <summary>
    /// Reads weight <paramref name="name"/> (rows × k) into <paramref name="values"/> as float32, checked finite. An I8
    /// weight is dequantized (scale · q, in float) and its q and scales are returned for the int8 products; a float
    /// weight returns null.
    /// </summary>
    public static QuantizedWeight? Read(ITensorSource source, string name, int rows, int k, Span<float> values)
    {
        if (!IsInt8(source, name))
        {
            FiniteCheck.Read(source, name, values);
            return null;
        }
        string src = source.SourceName, scaleName = ExpectScale(source, name, rows)!;
        var scales = new float[rows];
        FiniteCheck.Read(source, scaleName, scales);
        for (int n = 0; n < rows; n++)
            if (scales[n] < 0)
                throw new RnnFormatException($"{src}: tensor '{scaleName}' holds {scales[n]} at row {n}: scales must be ≥ 0.", src, scaleName);
        var q = new sbyte[(long)rows * k];
        ((IInt8TensorSource)source).ReadInt8(name, q);
        for (int n = 0; n < rows; n++)
        {
            float scale = scales[n];
            for (int j = 0; j < k; j++) values[n * k + j] = scale * q[n * k + j];
        }
        return new QuantizedWeight(q, scales, k);
    }

    /// <summary>
    /// The tensors of <paramref name="source"/> with the recurrent module's float weights quantized (I8 plus
    /// "{name}_scale", by the rule an int8 stream of the float model applies at load, so the file runs with the same
    /// bits); every other tensor is copied as stored, and a weight already I8 stays as it is.
    /// </summary>
    public static SafeTensorsWriter Quantize(ITensorSource source, string? prefix, out RnnArchitecture arch, out int quantized)
    {
        arch = PyTorchStateDict.Infer(source, null, prefix);
        var weights = new HashSet<string>(StringComparer.Ordinal);
        for (int l = 0; l < arch.NumLayers; l++)
            for (int d = 0; d < arch.Directions; d++)
            {
                weights.Add(arch.WeightIh(l, d));
                weights.Add(arch.WeightHh(l, d));
            }
        var writer = new SafeTensorsWriter();
        quantized = 0;
        foreach (string name in source.Names)
        {
            if (!source.TryGetShape(name, out int[] shape))
                throw new RnnFormatException($"'{source.SourceName}' lists tensor '{name}' but has no shape for it.", source.SourceName, name);
            if (!weights.Contains(name) || IsInt8(source, name))
            {
                writer.Copy(source, name, shape);
                continue;
            }
            int rows = shape[0], k = shape[1];
            var values = new float[(long)rows * k];
            FiniteCheck.Read(source, name, values);
            QuantizedWeight q = QuantizedWeight.Quantize(values, rows, k);
            writer.Add(name, shape, q.Values);
            writer.Add(name + ScaleSuffix, [rows], q.Scales);
            quantized++;
        }
        return writer;
    }
}
