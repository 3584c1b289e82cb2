using System.Text;

namespace GoldenGen;

/// <summary>
/// Writes float32 .safetensors files: u64 header length, compact JSON header (metadata first, then the tensors in
/// ordinal name order) space-padded to a multiple of 8, then the tensors' data contiguous in that order.
/// </summary>
internal static class SafeTensorsFile
{
    public static void Write(string path, IReadOnlyList<(string Name, float[] Data, long[] Shape)> tensors, string producer)
    {
        var sorted = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var header = new StringBuilder();
        header.Append("{\"__metadata__\":{\"format\":\"pt\",\"producer\":\"").Append(producer).Append("\"}");
        long offset = 0;
        foreach (var (name, data, shape) in sorted)
        {
            long end = offset + 4L * data.Length;
            header.Append($",\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{end}]}}");
            offset = end;
        }
        header.Append('}');
        while (header.Length % 8 != 0) header.Append(' ');
        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream);
        writer.Write((ulong)header.Length);
        writer.Write(Encoding.ASCII.GetBytes(header.ToString()));
        foreach (var (_, data, _) in sorted)
            foreach (float value in data) writer.Write(value);
    }
}
