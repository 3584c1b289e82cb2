using System.Text.Json;

namespace Rnn.Tests.TestSupport;

/// <summary>
/// Finds the PyTorch reference vectors: <c>&lt;repo&gt;/../shared/golden</c>, where the repo root is the folder
/// holding Rnn.slnx above the test binaries. A git worktree sits one level deeper than a plain clone, so a
/// couple of further ancestors are tried too. The environment variable RNN_GOLDEN_DIR, when set, is used alone.
/// Tests that need the files use <see cref="GoldenFactAttribute"/> / <see cref="GoldenTheoryAttribute"/>,
/// which skip (with <see cref="SkipReason"/>) when the folder is absent.
/// </summary>
public static class GoldenData
{
    public const string EnvironmentVariable = "RNN_GOLDEN_DIR";
    private const int ExtraAncestorsToTry = 2;

    private static readonly Lazy<string?> s_root = new(FindRoot);

    /// <summary>The golden folder, or null when it cannot be found.</summary>
    public static string? Root => s_root.Value;

    public static string SkipReason =>
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable(EnvironmentVariable))
            ? $"Golden reference data not found: looked for <repo>/../shared/golden (repo = folder with Rnn.slnx above {AppContext.BaseDirectory});" +
              $" copy the shared/ folder beside the repository or set {EnvironmentVariable} to run these tests."
            : $"Golden reference data not found: {EnvironmentVariable}={Environment.GetEnvironmentVariable(EnvironmentVariable)} is not a directory.";

    /// <summary>The golden folder; throws when absent (only call from tests marked [GoldenFact]/[GoldenTheory]).</summary>
    public static string RequiredRoot => Root ?? throw new InvalidOperationException(SkipReason);

    public static string CaseDirectory(string caseName) => Path.Combine(RequiredRoot, caseName);

    /// <summary>Names of the RNN/LSTM/GRU cases listed in index.json (empty when the folder is absent).</summary>
    public static IReadOnlyList<string> RnnCaseNames()
    {
        if (Root is null) return [];
        using JsonDocument index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Root, "index.json")));
        var names = new List<string>();
        foreach (JsonElement testCase in index.RootElement.GetProperty("rnn_cases").EnumerateArray())
            names.Add(testCase.GetProperty("name").GetString()!);
        return names;
    }

    /// <summary>For <c>[MemberData(nameof(GoldenData.RnnCases), MemberType = typeof(GoldenData))]</c>.</summary>
    public static TheoryData<string> RnnCases => [.. RnnCaseNames()];

    /// <summary>A case's manifest.json, parsed.</summary>
    public static JsonDocument ReadManifest(string caseName)
        => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(CaseDirectory(caseName), "manifest.json")));

    private static string? FindRoot()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
            return Directory.Exists(fromEnvironment) ? Path.GetFullPath(fromEnvironment) : null;

        string? repoRoot = FindRepoRoot();
        if (repoRoot is null) return null;
        DirectoryInfo? ancestor = Directory.GetParent(repoRoot);
        for (int i = 0; ancestor is not null && i <= ExtraAncestorsToTry; i++, ancestor = ancestor.Parent)
        {
            string candidate = Path.Combine(ancestor.FullName, "shared", "golden");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The folder holding Rnn.slnx, walking up from the test binaries.</summary>
    public static string? FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Rnn.slnx"))) return dir.FullName;
        }
        return null;
    }
}
