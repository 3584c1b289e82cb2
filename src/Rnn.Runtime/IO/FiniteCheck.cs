namespace Rnn.Runtime.IO;

/// <summary>Rejects NaN or infinity in loaded weights: they would turn every output into garbage silently.</summary>
internal static class FiniteCheck
{
    /// <summary>Throws <see cref="RnnFormatException"/> naming the source, the tensor and the first non-finite value.</summary>
    public static void Ensure(ReadOnlySpan<float> values, string sourceName, string tensorName)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                throw new RnnFormatException(
                    $"{sourceName}: tensor '{tensorName}' holds {values[i]} at flat index {i}: weights must be finite.",
                    sourceName, tensorName);
        }
    }

    /// <summary>Reads tensor <paramref name="name"/> into <paramref name="destination"/> and rejects it unless finite.</summary>
    internal static void Read(ITensorSource source, string name, Span<float> destination)
    {
        source.Read(name, destination);
        Ensure(destination, source.SourceName, name);
    }

    /// <summary>
    /// A 2-D weight (rows, cols), read and checked: missing, not 2-D or non-finite is an error naming the tensor,
    /// <paramref name="what"/> it is and the <paramref name="expectedShape"/> in words.
    /// </summary>
    internal static float[] ReadMatrix(ITensorSource source, string name, string what, string expectedShape, out int rows, out int cols)
    {
        if (!source.TryGetShape(name, out int[] shape))
            throw new RnnFormatException($"{source.SourceName}: missing tensor '{name}' ({what}).", source.SourceName, name);
        if (shape.Length != 2)
            throw new RnnFormatException($"{source.SourceName}: tensor '{name}' has shape {PyTorchStateDict.Show(shape)}, expected {expectedShape}.", source.SourceName, name);
        (rows, cols) = (shape[0], shape[1]);
        var values = new float[rows * cols];
        Read(source, name, values);
        return values;
    }
}
