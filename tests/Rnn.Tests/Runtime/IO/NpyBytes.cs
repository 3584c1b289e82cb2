using System.Buffers.Binary;
using System.Text;

namespace Rnn.Tests.Runtime.IO;

/// <summary>Builds .npy files byte by byte, independently of Npy.Write, for tests.</summary>
internal static class NpyBytes
{
    public static byte[] Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Magic, version, length, <paramref name="dict"/> padded with spaces and '\n' to 64 bytes, then data.</summary>
    public static byte[] Build(string dict, ReadOnlySpan<byte> data, byte major = 1, byte minor = 0)
    {
        int prefix = major == 1 ? 10 : 12;
        byte[] text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(dict);
        int headerLength = text.Length + 1;
        headerLength += (64 - (prefix + headerLength) % 64) % 64;
        var file = new byte[prefix + headerLength + data.Length];
        Magic.CopyTo(file, 0);
        file[6] = major;
        file[7] = minor;
        if (prefix == 10) BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)headerLength);
        else BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), (uint)headerLength);
        text.CopyTo(file, prefix);
        file.AsSpan(prefix + text.Length, headerLength - text.Length - 1).Fill((byte)' ');
        file[prefix + headerLength - 1] = (byte)'\n';
        data.CopyTo(file.AsSpan(prefix + headerLength));
        return file;
    }

    public static byte[] Float32(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }

    public static string F4Dict(string shape, string descr = "<f4", string fortran = "False")
        => $"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape}, }}";
}
