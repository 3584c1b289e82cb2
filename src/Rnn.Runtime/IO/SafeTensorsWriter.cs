using System.Buffers;
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Rnn.Runtime.IO;

/// <summary>
/// Collects float32 tensors and writes them as one safetensors file, the way PyTorch's safetensors does:
/// tensors sorted by name (ordinal), contiguous, little-endian, with a compact JSON header padded with
/// spaces to a multiple of 8 bytes. <see cref="Save"/> replaces the target atomically.
/// <code>
/// var writer = new SafeTensorsWriter();
/// writer.Add("weight_ih_l0", [4 * hidden, input], weights);
/// writer.Metadata["format"] = "pt";
/// writer.Save("model.safetensors");
/// </code>
/// </summary>
public sealed class SafeTensorsWriter
{
    private readonly Dictionary<string, (int[] Shape, float[] Data)> _tensors = new(StringComparer.Ordinal);

    /// <summary>Strings stored under "__metadata__" (written only when not empty).</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Number of tensors added.</summary>
    public int Count => _tensors.Count;

    /// <summary>Adds a copy of <paramref name="data"/> (C order) as tensor <paramref name="name"/>.</summary>
    public void Add(string name, ReadOnlySpan<int> shape, ReadOnlySpan<float> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name == SafeTensorsHeader.MetadataKey)
            throw new ArgumentException($"'{SafeTensorsHeader.MetadataKey}' is reserved for metadata and cannot name a tensor.", nameof(name));
        TensorShapes.CheckValueCount(shape, data.Length, name);
        if (!_tensors.TryAdd(name, (shape.ToArray(), data.ToArray())))
            throw new ArgumentException($"Tensor '{name}' was already added.", nameof(name));
    }

    /// <summary>Adds every tensor of <paramref name="source"/>, read as float32.</summary>
    public void AddAll(ITensorSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        foreach (string name in source.Names)
        {
            if (!source.TryGetShape(name, out int[] shape))
                throw new RnnFormatException($"'{source.SourceName}' lists tensor '{name}' but has no shape for it.", source.SourceName, name);
            var data = new float[TensorShapes.ElementCountOfArgument(shape, nameof(source))];
            source.Read(name, data);
            Add(name, shape, data);
        }
    }

    /// <summary>Writes the file to <paramref name="path"/>, replacing any file there only once it is complete.</summary>
    public void Save(string path)
    {
        using AtomicFileWriter file = AtomicFileWriter.Create(path);
        WriteTo(file.Stream);
        file.Commit();
    }

    /// <summary>Writes the file's bytes to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        string[] names = [.. _tensors.Keys];
        Array.Sort(names, StringComparer.Ordinal);

        byte[] header = BuildHeader(names);
        int paddedLength = (header.Length + 7) & ~7;
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)paddedLength);
        stream.Write(prefix);
        stream.Write(header);
        for (int i = header.Length; i < paddedLength; i++) stream.WriteByte((byte)' ');
        foreach (string name in names)
            LittleEndianFloatWriter.Write(stream, _tensors[name].Data);
        stream.Flush();
    }

    private byte[] BuildHeader(string[] sortedNames)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps non-ASCII names and metadata readable; the header is never embedded in HTML.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (Metadata.Count > 0)
            {
                string[] keys = [.. Metadata.Keys];
                Array.Sort(keys, StringComparer.Ordinal);
                json.WriteStartObject(SafeTensorsHeader.MetadataKey);
                foreach (string key in keys) json.WriteString(key, Metadata[key]);
                json.WriteEndObject();
            }

            long offset = 0;
            foreach (string name in sortedNames)
            {
                (int[] shape, float[] data) = _tensors[name];
                long end = offset + (long)data.Length * sizeof(float);
                json.WriteStartObject(name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int dim in shape) json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
