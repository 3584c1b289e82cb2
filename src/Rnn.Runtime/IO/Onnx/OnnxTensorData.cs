using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Rnn.Runtime.IO.Onnx;

/// <summary>
/// Reads an ONNX tensor's values as float32 from wherever the file keeps them: raw_data, float_data / double_data /
/// int32_data (float16 and bfloat16 bit patterns), or an external data file beside the model. Sizes are checked
/// against the dims before anything is allocated or read.
/// </summary>
internal static class OnnxTensorData
{
    /// <summary>The element count of <paramref name="t"/>'s dims, each ≥ 0, at most <see cref="Array.MaxLength"/>.</summary>
    public static int ElementCount(OnnxTensorProto t, string sourceName)
    {
        long count = 1;
        foreach (long d in t.Dims)
        {
            if (d < 0) throw new RnnFormatException($"{sourceName}: tensor '{t.Name}' has a negative dimension ({Show(t.Dims)}).", sourceName, t.Name);
            count = d == 0 ? 0 : count > Array.MaxLength / d ? long.MaxValue : count * d;
        }
        if (count > Array.MaxLength)
            throw new RnnFormatException($"{sourceName}: tensor '{t.Name}' has dims {Show(t.Dims)}, more elements than this runtime can hold.", sourceName, t.Name);
        return (int)count;
    }

    public static string Show(List<long> dims) => "(" + string.Join(", ", dims) + ")";

    /// <summary>Reads <paramref name="t"/> (FLOAT, DOUBLE, FLOAT16 or BFLOAT16) as float32.</summary>
    public static float[] ReadFloats(OnnxTensorProto t, OnnxModelProto model, string modelPath)
    {
        int count = ElementCount(t, modelPath);
        StoredFloatType type = t.DataType switch
        {
            OnnxTensorProto.Float => StoredFloatType.Float32,
            OnnxTensorProto.Double => StoredFloatType.Float64,
            OnnxTensorProto.Float16 => StoredFloatType.Float16,
            OnnxTensorProto.BFloat16 => StoredFloatType.BFloat16,
            _ => throw new RnnFormatException(
                $"{modelPath}: tensor '{t.Name}' is {OnnxTensorProto.TypeName(t.DataType)}; weights must be FLOAT, DOUBLE, FLOAT16 or BFLOAT16.", modelPath, t.Name),
        };
        int size = StoredFloatTypes.ByteSize(type);
        // Every branch checks the dims against the bytes actually stored before allocating: a header's dims alone
        // never size an allocation.
        if (t.IsExternal || t.External.Count > 0) return ReadExternal(t, modelPath, type, count);
        if (t.RawLength >= 0)
        {
            if ((long)count * size != t.RawLength)
                throw Mismatch(t, modelPath, $"raw_data of {t.RawLength} bytes", $"{(long)count * size} bytes");
            var values = new float[count];
            ReadOnlySpan<byte> raw = model.Bytes.AsSpan(t.RawOffset, t.RawLength);
            if (type == StoredFloatType.Float32)
                for (int i = 0; i < count; i++) values[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(4 * i));
            else LittleEndianFloatReader.Convert(type, raw, values);
            return values;
        }
        (int stored, string field) = type switch
        {
            StoredFloatType.Float32 => (t.FloatData.Count, "float_data"),
            StoredFloatType.Float64 => (t.DoubleData.Count, "double_data"),
            _ => (t.Int32Data.Count, "int32_data"), // float16 / bfloat16 bit patterns
        };
        if (stored != count) throw Mismatch(t, modelPath, $"{stored} {field} values", $"{count}");
        var fromLists = new float[count];
        switch (type)
        {
            case StoredFloatType.Float32:
                CollectionsMarshal.AsSpan(t.FloatData).CopyTo(fromLists);
                break;
            case StoredFloatType.Float64:
                for (int i = 0; i < count; i++) fromLists[i] = (float)t.DoubleData[i];
                break;
            default:
                for (int i = 0; i < count; i++)
                {
                    ushort bits = (ushort)t.Int32Data[i];
                    fromLists[i] = type == StoredFloatType.Float16 ? (float)BitConverter.UInt16BitsToHalf(bits) : BitConverter.Int32BitsToSingle(bits << 16);
                }
                break;
        }
        return fromLists;
    }

    /// <summary>Reads an INT32 or INT64 tensor (sequence_lens) as int.</summary>
    public static long[] ReadIntegers(OnnxTensorProto t, OnnxModelProto model, string modelPath)
    {
        int count = ElementCount(t, modelPath);
        if (t.DataType is not (OnnxTensorProto.Int32 or OnnxTensorProto.Int64))
            throw new RnnFormatException($"{modelPath}: tensor '{t.Name}' is {OnnxTensorProto.TypeName(t.DataType)}, expected INT32.", modelPath, t.Name);
        int size = t.DataType == OnnxTensorProto.Int32 ? 4 : 8;
        if (t.RawLength >= 0)
        {
            if ((long)count * size != t.RawLength) throw Mismatch(t, modelPath, $"raw_data of {t.RawLength} bytes", $"{(long)count * size} bytes");
            var values = new long[count];
            ReadOnlySpan<byte> raw = model.Bytes.AsSpan(t.RawOffset, t.RawLength);
            for (int i = 0; i < count; i++)
                values[i] = size == 4 ? System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(raw.Slice(4 * i))
                    : System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(raw.Slice(8 * i));
            return values;
        }
        List<long> data = t.DataType == OnnxTensorProto.Int32 ? t.Int32Data : t.Int64Data;
        if (data.Count != count) throw Mismatch(t, modelPath, $"{data.Count} values", $"{count}");
        return [.. data];
    }

