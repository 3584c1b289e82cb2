using System.Buffers;
using Rnn.Runtime.IO;
using Rnn.Runtime.IO.Onnx;
using Rnn.Runtime.Kernels;

namespace Rnn.Runtime;

// Loading from a stream or from bytes: the format is told from the bytes themselves, not a file name.
public sealed partial class RnnModel
{
    /// <summary>The most a model read from a stream may hold (2 GiB, the largest array): a longer stream is refused.</summary>
    private const long MaxStreamBytes = int.MaxValue;

    /// <summary>
    /// Loads a model from a stream (an embedded resource, a network response, a file opened elsewhere), read from its
    /// position to its end: a safetensors state_dict or an ONNX model, told apart by their first bytes. A stream that
    /// cannot seek is read in growing chunks as data arrives (at most 2 GiB); the stream is not disposed.
    /// </summary>
    /// <param name="stream">The model's bytes.</param>
    /// <param name="sourceName">What errors call the model (a resource or file name); the stream's file name or type otherwise.</param>
    /// <param name="cell">The cell kind, if known; must agree with the model (needed for rnn-relu from safetensors).</param>
    /// <param name="prefix">The state_dict name prefix (safetensors only; found automatically when unique).</param>
    /// <param name="kernelPath">The kernel path to run on; the best this machine has when null.</param>
    /// <param name="node">The ONNX node to load, by name (ONNX only).</param>
    /// <exception cref="RnnFormatException">The bytes are neither format, or not a valid model; the message names <paramref name="sourceName"/>.</exception>
    public static RnnModel Load(Stream stream, string? sourceName = null, CellKind? cell = null, string? prefix = null,
        KernelPath? kernelPath = null, string? node = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        string name = sourceName ?? (stream is FileStream file ? file.Name : $"({stream.GetType().Name})");
        byte[] buffer = StreamBytes.ReadToEnd(stream, MaxStreamBytes, name, out int length);
        try
        {
            return LoadImage(buffer.AsSpan(0, length), name, cell, prefix, kernelPath, node);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Loads a model from its bytes in memory: a safetensors state_dict or an ONNX model, told apart by their first
    /// bytes. The bytes are only read during the call (ONNX bytes are copied once; external ONNX data is refused, as it
    /// has no folder to be found in).
    /// </summary>
    /// <param name="bytes">The whole model file.</param>
    /// <param name="sourceName">What errors call the model.</param>
    /// <param name="cell">The cell kind, if known; must agree with the model (needed for rnn-relu from safetensors).</param>
    /// <param name="prefix">The state_dict name prefix (safetensors only; found automatically when unique).</param>
    /// <param name="kernelPath">The kernel path to run on; the best this machine has when null.</param>
    /// <param name="node">The ONNX node to load, by name (ONNX only).</param>
    /// <exception cref="RnnFormatException">The bytes are neither format, or not a valid model; the message names <paramref name="sourceName"/>.</exception>
    public static RnnModel Load(ReadOnlySpan<byte> bytes, string? sourceName = null, CellKind? cell = null, string? prefix = null,
        KernelPath? kernelPath = null, string? node = null) =>
        LoadImage(bytes, sourceName ?? "(model bytes)", cell, prefix, kernelPath, node);

    private static unsafe RnnModel LoadImage(ReadOnlySpan<byte> bytes, string name, CellKind? cell, string? prefix, KernelPath? kernelPath, string? node)
    {
        if (SafeTensorsImage.LooksLike(bytes))
        {
            if (node is not null) throw new ArgumentException($"node: selects an ONNX node, but '{name}' holds safetensors.", nameof(node));
            fixed (byte* image = bytes)
            {
                // The source reads through the pointer only inside this block: FromTensors packs every tensor before it returns.
                return FromTensors(SafeTensorsImage.Open(image, bytes.Length, name), cell, prefix, kernelPath);
            }
        }
        if (LooksLikeOnnx(bytes))
        {
            if (prefix is not null) throw new ArgumentException("A prefix names state_dict tensors; an ONNX model has none (use node:).", nameof(prefix));
            KernelPath kernels = kernelPath ?? KernelPaths.Default;
            KernelPaths.EnsureSupported(kernels);
            byte[] copy = bytes.ToArray();
            RefuseExternalData(copy, name);
            return FromOnnx(OnnxImport.Read(copy, name, node), name, cell, kernels);
        }
        string start = bytes.Length == 0 ? "it is empty" : $"it starts with {Convert.ToHexString(bytes[..Math.Min(bytes.Length, 9)])}";
        throw new RnnFormatException(
            $"'{name}' is neither safetensors (an 8-byte header length, then '{{') nor an ONNX model (a ModelProto starting with ir_version): {start}.", name);
    }

    /// <summary>An ONNX ModelProto as every exporter writes it starts with field 1, ir_version, a varint (tag byte 0x08).</summary>
    private static bool LooksLikeOnnx(ReadOnlySpan<byte> bytes) => bytes.Length > 1 && bytes[0] == 0x08;

    /// <summary>External data is resolved against the model's folder, which bytes do not have: refused before anything
    /// could look for such a file relative to the working directory.</summary>
    private static void RefuseExternalData(byte[] bytes, string name)
    {
        OnnxModelProto model = OnnxModelProto.Parse(bytes, name);
        foreach (var (tensorName, tensor) in model.Initializers)
            if (tensor.IsExternal || tensor.External.Count > 0)
                throw new RnnFormatException(
                    $"{name}: tensor '{tensorName}' is stored in external data, which a model loaded from a stream or bytes cannot reach: load it from its .onnx path.",
                    name, tensorName);
    }
}
