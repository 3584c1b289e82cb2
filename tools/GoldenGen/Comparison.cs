using System.Buffers.Binary;

namespace GoldenGen;

/// <summary>
/// Compares a regenerated folder with a committed one, file by file: byte-identical, or for .npy/.safetensors the
/// largest difference between the float32 payloads (same header required), or for .json simply "differs".
/// Returns 0 when every committed file (README.md aside) was reproduced byte for byte, 1 otherwise.
/// </summary>
internal static class Comparison
{
    public static int Run(string committed, string generated)
    {
        int identical = 0, different = 0, missing = 0;
        double worst = 0;
        var committedFiles = Directory.GetFiles(committed, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(committed, f)).Where(f => f != "README.md").Order(StringComparer.Ordinal).ToList();
        foreach (string relative in committedFiles)
        {
            string theirs = Path.Combine(generated, relative);
            if (!File.Exists(theirs)) { missing++; Console.WriteLine($"missing  {relative}"); continue; }
            byte[] a = File.ReadAllBytes(Path.Combine(committed, relative)), b = File.ReadAllBytes(theirs);
            if (a.AsSpan().SequenceEqual(b)) { identical++; continue; }
            different++;
            int dataOffset = DataOffset(relative, a);
            if (dataOffset > 0 && a.Length == b.Length && a.AsSpan(0, dataOffset).SequenceEqual(b.AsSpan(0, dataOffset)))
            {
                double diff = MaxFloatDifference(a.AsSpan(dataOffset), b.AsSpan(dataOffset));
                worst = Math.Max(worst, diff);
                Console.WriteLine($"differs  {relative}: same header, max |difference| {diff:E2}");
            }
            else Console.WriteLine($"differs  {relative}");
        }
        Console.WriteLine($"{identical} of {committedFiles.Count} files byte-identical, {different} differ (largest float difference {worst:E2}), {missing} missing");
        return different == 0 && missing == 0 ? 0 : 1;
    }

    private static int DataOffset(string name, byte[] file) =>
        name.EndsWith(".npy", StringComparison.Ordinal) && file.Length >= 10 ? 10 + BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8)) :
        name.EndsWith(".safetensors", StringComparison.Ordinal) && file.Length >= 8 ? 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file) :
        0;

    private static double MaxFloatDifference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        double max = 0;
        for (int i = 0; i + 4 <= a.Length; i += 4)
            max = Math.Max(max, Math.Abs(BinaryPrimitives.ReadSingleLittleEndian(a[i..]) - (double)BinaryPrimitives.ReadSingleLittleEndian(b[i..])));
        return max;
    }
}