    /// <summary>Reads an INT8 or UINT8 tensor (quantized weights and their zero points) from raw_data, int32_data or an external file.</summary>
    public static int[] ReadBytes(OnnxTensorProto t, OnnxModelProto model, string modelPath)
    {
        int count = ElementCount(t, modelPath);
        if (t.DataType is not (OnnxTensorProto.Int8 or OnnxTensorProto.UInt8))
            throw new RnnFormatException($"{modelPath}: tensor '{t.Name}' is {OnnxTensorProto.TypeName(t.DataType)}, expected INT8 or UINT8.", modelPath, t.Name);
        bool signed = t.DataType == OnnxTensorProto.Int8;
        // As in ReadFloats: the dims are checked against the values stored before anything is allocated.
        if (t.IsExternal || t.External.Count > 0)
        {
            using SafeFileHandle file = OpenExternal(t, modelPath, count, out long offset, out string full);
            var stored = new byte[count];
            for (int read = 0, n; read < count; read += n)
                if ((n = RandomAccess.Read(file, stored.AsSpan(read), offset + read)) == 0)
                    throw new RnnFormatException($"{full}: external data of tensor '{t.Name}' ended after {read} of its {count} bytes.", full, t.Name);
            return Widen(stored, signed);
        }
        if (t.RawLength >= 0)
        {
            if (count != t.RawLength) throw Mismatch(t, modelPath, $"raw_data of {t.RawLength} bytes", $"{count} bytes");
            return Widen(model.Bytes.AsSpan(t.RawOffset, t.RawLength), signed);
        }
        if (t.Int32Data.Count != count) throw Mismatch(t, modelPath, $"{t.Int32Data.Count} int32_data values", $"{count}");
        var values = new int[count];
        for (int i = 0; i < count; i++)
        {
            long v = t.Int32Data[i];
            if (signed ? v is < sbyte.MinValue or > sbyte.MaxValue : v is < 0 or > byte.MaxValue)
                throw new RnnFormatException($"{modelPath}: tensor '{t.Name}' holds {v} at {i}, outside {OnnxTensorProto.TypeName(t.DataType)}.", modelPath, t.Name);
            values[i] = (int)v;
        }
        return values;
    }

    private static RnnFormatException Mismatch(OnnxTensorProto t, string modelPath, string found, string expected) =>
        new($"{modelPath}: tensor '{t.Name}' with dims {Show(t.Dims)} holds {found}, expected {expected}.", modelPath, t.Name);

    private static int[] Widen(ReadOnlySpan<byte> stored, bool signed)
    {
        var values = new int[stored.Length];
        for (int i = 0; i < stored.Length; i++) values[i] = signed ? (sbyte)stored[i] : stored[i];
        return values;
    }

    private static float[] ReadExternal(OnnxTensorProto t, string modelPath, StoredFloatType type, int count)
    {
        using SafeFileHandle file = OpenExternal(t, modelPath, (long)count * StoredFloatTypes.ByteSize(type), out long offset, out string full);
        var values = new float[count];
        LittleEndianFloatReader.Read(file, offset, type, values, full, t.Name);
        return values;
    }

    /// <summary>
    /// Opens the external file holding <paramref name="bytes"/> bytes of <paramref name="t"/>: its location resolved against
    /// the model's folder (and kept inside it, as ONNX requires), its length and offset checked against the dims and the
    /// file before anything is read.
    /// </summary>
    private static SafeFileHandle OpenExternal(OnnxTensorProto t, string modelPath, long bytes, out long offset, out string full)
    {
        string? location = null;
        long length = -1;
        offset = 0;
        foreach (var (key, value) in t.External)
        {
            switch (key)
            {
                case "location": location = value; break;
                case "offset" when !long.TryParse(value, out offset) || offset < 0:
                case "length" when !long.TryParse(value, out length) || length < 0:
                    throw new RnnFormatException($"{modelPath}: tensor '{t.Name}' has external_data {key} '{value}', expected a whole number >= 0.", modelPath, t.Name);
            }
        }
        if (string.IsNullOrEmpty(location))
            throw new RnnFormatException($"{modelPath}: tensor '{t.Name}' is stored externally but names no location.", modelPath, t.Name);
        // ONNX resolves the location against the model's folder and forbids leaving it.
        string directory = Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".";
        full = Path.GetFullPath(Path.Combine(directory, location));
        if (Path.IsPathRooted(location) || !full.StartsWith(directory.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new RnnFormatException($"{modelPath}: tensor '{t.Name}' names external data '{location}' outside the model's folder.", modelPath, t.Name);
        if (length >= 0 && length != bytes)
            throw new RnnFormatException($"{modelPath}: tensor '{t.Name}' with dims {Show(t.Dims)} has external_data length {length}, expected {bytes} bytes.", modelPath, t.Name);
        if (!File.Exists(full))
            throw new RnnFormatException($"{modelPath}: tensor '{t.Name}' is stored in '{full}', which does not exist.", full, t.Name);
        SafeFileHandle file = File.OpenHandle(full);
        long fileLength = RandomAccess.GetLength(file);
        if (offset > fileLength || fileLength - offset < bytes)
        {
            file.Dispose();
            throw new RnnFormatException(
                $"{full}: external data of tensor '{t.Name}' needs bytes {offset}..{offset + bytes}, but the file has {fileLength}.", full, t.Name);
        }
        return file;
    }
}
