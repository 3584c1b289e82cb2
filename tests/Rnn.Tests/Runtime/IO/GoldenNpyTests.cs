using System.Text.Json;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime.IO;

/// <summary>Every golden .npy file reads with the shape its case's manifest implies and rewrites identically.</summary>
public sealed class GoldenNpyTests
{
    [Theory]
    [MemberData(nameof(GoldenData.RnnCases), MemberType = typeof(GoldenData))]
    public void Every_npy_file_has_the_shape_the_manifest_implies(string caseName)
    {
        using JsonDocument manifest = GoldenData.ReadManifest(caseName);
        string directory = GoldenData.CaseDirectory(caseName);
        List<string> listed = ListedNpyFiles(manifest);
        string[] present = Directory.GetFiles(directory, "*.npy").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(listed.Order(StringComparer.Ordinal), present);

        foreach (string fileName in listed)
        {
            int[] expected = ExpectedShape(manifest.RootElement, Path.GetFileNameWithoutExtension(fileName));
            string path = Path.Combine(directory, fileName);
            NpyArray array = Npy.Read(path);
            Assert.Equal(expected, array.Shape);
            Assert.Equal(expected, Npy.ReadShape(path));
            Assert.Equal(expected.Aggregate(1, (a, b) => a * b), array.Data.Length);
            Assert.All(array.Data, v => Assert.True(float.IsFinite(v), $"{fileName} has a non-finite value"));
        }
    }

    [Theory]
    [MemberData(nameof(GoldenData.RnnCases), MemberType = typeof(GoldenData))]
    public void Rewriting_every_npy_file_reproduces_it_byte_for_byte(string caseName)
    {
        using var temp = new TempDirectory();
        foreach (string original in Directory.GetFiles(GoldenData.CaseDirectory(caseName), "*.npy"))
        {
            NpyArray array = Npy.Read(original);
            string copy = temp.File(Path.GetFileName(original));
            Npy.Write(copy, array);
            Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(copy));
        }
    }

    private static List<string> ListedNpyFiles(JsonDocument manifest)
    {
        JsonElement files = manifest.RootElement.GetProperty("files");
        var names = new List<string>();
        foreach (string group in new[] { "inputs", "outputs", "loss_weights", "input_grads" })
            names.AddRange(files.GetProperty(group).EnumerateArray().Select(f => f.GetString()!));
        return names;
    }

    // Shapes from the README's layout table (batch_first = false).
    private static int[] ExpectedShape(JsonElement manifest, string stem)
    {
        int t = manifest.GetProperty("seq_len").GetInt32();
        int b = manifest.GetProperty("batch").GetInt32();
        int i = manifest.GetProperty("input_size").GetInt32();
        int h = manifest.GetProperty("hidden_size").GetInt32();
        int l = manifest.GetProperty("num_layers").GetInt32();
        int d = manifest.GetProperty("num_directions").GetInt32();
        return stem switch
        {
            "x" or "d_x" => [t, b, i],
            "y" or "r_y" => [t, b, d * h],
            "h0" or "c0" or "hn" or "cn" or "r_hn" or "r_cn" or "d_h0" or "d_c0" => [l * d, b, h],
            _ => throw new InvalidOperationException($"No expected shape for {stem}.npy"),
        };
    }
}
