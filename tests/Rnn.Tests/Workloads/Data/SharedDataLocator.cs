namespace Rnn.Tests.Workloads.Data;

/// <summary>
/// Finds the large reference datasets that are not committed (IMDB, 54 MB; War and Peace, 3.2 MB): the folder named
/// by RNN_DATA_DIR when set, else &lt;repo&gt;/../shared/data, where the repo root is the folder holding Rnn.slnx.
/// A git worktree may sit one level deeper than the main checkout (e.g. /work/wt/name beside /work/shared), so the
/// repo root's further ancestors are tried too. Tests needing it skip, saying how to get the data, when it is absent.
/// </summary>
internal static class SharedDataLocator
{
    public const string EnvironmentVariable = "RNN_DATA_DIR";

    private static readonly Lazy<string?> Folder = new(Find);

    public static string? DataFolder => Folder.Value;

    public static string SkipReason =>
        $"large dataset not committed and not found (no {EnvironmentVariable}, no shared/data beside the repository root or its" +
        $" ancestors, searched from {AppContext.BaseDirectory}). To run this test, make a folder with imdb/ (train.jsonl.gz and" +
        " test.jsonl.gz, or aclImdb_v1.tar.gz from https://ai.stanford.edu/~amaas/data/sentiment/, and imdb_word_index.json" +
        " from https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb_word_index.json) and warpeace/input.txt" +
        $" (https://cs.stanford.edu/people/karpathy/char-rnn/warpeace_input.txt) and set {EnvironmentVariable} to it;" +
        " docs/workloads.md describes the forms read.";

    private static string? Find()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment)) return Directory.Exists(fromEnvironment) ? Path.GetFullPath(fromEnvironment) : null;
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

/// <summary>A fact that is skipped, with the reason and how to get the data shown, when the large datasets are absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (SharedDataLocator.DataFolder is null) Skip = SharedDataLocator.SkipReason;
    }
}
