namespace Rnn.Tests.Workloads.Data;

/// <summary>
/// Finds the reference data folder: &lt;repo&gt;/../shared/data, where the repo root is the folder holding Rnn.slnx.
/// A git worktree may sit one level deeper than the main checkout (e.g. /work/wt/name beside /work/shared), so the
/// repo root's further ancestors are tried too.
/// </summary>
internal static class SharedDataLocator
{
    private static readonly Lazy<string?> Folder = new(Find);

    public static string? DataFolder => Folder.Value;

    public static string SkipReason =>
        $"reference data not found: no shared/data beside the repository root or its ancestors (searched from {AppContext.BaseDirectory})";

    private static string? Find()
    {
        DirectoryInfo? directory = new(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Rnn.slnx"))) directory = directory.Parent;
        for (DirectoryInfo? ancestor = directory?.Parent; ancestor is not null; ancestor = ancestor.Parent)
        {
            string candidate = Path.Combine(ancestor.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}

/// <summary>A fact that is skipped, with the reason shown, when the shared reference data is absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (SharedDataLocator.DataFolder is null) Skip = SharedDataLocator.SkipReason;
    }
}
