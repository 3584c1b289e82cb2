namespace Rnn.Runtime.IO;

/// <summary>
/// A named set of float tensors: a safetensors file, or tensors held in memory. Readers convert
/// BF16/F16 to float32 as they read.
/// </summary>
public interface ITensorSource
{
    /// <summary>What to call this source in error messages (usually the file path).</summary>
    string SourceName { get; }

    /// <summary>Tensor names, in file order.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>The shape of <paramref name="name"/>, or false if the source has no such tensor.</summary>
    bool TryGetShape(string name, out int[] shape);

    /// <summary>Reads the tensor as float32 into <paramref name="destination"/> (exactly its element count).</summary>
    void Read(string name, Span<float> destination);
}
