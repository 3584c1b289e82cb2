using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Workloads.Data;

/// <summary>
/// Where one IMDB split is read from. <see cref="Path"/> is the .jsonl(.gz) file, the .tar.gz archive, or the
/// folder that holds train/ and test/. <see cref="WordIndexPath"/> is imdb_word_index.json beside it, or null.
/// </summary>
public sealed record ImdbSource(ImdbSourceKind Kind, string Path, ImdbSplit Split, string? WordIndexPath)
{
    public const string WordIndexFileName = "imdb_word_index.json";
    private static readonly string[] ArchiveNames = ["aclImdb_v1_labeled.tar.gz", "aclImdb_v1.tar.gz"];

    /// <summary>
    /// Finds <paramref name="split"/> under <paramref name="path"/>. A directory is searched in this order
    /// (the first form present wins unless <paramref name="kind"/> asks for one): &lt;split&gt;.jsonl.gz, &lt;split&gt;.jsonl,
    /// aclImdb_v1_labeled.tar.gz / aclImdb_v1.tar.gz, the folder layout at DIR/&lt;split&gt;/{pos,neg} or
    /// DIR/aclImdb/&lt;split&gt;/{pos,neg}. A file path is taken as a .jsonl(.gz) or .tar.gz/.tgz source itself.
    /// </summary>
    public static ImdbSource Locate(string path, ImdbSplit split, ImdbSourceKind? kind = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string splitName = ImdbReviewPath.SplitFolderName(split);
        if (File.Exists(path)) return FromFile(System.IO.Path.GetFullPath(path), split, splitName, kind);
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"IMDB data directory not found: '{path}'");

        string directory = System.IO.Path.GetFullPath(path);
        string? wordIndex = FindWordIndex(directory);
        if (kind is null or ImdbSourceKind.JsonLines)
        {
            foreach (string name in (ReadOnlySpan<string>)[splitName + ".jsonl.gz", splitName + ".jsonl"])
            {
                string candidate = System.IO.Path.Combine(directory, name);
                if (File.Exists(candidate)) return new ImdbSource(ImdbSourceKind.JsonLines, candidate, split, wordIndex);
            }
        }
        if (kind is null or ImdbSourceKind.Archive)
        {
            foreach (string name in ArchiveNames)
            {
                string candidate = System.IO.Path.Combine(directory, name);
                if (File.Exists(candidate)) return new ImdbSource(ImdbSourceKind.Archive, candidate, split, wordIndex);
            }
        }
        if (kind is null or ImdbSourceKind.Folder)
        {
            foreach (string root in (ReadOnlySpan<string>)[directory, System.IO.Path.Combine(directory, "aclImdb")])
            {
                string splitFolder = System.IO.Path.Combine(root, splitName);
                if (Directory.Exists(System.IO.Path.Combine(splitFolder, "pos")) || Directory.Exists(System.IO.Path.Combine(splitFolder, "neg")))
                    return new ImdbSource(ImdbSourceKind.Folder, root, split, wordIndex);
            }
        }
        string wanted = kind is null ? "IMDB source" : $"IMDB source of kind {kind}";
        throw new RnnFormatException(
            $"no {wanted} for split '{splitName}' in '{directory}': looked for {splitName}.jsonl.gz, {splitName}.jsonl, " +
            $"{string.Join(", ", ArchiveNames)}, {splitName}/pos|neg and aclImdb/{splitName}/pos|neg", directory);
    }

    private static ImdbSource FromFile(string file, ImdbSplit split, string splitName, ImdbSourceKind? kind)
    {
        string? wordIndex = FindWordIndex(System.IO.Path.GetDirectoryName(file)!);
        string fileName = System.IO.Path.GetFileName(file);
        if (fileName.EndsWith(".jsonl.gz", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            string otherSplit = ImdbReviewPath.SplitFolderName(split == ImdbSplit.Train ? ImdbSplit.Test : ImdbSplit.Train);
            if (fileName.StartsWith(otherSplit + ".", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"'{file}' holds the {otherSplit} split but the {splitName} split was asked for", nameof(split));
            return Checked(new ImdbSource(ImdbSourceKind.JsonLines, file, split, wordIndex), kind);
        }
        if (fileName.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase))
            return Checked(new ImdbSource(ImdbSourceKind.Archive, file, split, wordIndex), kind);
        throw new RnnFormatException($"'{file}' is neither a .jsonl(.gz) nor a .tar.gz IMDB source", file);
    }

    private static ImdbSource Checked(ImdbSource source, ImdbSourceKind? kind)
        => kind is null || kind == source.Kind ? source
            : throw new ArgumentException($"'{source.Path}' is an IMDB source of kind {source.Kind}, not {kind}", nameof(kind));

    private static string? FindWordIndex(string directory)
    {
        string candidate = System.IO.Path.Combine(directory, WordIndexFileName);
        return File.Exists(candidate) ? candidate : null;
    }
}
