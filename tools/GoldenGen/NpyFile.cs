using System.Text;

namespace GoldenGen;

/// <summary>
/// Writes float32 .npy files (format 1.0) as NumPy does: the header dict padded with spaces and a newline so the data
/// starts at a multiple of 64 bytes. Written here rather than taken from Rnn.Runtime, so that the vectors the runtime
/// is checked against do not pass through the runtime's own I/O code.
/// </summary>
internal static class NpyFile
{
    public static void Write(string path, ReadOnlySpan<float> data, ReadOnlySpan<long> shape)
    {
        string dims = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape.ToArray()) + ")";
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {dims}, }}";
        int unpadded = 10 + dict.Length + 1;
        int headerLength = dict.Length + 1 + (64 - unpadded % 64) % 64;
        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream);
        writer.Write((byte)0x93);
        writer.Write("NUMPY"u8);
        writer.Write((byte)1);
        writer.Write((byte)0);
        writer.Write((ushort)headerLength);
        writer.Write(Encoding.ASCII.GetBytes(dict.PadRight(headerLength - 1) + "\n"));
        foreach (float value in data) writer.Write(value);
    }
}
