using System.IO.Compression;
using System.Text;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;
using Rnn.Workloads.Data;

namespace Rnn.Tests.Workloads.Data;

public class ImdbDatasetTests
{
    private static readonly ImdbLoadOptions Options = new() { VocabularySize = 100, MaxLength = 6 };

    // Hand-worked from ImdbFixture (ids = rank + 3, start 1, unknown "worst" skipped, pre-pad, pre-truncate):
    // canonical order is neg by id, then pos by id.
    private static readonly int[][] ExpectedTrainRows =
    [
        [0, 0, 0, 0, 1, 4],         // neg 0 "the worst"
        [0, 1, 17, 17, 11, 12],     // neg 1 "Bad, bad movie. Don't."
        [14, 5, 4, 16, 9, 14],      // pos 0 "The film is great and the café is great." = [1 4 15 9 14 5 4 16 9 14], last 6
        [0, 0, 0, 0, 0, 1],         // pos 2 ""
        [14, 15, 10, 10, 13, 14],   // pos 10 "A GREAT film.<br /><br />It's great!" = [1 6 14 15 10 10 13 14], last 6
    ];

    private static void AssertFixtureTrain(ImdbDataset data)
    {
        Assert.Equal(5, data.Count);
        Assert.Equal(6, data.MaxLength);
        for (int i = 0; i < ExpectedTrainRows.Length; i++) Assert.Equal(ExpectedTrainRows[i], data.GetRow(i).ToArray());
        Assert.Equal([0, 0, 1, 1, 1], data.Labels.ToArray());
        Assert.Equal([0, 1, 0, 2, 10], data.ReviewIds.ToArray());
        Assert.Equal([1, 3, 9, 10, 7], data.Ratings.ToArray());
        Assert.Equal(21, data.WordCount);
        Assert.Equal(1, data.UnknownWordCount);
        Assert.Equal(0, data.OutOfVocabularyCount);
        Assert.Equal(2, data.TruncatedCount);
    }

    [Fact]
    public void Reads_the_folder_layout()
    {
        using var temp = new TempDirectory();
        ImdbFixture.WriteFolder(temp.Path);
        ImdbFixture.WriteWordIndex(temp.Path);
        var data = ImdbDataset.Load(temp.Path, ImdbSplit.Train, Options);
        Assert.Equal(ImdbSourceKind.Folder, data.Source.Kind);
        AssertFixtureTrain(data);
    }

    [Fact]
    public void Reads_the_folder_layout_inside_an_aclImdb_folder()
    {
        using var temp = new TempDirectory();
        ImdbFixture.WriteFolder(temp.File("aclImdb"));
        ImdbFixture.WriteWordIndex(temp.Path);
        var data = ImdbDataset.Load(temp.Path, ImdbSplit.Test, Options);
        Assert.Equal(temp.File("aclImdb"), data.Source.Path);
        Assert.Equal([0, 0, 0, 1, 17, 15, 0, 0, 0, 1, 14, 15], data.Tokens.ToArray());
        Assert.Equal([0, 1], data.Labels.ToArray());
    }

