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
}
