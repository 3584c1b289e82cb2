using System.Buffers;
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Rnn.Runtime.IO;

/// <summary>
/// Collects float32 (and int8) tensors and writes them as one safetensors file, the way PyTorch's safetensors does:
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
    // Data is float[] (written as F32) or sbyte[] (I8).
    private readonly Dictionary<string, (int[] Shape, Array Data)> _tensors = new(StringComparer.Ordinal);

    /// <summary>Strings stored under "__metadata__" (written only when not empty).</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Number of tensors added.</summary>
    public int Count => _tensors.Count;

    /// <summary>Adds a copy of <paramref name="data"/> (C order) as tensor <paramref name="name"/>.</summary>
    public void Add(string name, ReadOnlySpan<int> shape, ReadOnlySpan<float> data)
    {
        CheckName(name);
        TensorShapes.CheckValueCount(shape, data.Length, name);
        AddChecked(name, shape, data.ToArray());
    }

    /// <summary>Adds a copy of <paramref name="data"/> (C order) as int8 tensor <paramref name="name"/> (dtype I8): the
    /// quantized weights of an int8 file, each beside its "{name}_scale" float tensor, one scale per row.</summary>
    public void Add(string name, ReadOnlySpan<int> shape, ReadOnlySpan<sbyte> data)
    {
        CheckName(name);
        TensorShapes.CheckValueCount(shape, data.Length, name);
        AddChecked(name, shape, data.ToArray());
    }

    private static void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name == SafeTensorsHeader.MetadataKey)
            throw new ArgumentException($"'{SafeTensorsHeader.MetadataKey}' is reserved for metadata and cannot name a tensor.", nameof(name));
    }

    private void AddChecked(string name, ReadOnlySpan<int> shape, Array data)
    {
        if (!_tensors.TryAdd(name, (shape.ToArray(), data)))
            throw new ArgumentException($"Tensor '{name}' was already added.", nameof(name));
    }

    /// <summary>Adds every tensor of <paramref name="source"/>, read as float32 (an I8 tensor of a safetensors file stays I8).</summary>
    public void AddAll(ITensorSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        foreach (string name in source.Names)
        {
            if (!source.TryGetShape(name, out int[] shape))
                throw new RnnFormatException($"'{source.SourceName}' lists tensor '{name}' but has no shape for it.", source.SourceName, name);
            Copy(source, name, shape);
        }
    }

    /// <summary>Adds tensor <paramref name="name"/> of <paramref name="source"/> (of <paramref name="shape"/>) as stored: I8 as I8, floats as float32.</summary>
    internal void Copy(ITensorSource source, string name, int[] shape)
    {
        long count = TensorShapes.ElementCountOfArgument(shape, nameof(source));
        if (source is IInt8TensorSource int8 && int8.IsInt8(name))
        {
            var bytes = new sbyte[count];
            int8.ReadInt8(name, bytes);
            Add(name, shape, bytes);
            return;
        }
        var data = new float[count];
        source.Read(name, data);
        Add(name, shape, data);
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
        {
            if (_tensors[name].Data is float[] floats) LittleEndianFloatWriter.Write(stream, floats);
            else stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(((sbyte[])_tensors[name].Data).AsSpan()));
        }
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
                (int[] shape, Array data) = _tensors[name];
                bool int8 = data is sbyte[];
                long end = offset + (long)data.Length * (int8 ? sizeof(sbyte) : sizeof(float));
                json.WriteStartObject(name);
                json.WriteString("dtype", int8 ? "I8" : "F32");
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
