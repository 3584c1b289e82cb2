namespace Rnn.Runtime.IO;

/// <summary>
/// A tensor source that may hold int8 tensors (safetensors dtype "I8"): the quantized weights of an int8 file, read
/// as bytes because <see cref="ITensorSource.Read"/> gives float32 only.
/// </summary>
internal interface IInt8TensorSource : ITensorSource
{
    /// <summary>Whether tensor <paramref name="name"/> is stored as I8 (false when there is no such tensor).</summary>
    bool IsInt8(string name);

    /// <summary>Reads I8 tensor <paramref name="name"/> into <paramref name="destination"/> (exactly its element count).</summary>
    void ReadInt8(string name, Span<sbyte> destination);
}
