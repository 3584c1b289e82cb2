using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Rnn.Runtime.IO;

/// <summary>
/// A safetensors file opened for reading. <see cref="Open"/> reads and validates the whole header (every
/// tensor's dtype, shape and byte range against the file size), so a corrupt or truncated file fails there;
/// tensor data stays on disk and is read on demand with positional reads, converting F16/BF16 to float32.
/// Reads are thread-safe. Dispose to close the file.
/// </summary>
public sealed class SafeTensorsFile : ITensorSource, IInt8TensorSource, IDisposable
{
    /// <summary>Largest header accepted, as in the reference reader: guards against a bogus length.</summary>
    internal const long MaxHeaderBytes = 100_000_000;

    private readonly SafeFileHandle _file;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafeTensorsEntry> _entries;
    private readonly System.Collections.ObjectModel.ReadOnlyCollection<string> _names;

    /// <summary>Full path of the file.</summary>
    public string SourceName { get; }

    /// <summary>Tensor names in header order (the order the writer stored them).</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The header's "__metadata__" strings (empty when there are none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    private SafeTensorsFile(string path, SafeFileHandle file, long dataStart, SafeTensorsHeader header)
    {
        SourceName = path;
        _file = file;
        _dataStart = dataStart;
        Metadata = header.Metadata;
        var names = new string[header.Entries.Count];
        _entries = new Dictionary<string, SafeTensorsEntry>(names.Length, StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            SafeTensorsEntry entry = header.Entries[i];
            names[i] = entry.Name;
            _entries.Add(entry.Name, entry);
        }
        _names = Array.AsReadOnly(names);
    }

    /// <summary>Opens and validates <paramref name="path"/>; throws <see cref="RnnFormatException"/> if it is not a valid safetensors file.</summary>
    public static SafeTensorsFile Open(string path)
    {
        // Delete sharing lets a trainer atomically replace a checkpoint that is open here (matters on Windows); a pipe is
        // read into a temporary file first (InputFiles).
        SafeFileHandle file = InputFiles.OpenRead(path, out string fullPath, FileShare.Read | FileShare.Delete, FileOptions.RandomAccess);
        try
        {
            long fileLength = RandomAccess.GetLength(file);
            if (fileLength < 8)
                throw new RnnFormatException(
                    $"Safetensors file '{fullPath}' has {fileLength} bytes, fewer than the 8-byte header length that starts the format.", fullPath);

            Span<byte> lengthBytes = stackalloc byte[8];
            LittleEndianFloatReader.ReadExactly(file, 0, lengthBytes, fullPath, null);
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (headerLength > (ulong)(fileLength - 8))
                throw new RnnFormatException(
                    $"Safetensors file '{fullPath}' declares a {headerLength}-byte header but only {fileLength - 8} bytes follow the length: truncated or not a safetensors file.", fullPath);
            if (headerLength > MaxHeaderBytes)
                throw new RnnFormatException(
                    $"Safetensors file '{fullPath}' declares a {headerLength}-byte header, more than the {MaxHeaderBytes} bytes allowed.", fullPath);

            var headerBytes = new byte[(int)headerLength];
            LittleEndianFloatReader.ReadExactly(file, 8, headerBytes, fullPath, null);
            long dataStart = 8 + (long)headerLength;
            var header = SafeTensorsHeader.Parse(headerBytes, fileLength - dataStart, fullPath);
            return new SafeTensorsFile(fullPath, file, dataStart, header);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Whether the file holds a tensor of this name.</summary>
    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>The shape of tensor <paramref name="name"/>, if the file holds it.</summary>
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

    /// <summary>The shape of <paramref name="name"/>; throws <see cref="RnnFormatException"/> if the file has no such tensor.</summary>
    public int[] GetShape(string name) => (int[])GetEntry(name).Shape.Clone();

    /// <summary>The stored dtype of <paramref name="name"/> as the header spells it ("F32", "BF16", ...).</summary>
    public string GetDType(string name) => GetEntry(name).DType;

    /// <summary>Number of elements of <paramref name="name"/> (1 for a 0-d tensor).</summary>
    public long GetElementCount(string name) => GetEntry(name).ElementCount;

    /// <summary>Reads <paramref name="name"/> as float32 into a new array.</summary>
    public float[] ReadFloat32(string name)
    {
        SafeTensorsEntry entry = GetEntry(name);
        if (entry.ElementCount > Array.MaxLength)
            throw new RnnFormatException(
                $"Safetensors file '{SourceName}': tensor '{name}' has {entry.ElementCount} elements, more than one array can hold.", SourceName, name);
        // Every element is overwritten by the read, so skip zeroing (it matters for tensors of many MB).
        float[] values = GC.AllocateUninitializedArray<float>((int)entry.ElementCount);
        Read(name, values);
        return values;
    }

    /// <summary>
    /// Reads <paramref name="name"/> as float32 into <paramref name="destination"/>, which must hold exactly
    /// its element count. F16 and BF16 convert exactly; other dtypes throw <see cref="RnnFormatException"/>.
    /// </summary>
    public void Read(string name, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_file.IsClosed, this);
        SafeTensorsEntry entry = GetEntry(name);
        if (destination.Length != entry.ElementCount)
            throw new ArgumentException(
                $"Tensor '{TextSafety.Escape(name)}' in '{TextSafety.Escape(SourceName)}' has shape {TensorShapes.Format(entry.Shape)} ({entry.ElementCount} elements) but the destination holds {destination.Length}.",
                nameof(destination));
        if (!SafeTensorsDTypes.TryGetFloatType(entry.DType, out StoredFloatType type))
            throw new RnnFormatException(
                $"Safetensors file '{SourceName}': tensor '{name}' has dtype {entry.DType}, which cannot be read as float32 (supported: F32, F16, BF16).",
                SourceName, name);
        LittleEndianFloatReader.Read(_file, _dataStart + entry.DataBegin, type, destination, SourceName, name);
    }

    bool IInt8TensorSource.IsInt8(string name) => _entries.TryGetValue(name, out SafeTensorsEntry? entry) && entry.DType == "I8";

    void IInt8TensorSource.ReadInt8(string name, Span<sbyte> destination)
    {
        ObjectDisposedException.ThrowIf(_file.IsClosed, this);
        SafeTensorsEntry entry = SafeTensorsEntry.CheckInt8(GetEntry(name), destination.Length, SourceName);
        LittleEndianFloatReader.ReadExactly(_file, _dataStart + entry.DataBegin, System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination), SourceName, name);
    }

    /// <summary>Closes the file; tensors already read stay valid.</summary>
    public void Dispose() => _file.Dispose();

    private SafeTensorsEntry GetEntry(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_entries.TryGetValue(name, out SafeTensorsEntry? entry)) return entry;
        throw new RnnFormatException($"Safetensors file '{SourceName}' has no tensor '{name}'.", SourceName, name);
    }
}
