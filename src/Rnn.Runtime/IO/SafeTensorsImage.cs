using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Rnn.Runtime.IO;

/// <summary>
/// A safetensors image in memory (bytes a caller passed, or a stream read whole), validated as strictly as
/// <see cref="SafeTensorsFile"/>: the header's byte ranges must tile the data that follows it exactly. It reads from a
/// pointer to bytes the caller keeps pinned, so it lives only as long as the load that made it and is never handed out.
/// </summary>
internal sealed unsafe class SafeTensorsImage : IInt8TensorSource
{
    private readonly byte* _data;
    private readonly long _dataLength;
    private readonly Dictionary<string, SafeTensorsEntry> _entries;
    private readonly string[] _names;

    public string SourceName { get; }

    public IReadOnlyList<string> Names => _names;

    private SafeTensorsImage(string sourceName, byte* data, long dataLength, SafeTensorsHeader header)
    {
        SourceName = sourceName;
        _data = data;
        _dataLength = dataLength;
        _names = new string[header.Entries.Count];
        _entries = new Dictionary<string, SafeTensorsEntry>(_names.Length, StringComparer.Ordinal);
        for (int i = 0; i < _names.Length; i++)
        {
            SafeTensorsEntry entry = header.Entries[i];
            _names[i] = entry.Name;
            _entries.Add(entry.Name, entry);
        }
    }

    /// <summary>Whether <paramref name="bytes"/> start as safetensors do: an 8-byte little-endian header length that
    /// fits in what follows, then the header's opening brace.</summary>
    public static bool LooksLike(ReadOnlySpan<byte> bytes) =>
        bytes.Length > 8 && BinaryPrimitives.ReadUInt64LittleEndian(bytes) <= (ulong)(bytes.Length - 8) && bytes[8] == (byte)'{';

    /// <summary>Validates the header of the image at <paramref name="image"/> (<paramref name="length"/> bytes, pinned by the
    /// caller for the life of the result); throws <see cref="RnnFormatException"/> naming <paramref name="sourceName"/>.</summary>
    public static SafeTensorsImage Open(byte* image, long length, string sourceName)
    {
        if (length < 8)
            throw new RnnFormatException(
                $"Safetensors data '{sourceName}' has {length} bytes, fewer than the 8-byte header length that starts the format.", sourceName);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(image, 8));
        if (headerLength > (ulong)(length - 8))
            throw new RnnFormatException(
                $"Safetensors data '{sourceName}' declares a {headerLength}-byte header but only {length - 8} bytes follow the length: truncated or not safetensors.", sourceName);
        if (headerLength > SafeTensorsFile.MaxHeaderBytes)
            throw new RnnFormatException(
                $"Safetensors data '{sourceName}' declares a {headerLength}-byte header, more than the {SafeTensorsFile.MaxHeaderBytes} bytes allowed.", sourceName);
        long dataStart = 8 + (long)headerLength;
        var header = SafeTensorsHeader.Parse(new ReadOnlySpan<byte>(image + 8, (int)headerLength), length - dataStart, sourceName);
        return new SafeTensorsImage(sourceName, image + dataStart, length - dataStart, header);
    }

    public bool TryGetShape(string name, out int[] shape)
    {
        if (_entries.TryGetValue(name, out SafeTensorsEntry? entry))
        {
            shape = (int[])entry.Shape.Clone();
            return true;
        }
        shape = [];
        return false;
    }

    public void Read(string name, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_entries.TryGetValue(name, out SafeTensorsEntry? entry))
            throw new RnnFormatException($"Safetensors data '{SourceName}' has no tensor '{name}'.", SourceName, name);
        if (destination.Length != entry.ElementCount)
            throw new ArgumentException(
                $"Tensor '{name}' in '{SourceName}' has shape {TensorShapes.Format(entry.Shape)} ({entry.ElementCount} elements) but the destination holds {destination.Length}.",
                nameof(destination));
        if (!SafeTensorsDTypes.TryGetFloatType(entry.DType, out StoredFloatType type))
            throw new RnnFormatException(
                $"Safetensors data '{SourceName}': tensor '{name}' has dtype {entry.DType}, which cannot be read as float32 (supported: F32, F16, BF16).",
                SourceName, name);
        // The header check made every range lie inside the data, so these casts and the slice cannot overrun.
        System.Diagnostics.Debug.Assert(entry.DataEnd <= _dataLength);
        var bytes = new ReadOnlySpan<byte>(_data + entry.DataBegin, checked((int)(entry.DataEnd - entry.DataBegin)));
        if (type == StoredFloatType.Float32)
        {
            bytes.CopyTo(MemoryMarshal.AsBytes(destination));
            if (!BitConverter.IsLittleEndian)
            {
                Span<int> bits = MemoryMarshal.Cast<float, int>(destination);
                BinaryPrimitives.ReverseEndianness(bits, bits);
            }
        }
        else LittleEndianFloatReader.Convert(type, bytes, destination);
    }

    public bool IsInt8(string name) => _entries.TryGetValue(name, out SafeTensorsEntry? entry) && entry.DType == "I8";

    public void ReadInt8(string name, Span<sbyte> destination)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_entries.TryGetValue(name, out SafeTensorsEntry? entry))
            throw new RnnFormatException($"Safetensors data '{SourceName}' has no tensor '{name}'.", SourceName, name);
        SafeTensorsEntry.CheckInt8(entry, destination.Length, SourceName);
        new ReadOnlySpan<sbyte>(_data + entry.DataBegin, checked((int)(entry.DataEnd - entry.DataBegin))).CopyTo(destination);
    }
}
