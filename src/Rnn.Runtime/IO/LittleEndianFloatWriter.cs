using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Rnn.Runtime.IO;

/// <summary>Writes float32 values to a stream as little-endian bytes, the byte order both formats use.</summary>
internal static class LittleEndianFloatWriter
{
    public static void Write(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        Span<byte> chunk = stackalloc byte[4096];
        while (!values.IsEmpty)
        {
            int count = Math.Min(values.Length, chunk.Length / 4);
            for (int i = 0; i < count; i++)
                BinaryPrimitives.WriteSingleLittleEndian(chunk.Slice(4 * i), values[i]);
            stream.Write(chunk.Slice(0, 4 * count));
            values = values.Slice(count);
        }
    }
}
