using System.Text.Json;

namespace Rnn.Tests.Training;

/// <summary>
/// The clip_grad_norm_ and Adam cases of the PyTorch reference data (<c>tests/golden</c>, found by
/// <see cref="TestSupport.GoldenData"/>; a missing folder fails the tests that need it).
/// </summary>
internal static class TrainingGolden
{
    /// <summary>The golden folder, as the shared locator finds it (one rule for every test).</summary>
    public static string Directory => TestSupport.GoldenData.RequiredRoot;

    /// <summary>File names (without folder) of the JSON cases in a golden sub-folder, sorted.</summary>
    public static IEnumerable<object[]> JsonCases(string subfolder)
    {
        string folder = Path.Combine(Directory, subfolder);
        string[] files = System.IO.Directory.GetFiles(folder, "*.json");
        Array.Sort(files, StringComparer.Ordinal);
        foreach (string file in files) yield return [Path.GetFileName(file)];
    }

    public static JsonDocument Load(string subfolder, string fileName)
    {
        string path = Path.Combine(Directory, subfolder, fileName);
        return JsonDocument.Parse(File.ReadAllBytes(path));
    }

    /// <summary>A JSON array of numbers as floats (the files hold float32 values as shortest round-trip decimals).</summary>
    public static float[] Floats(JsonElement array)
    {
        var values = new float[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray()) values[i++] = (float)item.GetDouble();
        return values;
    }

    public static int[] Ints(JsonElement array)
    {
        var values = new int[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray()) values[i++] = item.GetInt32();
        return values;
    }
}
