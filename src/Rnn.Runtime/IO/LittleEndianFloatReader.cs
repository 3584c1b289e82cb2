using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Rnn.Runtime.IO;

/// <summary>
/// Reads stored floats from a file at an offset straight into a float32 span, converting on the way.
/// Positional reads (pread) keep concurrent readers of one handle independent, and a file that shrinks
/// after it was opened gives a clean error instead of the SIGBUS a memory map would.
/// </summary>
internal static class LittleEndianFloatReader
{
    private const int ChunkBytes = 64 * 1024;

    public static void Read(SafeFileHandle file, long offset, StoredFloatType type, Span<float> destination,
        string filePath, string? tensorName)
    {
        if (type == StoredFloatType.Float32)
        {
            // Float32 needs no conversion: read the bytes into the destination itself.
            ReadExactly(file, offset, MemoryMarshal.AsBytes(destination), filePath, tensorName);
            if (!BitConverter.IsLittleEndian)
            {
                Span<int> bits = MemoryMarshal.Cast<float, int>(destination);
                BinaryPrimitives.ReverseEndianness(bits, bits);
            }
            return;
        }

        int size = StoredFloatTypes.ByteSize(type);
        int perChunk = ChunkBytes / size;
        byte[] chunk = ArrayPool<byte>.Shared.Rent(perChunk * size);
        try
        {
            for (int done = 0; done < destination.Length; done += perChunk)
            {
                int count = Math.Min(perChunk, destination.Length - done);
                Span<byte> bytes = chunk.AsSpan(0, count * size);
                ReadExactly(file, offset + (long)done * size, bytes, filePath, tensorName);
                Convert(type, bytes, destination.Slice(done, count));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    public static void ReadExactly(SafeFileHandle file, long offset, Span<byte> buffer, string filePath, string? tensorName)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(file, buffer, offset);
            if (read == 0)
            {
                string what = tensorName is null ? "" : $" while reading tensor '{tensorName}'";
                throw new RnnFormatException(
                    $"File '{filePath}' ended at byte {offset}{what}, {buffer.Length} bytes short (was it truncated after it was opened?).",
                    filePath, tensorName);
            }
            buffer = buffer.Slice(read);
            offset += read;
        }
    }

    internal static void Convert(StoredFloatType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (type)
        {
            case StoredFloatType.Float16 when BitConverter.IsLittleEndian:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
                break;
            case StoredFloatType.Float16:
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(2 * i)));
                break;
            case StoredFloatType.BFloat16:
                ConvertBFloat16(source, destination);
                break;
            case StoredFloatType.Float64:
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(source.Slice(8 * i));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    // bfloat16 is the top half of a float32: shifting it back up is exact, NaN payloads included.
    private static void ConvertBFloat16(ReadOnlySpan<byte> source, Span<float> destination)
    {
        int i = 0;
        if (BitConverter.IsLittleEndian && Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<ushort> halves = MemoryMarshal.Cast<byte, ushort>(source);
            Span<uint> words = MemoryMarshal.Cast<float, uint>(destination);
            for (; i <= halves.Length - Vector<ushort>.Count; i += Vector<ushort>.Count)
            {
                Vector.Widen(new Vector<ushort>(halves.Slice(i)), out Vector<uint> low, out Vector<uint> high);
                (low << 16).CopyTo(words.Slice(i));
                (high << 16).CopyTo(words.Slice(i + Vector<uint>.Count));
            }
        }
        for (; i < destination.Length; i++)
            destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(2 * i)) << 16);
    }
}
