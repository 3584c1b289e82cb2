namespace Rnn.Runtime.IO;

/// <summary>One tensor of a safetensors header, validated: offsets are relative to the data buffer.</summary>
internal sealed class SafeTensorsEntry(string name, string dtype, int[] shape, long elementCount, long dataBegin, long dataEnd)
{
    public string Name { get; } = name;
    public string DType { get; } = dtype;
    public int[] Shape { get; } = shape;
    public long ElementCount { get; } = elementCount;
    public long DataBegin { get; } = dataBegin;
    public long DataEnd { get; } = dataEnd;

    /// <summary>The entry, once it is known to be I8 with exactly <paramref name="count"/> elements.</summary>
    public static SafeTensorsEntry CheckInt8(SafeTensorsEntry entry, int count, string sourceName)
    {
        if (entry.DType != "I8")
            throw new RnnFormatException($"{sourceName}: tensor '{entry.Name}' has dtype {entry.DType}, expected I8.", sourceName, entry.Name);
        if (count != entry.ElementCount)
            throw new ArgumentException(
                $"Tensor '{TextSafety.Escape(entry.Name)}' in '{TextSafety.Escape(sourceName)}' has shape {TensorShapes.Format(entry.Shape)} ({entry.ElementCount} elements) but the destination holds {count}.",
                "destination");
        return entry;
    }
}
