using System.Text.Json;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime.IO;

/// <summary>Every golden weights/grads file opens, matches its manifest, and rewrites to identical bytes.</summary>
public sealed class GoldenSafeTensorsTests
{
    [Theory]
    [MemberData(nameof(GoldenData.RnnCases), MemberType = typeof(GoldenData))]
    public void Weights_have_the_manifest_names_and_shapes_and_PyTorch_init_range(string caseName)
    {
        using JsonDocument manifest = GoldenData.ReadManifest(caseName);
        Dictionary<string, int[]> expected = ParameterShapes(manifest);
        using SafeTensorsFile file = SafeTensorsFile.Open(Path.Combine(GoldenData.CaseDirectory(caseName), "weights.safetensors"));

        AssertNamesAndShapes(expected, file);
        Assert.Equal("pt", file.Metadata["format"]);
        // PyTorch initialises every RNN parameter from U(-1/sqrt(H), 1/sqrt(H)): values decoded at the wrong
        // offset or byte order would not stay inside that range.
        float bound = 1f / MathF.Sqrt(manifest.RootElement.GetProperty("hidden_size").GetInt32());
        foreach (string name in file.Names)
        {
            float[] values = file.ReadFloat32(name);
            Assert.All(values, v => Assert.InRange(v, -bound, bound));
            Assert.True(values.Distinct().Count() > values.Length / 2, $"{name}: values look repeated, not random");
        }
    }

    [Theory]
    [MemberData(nameof(GoldenData.RnnCases), MemberType = typeof(GoldenData))]
    public void Grads_have_the_same_names_and_shapes_as_the_parameters(string caseName)
    {
        using JsonDocument manifest = GoldenData.ReadManifest(caseName);
        Dictionary<string, int[]> expected = ParameterShapes(manifest);
        using SafeTensorsFile file = SafeTensorsFile.Open(Path.Combine(GoldenData.CaseDirectory(caseName), "grads.safetensors"));

        AssertNamesAndShapes(expected, file);
        foreach (string name in file.Names)
        {
            float[] values = file.ReadFloat32(name);
            Assert.All(values, v => Assert.True(float.IsFinite(v), $"{name} has a non-finite gradient"));
            Assert.Contains(values, v => v != 0f);
        }
    }

    [Theory]
    [MemberData(nameof(GoldenData.RnnCases), MemberType = typeof(GoldenData))]
    public void Rewriting_a_golden_file_reproduces_it_byte_for_byte(string caseName)
    {
        using var temp = new TempDirectory();
        foreach (string fileName in new[] { "weights.safetensors", "grads.safetensors" })
        {
            string original = Path.Combine(GoldenData.CaseDirectory(caseName), fileName);
            var writer = new SafeTensorsWriter();
            using (SafeTensorsFile file = SafeTensorsFile.Open(original))
            {
                writer.AddAll(file);
                foreach ((string key, string value) in file.Metadata) writer.Metadata[key] = value;
            }
            string copy = temp.File(fileName);
            writer.Save(copy);

            Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(copy));
        }
    }

    [Theory]
    [MemberData(nameof(GoldenData.RnnCases), MemberType = typeof(GoldenData))]
    public void Span_read_and_array_read_agree(string caseName)
    {
        using SafeTensorsFile file = SafeTensorsFile.Open(Path.Combine(GoldenData.CaseDirectory(caseName), "weights.safetensors"));
        foreach (string name in file.Names)
        {
            var viaSpan = new float[file.GetElementCount(name)];
            file.Read(name, viaSpan);
            Assert.Equal(file.ReadFloat32(name), viaSpan);
        }
    }

    private static void AssertNamesAndShapes(Dictionary<string, int[]> expected, SafeTensorsFile file)
    {
        // The golden files store tensors in name order, like PyTorch's safetensors.
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), file.Names);
        foreach ((string name, int[] shape) in expected)
        {
            Assert.Equal(shape, file.GetShape(name));
            Assert.Equal("F32", file.GetDType(name));
            Assert.True(file.TryGetShape(name, out int[] viaInterface));
            Assert.Equal(shape, viaInterface);
        }
    }

    private static Dictionary<string, int[]> ParameterShapes(JsonDocument manifest)
    {
        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (JsonProperty parameter in manifest.RootElement.GetProperty("parameter_shapes").EnumerateObject())
            shapes.Add(parameter.Name, parameter.Value.EnumerateArray().Select(d => d.GetInt32()).ToArray());
        Assert.NotEmpty(shapes);
        return shapes;
    }
}