    [Fact]
    public void Reads_the_archive_without_extracting()
    {
        using var temp = new TempDirectory();
        ImdbFixture.WriteArchive(temp.File("aclImdb_v1_labeled.tar.gz"));
        ImdbFixture.WriteWordIndex(temp.Path);
        var data = ImdbDataset.Load(temp.Path, ImdbSplit.Train, Options);
        Assert.Equal(ImdbSourceKind.Archive, data.Source.Kind);
        AssertFixtureTrain(data);
        Assert.Equal(["aclImdb_v1_labeled.tar.gz", "imdb_word_index.json"],
            Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Reads_json_lines()
    {
        using var temp = new TempDirectory();
        ImdbFixture.WriteJsonLines(temp.Path);
        ImdbFixture.WriteWordIndex(temp.Path);
        var data = ImdbDataset.Load(temp.Path, ImdbSplit.Train, Options);
        Assert.Equal(ImdbSourceKind.JsonLines, data.Source.Kind);
        AssertFixtureTrain(data);
        var test = ImdbDataset.Load(temp.File("test.jsonl.gz"), ImdbSplit.Test, Options);
        Assert.Equal([0, 0, 0, 1, 17, 15, 0, 0, 0, 1, 14, 15], test.Tokens.ToArray());
    }

    [Fact]
    public void Prefers_json_lines_then_archive_then_folder_unless_told()
    {
        using var temp = new TempDirectory();
        ImdbFixture.WriteFolder(temp.File("aclImdb"));
        Assert.Equal(ImdbSourceKind.Folder, ImdbSource.Locate(temp.Path, ImdbSplit.Train).Kind);
        ImdbFixture.WriteArchive(temp.File("aclImdb_v1_labeled.tar.gz"));
        Assert.Equal(ImdbSourceKind.Archive, ImdbSource.Locate(temp.Path, ImdbSplit.Train).Kind);
        ImdbFixture.WriteJsonLines(temp.Path);
        ImdbSource preferred = ImdbSource.Locate(temp.Path, ImdbSplit.Test);
        Assert.Equal(ImdbSourceKind.JsonLines, preferred.Kind);
        Assert.Equal(temp.File("test.jsonl.gz"), preferred.Path);
        Assert.Null(preferred.WordIndexPath);
        Assert.Equal(ImdbSourceKind.Folder, ImdbSource.Locate(temp.Path, ImdbSplit.Train, ImdbSourceKind.Folder).Kind);
        Assert.Equal(ImdbSourceKind.Archive, ImdbSource.Locate(temp.Path, ImdbSplit.Train, ImdbSourceKind.Archive).Kind);
    }

    [Fact]
    public void All_forms_give_the_same_rows_with_a_shared_index_and_html_breaks_removed()
    {
        using var temp = new TempDirectory();
        ImdbFixture.WriteFolder(temp.File("aclImdb"));
        ImdbFixture.WriteArchive(temp.File("aclImdb_v1_labeled.tar.gz"));
        ImdbFixture.WriteJsonLines(temp.Path);
        var index = ImdbWordIndex.Parse(Encoding.UTF8.GetBytes(ImdbFixture.WordIndexJson));
        ImdbDataset Load(ImdbSourceKind kind) => ImdbDataset.Load(temp.Path, ImdbSplit.Train,
            new ImdbLoadOptions { VocabularySize = 14, MaxLength = 12, WordIndex = index, SourceKind = kind, ReplaceHtmlLineBreaks = true });
        var jsonl = Load(ImdbSourceKind.JsonLines);
        var archive = Load(ImdbSourceKind.Archive);
        var folder = Load(ImdbSourceKind.Folder);
        foreach (var other in (ImdbDataset[])[archive, folder])
        {
            Assert.Equal(jsonl.Tokens.ToArray(), other.Tokens.ToArray());
            Assert.Equal(jsonl.Labels.ToArray(), other.Labels.ToArray());
            Assert.Equal(jsonl.ReviewIds.ToArray(), other.ReviewIds.ToArray());
        }
        // pos 10 without "br" and with great (14) / film (15) ≥ 14 → 2: [1 6 2 2 13 2].
        Assert.Equal([0, 0, 0, 0, 0, 0, 1, 6, 2, 2, 13, 2], jsonl.GetRow(4).ToArray());
        // Ids ≥ 14: bad ×2 (neg 1); film, great ×2, café (pos 0); great ×2, film (pos 10).
        Assert.Equal(9, jsonl.OutOfVocabularyCount);
    }

    [Fact]
    public void Shuffle_is_a_seeded_permutation_of_rows_and_labels()
    {
        using var temp = new TempDirectory();
        ImdbFixture.WriteJsonLines(temp.Path);
        ImdbFixture.WriteWordIndex(temp.Path);
        var a = ImdbDataset.Load(temp.Path, ImdbSplit.Train, Options);
        var b = ImdbDataset.Load(temp.Path, ImdbSplit.Train, Options);
        a.Shuffle(113);
        b.Shuffle(113);
        Assert.Equal(a.Tokens.ToArray(), b.Tokens.ToArray());
        Assert.Equal(a.ReviewIds.ToArray(), b.ReviewIds.ToArray());
        // Rows still match their labels: each (label, id) pair carries its hand-worked row.
        for (int i = 0; i < a.Count; i++)
        {
            int canonical = a.Labels[i] == 0 ? (a.ReviewIds[i] == 0 ? 0 : 1) : a.ReviewIds[i] switch { 0 => 2, 2 => 3, _ => 4 };
            Assert.Equal(ExpectedTrainRows[canonical], a.GetRow(i).ToArray());
        }
        Assert.Equal(new byte[] { 0, 0, 1, 1, 1 }, a.Labels.ToArray().Order());
    }

    [Fact]
    public void Missing_directory_is_an_error_naming_it()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-imdb-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<DirectoryNotFoundException>(() => ImdbDataset.Load(path, ImdbSplit.Train));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Directory_without_data_is_an_error_naming_it()
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<RnnFormatException>(() => ImdbDataset.Load(temp.Path, ImdbSplit.Train));
        Assert.Contains(temp.Path, error.Message);
        Assert.Contains("train.jsonl.gz", error.Message);
    }

    [Fact]
    public void Missing_word_index_is_an_error()
    {
        using var temp = new TempDirectory();
        ImdbFixture.WriteJsonLines(temp.Path);
        var error = Assert.Throws<RnnFormatException>(() => ImdbDataset.Load(temp.Path, ImdbSplit.Train));
        Assert.Contains("imdb_word_index.json", error.Message);
    }

    [Fact]
    public void Corrupt_archive_is_an_error_naming_the_path()
    {
        using var temp = new TempDirectory();
        ImdbFixture.WriteWordIndex(temp.Path);
        string path = temp.File("aclImdb_v1_labeled.tar.gz");
        var random = new System.Random(7);
        var garbage = new byte[4096];
        random.NextBytes(garbage);
        File.WriteAllBytes(path, garbage);
        var error = Assert.Throws<RnnFormatException>(() => ImdbDataset.Load(temp.Path, ImdbSplit.Train));
        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Gzip_that_is_not_a_tar_is_an_error_naming_the_path()
    {
        using var temp = new TempDirectory();
        ImdbFixture.WriteWordIndex(temp.Path);
        string path = temp.File("aclImdb_v1_labeled.tar.gz");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            gzip.Write(Encoding.ASCII.GetBytes(new string('x', 2000)));
        var error = Assert.Throws<RnnFormatException>(() => ImdbDataset.Load(temp.Path, ImdbSplit.Train));
        Assert.Equal(path, error.FilePath);
    }

    [Fact]
    public void Truncated_archive_is_an_error_naming_the_path()
    {
        using var temp = new TempDirectory();
        ImdbFixture.WriteWordIndex(temp.Path);
        string path = temp.File("aclImdb_v1_labeled.tar.gz");
        ImdbFixture.WriteArchive(path);
        byte[] whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole[..(whole.Length / 2)]);
        var error = Assert.Throws<RnnFormatException>(() => ImdbDataset.Load(temp.Path, ImdbSplit.Train));
        Assert.Equal(path, error.FilePath);
    }

    [Fact]
    public void Every_truncation_and_every_byte_flip_of_an_archive_is_detected_or_harmless()
    {
        using var temp = new TempDirectory();
        ImdbFixture.WriteWordIndex(temp.Path);
        string path = temp.File("aclImdb_v1_labeled.tar.gz");
        ImdbFixture.WriteArchive(path);
        byte[] whole = File.ReadAllBytes(path);
        var index = ImdbWordIndex.Parse(Encoding.UTF8.GetBytes(ImdbFixture.WordIndexJson));
        var options = new ImdbLoadOptions { VocabularySize = 100, MaxLength = 6, WordIndex = index };
        int[] expected = ImdbDataset.Load(temp.Path, ImdbSplit.Train, options).Tokens.ToArray();

        for (int length = 0; length < whole.Length; length++)
        {
            File.WriteAllBytes(path, whole[..length]);
            var error = Assert.Throws<RnnFormatException>(() => ImdbDataset.Load(temp.Path, ImdbSplit.Train, options));
            Assert.Equal(path, error.FilePath);
        }
        int harmless = 0;
        for (int position = 0; position < whole.Length; position++)
        {
            byte[] flipped = (byte[])whole.Clone();
            flipped[position] ^= 0x10;
            File.WriteAllBytes(path, flipped);
            try
            {
                // Some flips leave the decompressed bytes identical (gzip mtime/OS header fields, a match distance
                // that moves to another run of tar zero padding) — then the data must be exactly right.
                Assert.Equal(expected, ImdbDataset.Load(temp.Path, ImdbSplit.Train, options).Tokens.ToArray());
                harmless++;
            }
            catch (RnnFormatException error)
            {
                Assert.Equal(path, error.FilePath);
            }
        }
        Assert.True(harmless < whole.Length / 10, $"{harmless} of {whole.Length} flips went unnoticed");
    }

    [Fact]
    public void Truncated_json_lines_gzip_is_an_error_naming_the_path()
    {
        using var temp = new TempDirectory();
        ImdbFixture.WriteWordIndex(temp.Path);
        ImdbFixture.WriteJsonLines(temp.Path);
        string path = temp.File("train.jsonl.gz");
        byte[] whole = File.ReadAllBytes(path);
        foreach (int cut in (int[])[1, 4, 8, whole.Length / 2])
        {
            File.WriteAllBytes(path, whole[..^cut]);
            var error = Assert.Throws<RnnFormatException>(() => ImdbDataset.Load(temp.Path, ImdbSplit.Train));
            Assert.Equal(path, error.FilePath);
        }
    }

    [Fact]
    public void Bad_json_line_is_an_error_naming_the_file_and_line()
    {
        using var temp = new TempDirectory();
        ImdbFixture.WriteWordIndex(temp.Path);
        string path = temp.File("train.jsonl");
        File.WriteAllText(path, "{\"label\": 1, \"text\": \"good\"}\n{\"label\": 1, \"text\": \"go\n");
        var error = Assert.Throws<RnnFormatException>(() => ImdbDataset.Load(temp.Path, ImdbSplit.Train));
        Assert.Contains(path, error.Message);
        Assert.Contains("line 2", error.Message);

        File.WriteAllText(path, "{\"label\": 1, \"text\": \"good\"}\n\n{\"label\": 3, \"text\": \"x\"}\n");
        error = Assert.Throws<RnnFormatException>(() => ImdbDataset.Load(temp.Path, ImdbSplit.Train));
        Assert.Contains("line 3", error.Message);
        Assert.Contains("label 3", error.Message);

        File.WriteAllText(path, "{\"label\": 0}\n");
        Assert.Contains("no \"text\"", Assert.Throws<RnnFormatException>(() => ImdbDataset.Load(temp.Path, ImdbSplit.Train)).Message);
    }

    [Fact]
    public void Folder_layout_missing_a_label_folder_is_an_error()
    {
        using var temp = new TempDirectory();
        ImdbFixture.WriteWordIndex(temp.Path);
        Directory.CreateDirectory(temp.File(Path.Combine("train", "pos")));
        File.WriteAllText(temp.File(Path.Combine("train", "pos", "0_9.txt")), "great");
        var error = Assert.Throws<RnnFormatException>(() => ImdbDataset.Load(temp.Path, ImdbSplit.Train));
        Assert.Contains(temp.File(Path.Combine("train", "neg")), error.Message);
    }

    [Fact]
    public void Asking_a_test_file_for_the_train_split_is_an_error()
    {
        using var temp = new TempDirectory();
        ImdbFixture.WriteJsonLines(temp.Path);
        Assert.Throws<ArgumentException>(() => ImdbSource.Locate(temp.File("test.jsonl.gz"), ImdbSplit.Train));
    }
}
