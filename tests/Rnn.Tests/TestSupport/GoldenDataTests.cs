using System.Text.Json;

namespace Rnn.Tests.TestSupport;

/// <summary>
/// The repository's copy of the PyTorch vectors is whole: every case index.json lists is there with every file its
/// manifest names, and the folder holds nothing index.json does not list (so a case cannot silently drop out).
/// </summary>
public class GoldenDataTests
{
    [Fact]
    public void Every_indexed_case_has_the_files_its_manifest_lists()
    {
        string root = GoldenData.RequiredRoot;
        Assert.True(File.Exists(Path.Combine(root, "README.md")), $"{root}/README.md missing");
        IReadOnlyList<string> cases = GoldenData.RnnCaseNames();
        Assert.Equal(18, cases.Count); // family A: 16 small cases and 2 large ones, as the README's table lists
        foreach (string name in cases)
        {
            using JsonDocument manifest = GoldenData.ReadManifest(name);
            JsonElement files = manifest.RootElement.GetProperty("files");
            var expected = new List<string> { "weights.safetensors", "grads.safetensors" };
            foreach (string group in (ReadOnlySpan<string>)["inputs", "outputs", "loss_weights", "input_grads"])
                foreach (JsonElement file in files.GetProperty(group).EnumerateArray()) expected.Add(file.GetString()!);
            foreach (string file in expected)
                Assert.True(File.Exists(Path.Combine(root, name, file)), $"{name}/{file} listed in its manifest but missing");
            Assert.Equal(expected.Count + 1, Directory.GetFiles(Path.Combine(root, name)).Length); // + manifest.json
        }
    }

    [Fact]
    public void The_folder_holds_exactly_the_indexed_cases()
    {
        string root = GoldenData.RequiredRoot;
        using JsonDocument index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(root, "index.json")));
        var listed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string name in GoldenData.RnnCaseNames()) listed.Add(name);
        foreach (string group in (ReadOnlySpan<string>)["clip_grad_norm_cases", "adam_cases"])
            foreach (JsonElement file in index.RootElement.GetProperty(group).EnumerateArray())
            {
                string relative = file.GetString()!;
                Assert.True(File.Exists(Path.Combine(root, relative)), $"{relative} listed in index.json but missing");
                listed.Add(relative.Split('/')[0]);
            }
        var present = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string directory in Directory.GetDirectories(root)) present.Add(Path.GetFileName(directory));
        Assert.Equal(listed, present);
    }
}
