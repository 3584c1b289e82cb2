namespace Rnn.Runtime;

/// <summary>
/// A model or tensor file that cannot be used: missing, truncated, corrupt, of an unsupported dtype, or
/// holding tensors whose names, shapes or values do not fit. The message names the file and the tensor.
/// </summary>
public sealed class RnnFormatException : IOException
{
    /// <summary>The file at fault, when there is one.</summary>
    public string? FilePath { get; }

    /// <summary>The tensor at fault, when there is one.</summary>
    public string? TensorName { get; }

    /// <summary>
    /// A message that already names the file, tensor and what was expected and found. Control characters in it (text
    /// taken from a file: a dtype, a tensor name) are shown escaped, so printing the message cannot drive a terminal.
    /// </summary>
    public RnnFormatException(string message, string? filePath = null, string? tensorName = null, Exception? inner = null)
        : base(TextSafety.Escape(message), inner)
    {
        FilePath = filePath;
        TensorName = tensorName;
    }
}
