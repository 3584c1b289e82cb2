using System.Text.Json;

namespace Rnn.Runtime.IO;

/// <summary>
/// Parses and validates a safetensors JSON header with <see cref="Utf8JsonReader"/> (no reflection, AOT-safe).
/// Validation is as strict as the reference (Rust) reader: every tensor's byte range must match its dtype and
/// shape, and the ranges must tile the data buffer exactly, with no overlap, gap or trailing bytes, so that a
/// truncated or hand-edited file fails here, when it is opened, rather than when a tensor is read.
/// </summary>
internal sealed class SafeTensorsHeader
{
    public const string MetadataKey = "__metadata__";

    /// <summary>Tensors in header order.</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    private SafeTensorsHeader(List<SafeTensorsEntry> entries, Dictionary<string, string> metadata)
    {
        Entries = entries;
        Metadata = metadata.AsReadOnly();
    }

    /// <param name="json">The header bytes (UTF-8 JSON, possibly followed by padding spaces).</param>
    /// <param name="dataLength">Bytes in the data buffer that follows the header.</param>
    /// <param name="path">The file, for error messages.</param>
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> json, long dataLength, string path)
    {
        var entries = new List<SafeTensorsEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        Dictionary<string, string>? metadata = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw Error(path, null, $"the header is not a JSON object (it starts with {Describe(reader)}).");

            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                string name = reader.GetString()!;
                reader.Read();
                if (name == MetadataKey)
                {
                    if (metadata is not null) throw Error(path, null, $"the header has two \"{MetadataKey}\" entries.");
                    metadata = ReadMetadata(ref reader, path);
                    continue;
                }
                if (!names.Add(name)) throw Error(path, name, $"the header names tensor '{name}' twice.");
                entries.Add(ReadEntry(ref reader, name, path));
            }
            // Only padding may follow the object; the reader throws on any other trailing content.
            while (reader.Read()) { }
        }
        catch (JsonException e)
        {
            throw new RnnFormatException($"Safetensors file '{path}': the header is not valid JSON: {e.Message}", path, null, e);
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader.GetString throws this on invalid UTF-8 inside a string.
            throw new RnnFormatException($"Safetensors file '{path}': the header is not valid UTF-8 JSON: {e.Message}", path, null, e);
        }

        ValidateLayout(entries, dataLength, path);
        return new SafeTensorsHeader(entries, metadata ?? new Dictionary<string, string>(StringComparer.Ordinal));
    }

    private static Dictionary<string, string> ReadMetadata(ref Utf8JsonReader reader, string path)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reader.TokenType == JsonTokenType.Null) return metadata;
        if (reader.TokenType != JsonTokenType.StartObject)
            throw Error(path, null, $"\"{MetadataKey}\" is {Describe(reader)}, expected an object of strings.");
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
                throw Error(path, null, $"\"{MetadataKey}\" value of '{key}' is {Describe(reader)}, expected a string.");
            if (!metadata.TryAdd(key, reader.GetString()!))
                throw Error(path, null, $"\"{MetadataKey}\" has key '{key}' twice.");
        }
        return metadata;
    }

    private static SafeTensorsEntry ReadEntry(ref Utf8JsonReader reader, string name, string path)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw Error(path, name, $"tensor '{name}' is {Describe(reader)}, expected an object with dtype, shape and data_offsets.");

        string? dtype = null;
        List<long>? shape = null;
        List<long>? offsets = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string key = reader.GetString()!;
            reader.Read();
            switch (key)
            {
                case "dtype":
                    if (dtype is not null) throw Error(path, name, $"tensor '{name}' has two dtype fields.");
                    if (reader.TokenType != JsonTokenType.String)
                        throw Error(path, name, $"tensor '{name}' has dtype {Describe(reader)}, expected a string such as \"F32\".");
                    dtype = reader.GetString()!;
                    break;
                case "shape":
                    if (shape is not null) throw Error(path, name, $"tensor '{name}' has two shape fields.");
                    shape = ReadNonNegativeIntegers(ref reader, name, key, path);
                    break;
                case "data_offsets":
                    if (offsets is not null) throw Error(path, name, $"tensor '{name}' has two data_offsets fields.");
                    offsets = ReadNonNegativeIntegers(ref reader, name, key, path);
                    break;
                default:
                    // Unknown fields are ignored, as the reference reader does.
                    reader.Skip();
                    break;
            }
        }

        if (dtype is null) throw Error(path, name, $"tensor '{name}' has no dtype.");
        if (shape is null) throw Error(path, name, $"tensor '{name}' has no shape.");
        if (offsets is null) throw Error(path, name, $"tensor '{name}' has no data_offsets.");
        if (!SafeTensorsDTypes.TryGetBitSize(dtype, out int bits))
            throw Error(path, name, $"tensor '{name}' has unknown dtype '{dtype}'.");
        if (offsets.Count != 2)
            throw Error(path, name, $"tensor '{name}' has {offsets.Count} data_offsets, expected 2 ([begin, end]).");

        var dims = new int[shape.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            if (shape[i] > int.MaxValue)
                throw Error(path, name, $"tensor '{name}' has dimension {shape[i]}, more than {int.MaxValue}.");
            dims[i] = (int)shape[i];
        }
        if (!TensorShapes.TryGetElementCount(dims, out long count))
            throw Error(path, name, $"tensor '{name}' with shape {TensorShapes.Format(dims)} has too many elements.");

        long begin = offsets[0], end = offsets[1];
        if (end < begin)
            throw Error(path, name, $"tensor '{name}' has data_offsets [{begin}, {end}]: the end is before the begin (negative size).");
        Int128 bitCount = (Int128)count * bits;
        if (bitCount % 8 != 0)
            throw Error(path, name, $"tensor '{name}' of dtype {dtype} and shape {TensorShapes.Format(dims)} does not fill a whole number of bytes.");
        Int128 expectedBytes = bitCount / 8;
        if (end - begin != expectedBytes)
            throw Error(path, name,
                $"tensor '{name}' has data_offsets [{begin}, {end}] ({end - begin} bytes) but dtype {dtype} and shape {TensorShapes.Format(dims)} need {expectedBytes} bytes.");
        return new SafeTensorsEntry(name, dtype, dims, count, begin, end);
    }

    private static List<long> ReadNonNegativeIntegers(ref Utf8JsonReader reader, string name, string field, string path)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw Error(path, name, $"tensor '{name}' has {field} {Describe(reader)}, expected an array of integers.");
        var values = new List<long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value))
                throw Error(path, name, $"tensor '{name}' has a {field} element that is {Describe(reader)}, expected an integer.");
            if (value < 0)
                throw Error(path, name, $"tensor '{name}' has negative {field} element {value}.");
            values.Add(value);
        }
        return values;
    }

    /// <summary>Byte ranges must be in the buffer and tile it exactly: no overlap, gap or trailing bytes.</summary>
    private static void ValidateLayout(List<SafeTensorsEntry> entries, long dataLength, string path)
    {
        foreach (SafeTensorsEntry entry in entries)
        {
            if (entry.DataEnd > dataLength)
                throw Error(path, entry.Name,
                    $"tensor '{entry.Name}' has data_offsets [{entry.DataBegin}, {entry.DataEnd}] past the end of the data buffer ({dataLength} bytes): the file is truncated or the header is wrong.");
        }

        var byOffset = entries.ToArray();
        Array.Sort(byOffset, static (a, b) =>
        {
            int order = a.DataBegin.CompareTo(b.DataBegin);
            return order != 0 ? order : a.DataEnd.CompareTo(b.DataEnd);
        });
        long covered = 0;
        SafeTensorsEntry? previous = null;
        foreach (SafeTensorsEntry entry in byOffset)
        {
            if (entry.DataBegin < covered)
                throw Error(path, entry.Name,
                    $"tensor '{entry.Name}' at data_offsets [{entry.DataBegin}, {entry.DataEnd}] overlaps tensor '{previous!.Name}' at [{previous.DataBegin}, {previous.DataEnd}].");
            if (entry.DataBegin > covered)
                throw Error(path, entry.Name,
                    $"tensor '{entry.Name}' starts at byte {entry.DataBegin} of the data buffer, leaving unused bytes [{covered}, {entry.DataBegin}) before it.");
            covered = entry.DataEnd;
            previous = entry;
        }
        if (covered != dataLength)
            throw Error(path, null, $"the data buffer has {dataLength} bytes but the tensors cover only {covered}: {dataLength - covered} trailing bytes.");
    }

    private static string Describe(Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.None => "nothing",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => $"the string \"{reader.GetString()}\"",
        JsonTokenType.Number => $"the number {System.Text.Encoding.UTF8.GetString(reader.ValueSpan)}",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        _ => reader.TokenType.ToString(),
    };

    private static RnnFormatException Error(string path, string? tensorName, string problem)
        => new($"Safetensors file '{path}': {problem}", path, tensorName);
}

