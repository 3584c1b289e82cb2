using System.Text.Json;

namespace Rnn.Tests.Training;

/// <summary>
/// Finds the PyTorch reference data: <c>&lt;repo&gt;/../shared/golden</c> (repo = the folder with Rnn.slnx), or else
/// the nearest ancestor of the test binaries that has <c>shared/golden</c>. Tests that need it skip when absent.
/// </summary>
internal static class TrainingGolden
{
    /// <summary>The golden folder, as the shared locator finds it (one rule for every test).</summary>
    public static string? Directory => TestSupport.GoldenData.Root;

    public static string SkipReason => TestSupport.GoldenData.SkipReason;

    /// <summary>File names (without folder) of the JSON cases in a golden sub-folder, sorted; empty if absent.</summary>
    public static IEnumerable<object[]> JsonCases(string subfolder)
    {
        if (Directory is null) yield break;
        string folder = Path.Combine(Directory, subfolder);
        if (!System.IO.Directory.Exists(folder)) yield break;
        string[] files = System.IO.Directory.GetFiles(folder, "*.json");
        Array.Sort(files, StringComparer.Ordinal);
        foreach (string file in files) yield return [Path.GetFileName(file)];
    }

    public static JsonDocument Load(string subfolder, string fileName)
    {
        string path = Path.Combine(Directory ?? throw new InvalidOperationException(SkipReason), subfolder, fileName);
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
