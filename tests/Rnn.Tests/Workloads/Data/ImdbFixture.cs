using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Rnn.Tests.Workloads.Data;

/// <summary>Tiny IMDB data in each on-disk form, built by the tests.</summary>
internal static class ImdbFixture
{
    // Word index: rank order is arbitrary here, ids are rank + 3.
    public const string WordIndexJson =
        """{"the": 1, "and": 2, "a": 3, "of": 4, "to": 5, "is": 6, "br": 7, "movie": 8, "don't": 9, "it's": 10, "great": 11, "film": 12, "caf\u00e9": 13, "bad": 14}""";

    public sealed record Review(string Split, string Label, int Id, int Rating, string Text);

    // Deliberately not in canonical order.
    public static readonly Review[] Reviews =
    [
        new("train", "pos", 10, 7, "A GREAT film.<br /><br />It's great!"),
        new("train", "neg", 1, 3, "Bad, bad movie. Don't."),
        new("train", "pos", 0, 9, "The film is great and the café is great."),
        new("train", "neg", 0, 1, "the worst"),
        new("train", "pos", 2, 10, ""),
        new("test", "neg", 0, 2, "bad film"),
        new("test", "pos", 0, 8, "great film"),
    ];

    public static void WriteWordIndex(string directory) => File.WriteAllText(Path.Combine(directory, "imdb_word_index.json"), WordIndexJson);

    public static void WriteFolder(string root)
    {
        foreach (Review review in Reviews)
        {
            string folder = Path.Combine(root, review.Split, review.Label);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, $"{review.Id}_{review.Rating}.txt"), review.Text, new UTF8Encoding(false));
        }
        // Files the reader must ignore.
        File.WriteAllText(Path.Combine(root, "train", "urls_pos.txt"), "http://example/\n");
    }

    private static readonly DateTimeOffset FixedTime = new(2011, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public static void WriteArchive(string path)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Ustar);
        // A fixed mtime keeps the archive's bytes, and so the corruption tests, the same on every run.
        tar.WriteEntry(new UstarTarEntry(TarEntryType.Directory, "aclImdb/") { ModificationTime = FixedTime });
        AddFile(tar, "aclImdb/README", "Large Movie Review Dataset v1.0");
        AddFile(tar, "aclImdb/train/urls_pos.txt", "http://example/\n");
        AddFile(tar, "aclImdb/train/unsup/0_0.txt", "unlabelled review, must be skipped");
        foreach (Review review in Reviews)
            AddFile(tar, $"aclImdb/{review.Split}/{review.Label}/{review.Id}_{review.Rating}.txt", review.Text);
    }

    private static void AddFile(TarWriter tar, string name, string content)
    {
        var entry = new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)), ModificationTime = FixedTime };
        tar.WriteEntry(entry);
    }

    public static void WriteJsonLines(string directory)
    {
        foreach (string split in (string[])["train", "test"])
            WriteJsonLinesFile(Path.Combine(directory, split + ".jsonl.gz"),
                Reviews.Where(r => r.Split == split).Select(r => (r.Id, r.Rating, r.Label == "pos" ? 1 : 0, r.Text)));
    }

    /// <summary>Reviews in the jsonl.gz form the data set reads: one {id, rating, label, text} object per line.</summary>
    public static void WriteJsonLinesFile(string path, IEnumerable<(int Id, int Rating, int Label, string Text)> reviews)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        foreach (var (id, rating, label, text) in reviews)
        {
            var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", id);
                writer.WriteNumber("rating", rating);
                writer.WriteNumber("label", label);
                writer.WriteString("text", text);
                writer.WriteEndObject();
            }
            gzip.Write(buffer.ToArray());
            gzip.WriteByte((byte)'\n');
        }
    }
}
