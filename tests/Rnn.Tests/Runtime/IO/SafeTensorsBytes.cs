using System.Buffers.Binary;
using System.Text;

namespace Rnn.Tests.Runtime.IO;

/// <summary>Builds safetensors files byte by byte, independently of SafeTensorsWriter, for tests.</summary>
internal static class SafeTensorsBytes
{
    /// <summary>8-byte little-endian header length, the header (space-padded to 8), then <paramref name="data"/>.</summary>
    public static byte[] Build(string headerJson, ReadOnlySpan<byte> data)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        int padded = (header.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        header.CopyTo(file, 8);
        file.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        data.CopyTo(file.AsSpan(8 + padded));
        return file;
    }

    public static byte[] Build(string headerJson, int dataLength) => Build(headerJson, new byte[dataLength]);

    /// <summary>The raw header length field and JSON text of a file.</summary>
    public static (ulong Length, string Json) ReadHeader(byte[] file)
    {
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file);
        return (length, Encoding.UTF8.GetString(file, 8, (int)length));
    }
}
