using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Rnn.Runtime.IO;

/// <summary>
/// NumPy .npy files of float32: read (versions 1.0-3.0, '&lt;f4', plus '&lt;f8'/'&lt;f2' converted to float32,
/// C order only) and write (version 1.0, '&lt;f4', data aligned to 64 bytes as numpy does; atomic).
/// </summary>
internal static class Npy
{
    private const int ArrayAlign = 64;

    /// <summary>Reads a float32 (or float64/float16, converted) C-order array; any other file gets an <see cref="RnnFormatException"/>.</summary>
    public static NpyArray Read(string path)
    {
        using SafeFileHandle file = OpenRead(path, out string fullPath);
        NpyHeader header = NpyHeader.Read(file, fullPath);
        if (header.ElementCount > Array.MaxLength)
            throw new RnnFormatException($"NumPy file '{fullPath}' has {header.ElementCount} elements, more than one array can hold.", fullPath);
        float[] data = GC.AllocateUninitializedArray<float>((int)header.ElementCount);
        LittleEndianFloatReader.Read(file, header.DataOffset, header.DType, data, fullPath, null);
        return new NpyArray(header.Shape, data);
    }

    /// <summary>Reads into <paramref name="destination"/>, which must hold exactly the file's element count.</summary>
    public static void Read(string path, Span<float> destination, out int[] shape)
    {
        using SafeFileHandle file = OpenRead(path, out string fullPath);
        NpyHeader header = NpyHeader.Read(file, fullPath);
        if (destination.Length != header.ElementCount)
            throw new ArgumentException(
                $"NumPy file '{fullPath}' has shape {TensorShapes.Format(header.Shape)} ({header.ElementCount} elements) but the destination holds {destination.Length}.",
                nameof(destination));
        LittleEndianFloatReader.Read(file, header.DataOffset, header.DType, destination, fullPath, null);
        shape = header.Shape;
    }

    /// <summary>The shape stored in the file's header (the header is validated, the data is not read).</summary>
    /// <summary>The shape alone, from the header.</summary>
    public static int[] ReadShape(string path)
    {
        using SafeFileHandle file = OpenRead(path, out string fullPath);
        return NpyHeader.Read(file, fullPath).Shape;
    }

    /// <summary>Writes <paramref name="array"/> as float32, C order, replacing the file atomically.</summary>
    public static void Write(string path, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        Write(path, array.Data, array.Shape);
    }

    /// <summary>Writes <paramref name="data"/> (C order) with <paramref name="shape"/>, replacing the file atomically.</summary>
    public static void Write(string path, ReadOnlySpan<float> data, ReadOnlySpan<int> shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        TensorShapes.CheckValueCount(shape, data.Length);
        byte[] preamble = BuildPreamble(shape);
        using AtomicFileWriter file = AtomicFileWriter.Create(path);
        file.Stream.Write(preamble);
        LittleEndianFloatWriter.Write(file.Stream, data);
        file.Commit();
    }

    /// <summary>Magic, version, header length and the padded header dict, as numpy's write_array writes them.</summary>
    internal static byte[] BuildPreamble(ReadOnlySpan<int> shape)
    {
        var dict = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': ");
        dict.Append(TensorShapes.FormatTuple(shape)).Append(", }");

        // numpy pads with 1..64 spaces plus '\n' so the data starts at a multiple of 64; version 2.0 only
        // when the header outgrows the 16-bit length of version 1.0.
        int dictLength = dict.Length;
        int prefixLength = 10;
        int padding = ArrayAlign - (prefixLength + dictLength + 1) % ArrayAlign;
        if (dictLength + 1 + padding > ushort.MaxValue)
        {
            prefixLength = 12;
            padding = ArrayAlign - (prefixLength + dictLength + 1) % ArrayAlign;
        }
        int headerLength = dictLength + padding + 1;

        var bytes = new byte[prefixLength + headerLength];
        NpyHeader.Magic.CopyTo(bytes);
        bytes[6] = prefixLength == 10 ? (byte)1 : (byte)2;
        bytes[7] = 0;
        if (prefixLength == 10) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)headerLength);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)headerLength);
        Encoding.ASCII.GetBytes(dict.ToString(), bytes.AsSpan(prefixLength));
        bytes.AsSpan(prefixLength + dictLength, padding).Fill((byte)' ');
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    private static SafeFileHandle OpenRead(string path, out string fullPath) => InputFiles.OpenRead(path, out fullPath);
}
