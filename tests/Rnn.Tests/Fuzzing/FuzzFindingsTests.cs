using System.Text;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;
using Rnn.Training.Checkpoints;
using Rnn.Training.Models;
using Rnn.Workloads;
using Rnn.Workloads.Data;

namespace Rnn.Tests.Fuzzing;

/// <summary>
/// Inputs the fuzzers (fuzz/README.md) found to crash a parser or break its promises, minimized; each is also in
/// fuzz/regressions/TARGET/ so the harness replays it in CI.
/// </summary>
public class FuzzFindingsTests
{
    // word-index: invalid UTF-8 inside a word ended in Utf8JsonReader's InvalidOperationException.
    [Fact]
    public void Word_index_with_invalid_utf8_in_a_word_is_a_format_error()
    {
        byte[] json = [.. "{\"the\": 1, \"fi"u8, 0xF3, .. "lm\": 2}"u8];
        var error = Assert.Throws<RnnFormatException>(() => ImdbWordIndex.Parse(json, "/data/idx.json"));
        Assert.Contains("/data/idx.json", error.Message);
        Assert.Contains("UTF-8", error.Message);
    }

    // word-index: a word holding a space (or an empty one) was accepted, and once training stored the index in a
    // checkpoint (space-separated) `imdb predict` read back a different index: every later word's rank shifted.
    [Theory]
    [InlineData("""{"the": 1, "bad   ": 2, "film": 3}""", "bad   ")]
    [InlineData("""{"the": 1, ":, d": 5, "not": 6}""", ":, d")]
    [InlineData("""{"the": 1, "": 2, "film": 3}""", "")]
    public void Word_index_word_that_no_review_can_hold_is_a_format_error(string json, string word)
    {
        var error = Assert.Throws<RnnFormatException>(() => ImdbWordIndex.Parse(Encoding.UTF8.GetBytes(json), "/data/idx.json"));
        Assert.Contains($"word \"{word}\"", error.Message);
        Assert.Contains("/data/idx.json", error.Message);
    }

    // word-index: a 53-byte index with one rank of 688,584 allocated 30 MB (the rank-indexed word array and the
    // checkpoint's copy of the index); a rank near int.MaxValue would ask for 16 GB.
    [Theory]
    [InlineData("""{"the": 1, "a": 2, "ZilP": 3, "gha":688584, "one": 8}""", 688584)]
    [InlineData("""{"the": 2000000000}""", 2000000000)]
    public void Word_index_rank_far_past_its_words_is_a_format_error_before_allocating(string json, int rank)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<RnnFormatException>(() => ImdbWordIndex.Parse(Encoding.UTF8.GetBytes(json), "/data/idx.json"));
        // Under the 5.5 MB rank-indexed array of the 688,584 case, so allocating it before the check would fail here.
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1 << 20, $"the refusal allocated {allocated:N0} bytes");
        Assert.Contains($"rank {rank}", error.Message);
        Assert.Contains("/data/idx.json", error.Message);
    }

    [Fact]
    public void Word_index_with_gaps_within_the_limit_is_accepted()
    {
        var index = ImdbWordIndex.Parse("""{"the": 1, "rare": 1028}"""u8); // 4 x 2 words + 1024 = 1032
        Assert.Equal(1028, index.MaxRank);
        Assert.Equal("rare", index.GetWord(1028));
    }

    [Fact]
    public void Word_index_survives_a_checkpoint_round_trip()
    {
        var index = ImdbWordIndex.Parse("""{"the": 1, "a": 2, "film": 3, "one": 8}"""u8);
        var run = new RunState();
        ImdbTokenization.Write(run.Extra, index, vocabularySize: 20, maxLength: 8);
        var (tokenizer, maxLength) = ImdbTokenization.Read(run, "model.safetensors");
        Assert.Equal(8, maxLength);
        Assert.Equal(index.Count, tokenizer.WordIndex.Count);
        for (int rank = 1; rank <= index.MaxRank; rank++) Assert.Equal(index.GetWord(rank), tokenizer.WordIndex.GetWord(rank));
    }

    // checkpoint, checkpoint-meta: a config whose "cell" is missing or misspelt ("ce(l") deserialised to a null cell and
    // ended in a NullReferenceException in CellKinds.Parse; a run state whose "extra" is misspelt ("exTra") gave a null
    // dictionary and a NullReferenceException in CharLmModel.Load.
    [Theory]
    [InlineData(Checkpoint.ConfigKey, "\"cell\":", "\"ce(l\":", "cell")]
    [InlineData(Checkpoint.ConfigKey, "\"cell\":\"gru\"", "\"cell\":null", "cell")]
    [InlineData(Checkpoint.RunKey, "\"extra\":", "\"exTra\":", "extra")]
    [InlineData(Checkpoint.RunKey, "\"random_state\":", "\"rane\":", "random_state")]
    public void Checkpoint_metadata_missing_a_field_is_a_format_error(string key, string find, string replace, string named)
    {
        using var dir = new TempDirectory();
        string path = EditedCharLmCheckpoint(dir, key, find, replace);
        var error = Assert.Throws<RnnFormatException>(() => Checkpoint.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(named, error.Message);
        Assert.Throws<RnnFormatException>(() => CharLmModel.Load(path));
        Assert.Throws<RnnFormatException>(() => CharLmTrainer.Resume(path, dir.File("text.txt"), steps: 3, epochs: null, threads: 1));
    }

    // checkpoint: a saved vocabulary out of order ended Resume in CharVocabulary's ArgumentException (`charlm sample`
    // already named it as the checkpoint's fault).
    [Fact]
    public void Resume_with_a_corrupt_vocabulary_is_a_format_error()
    {
        using var dir = new TempDirectory();
        string path = EditedCharLmCheckpoint(dir, Checkpoint.RunKey, "\"vocabulary\":\"\\n", "\"vocabulary\":\"U\\n");
        var error = Assert.Throws<RnnFormatException>(() => CharLmTrainer.Resume(path, dir.File("text.txt"), steps: 3, epochs: null, threads: 1));
        Assert.Contains(path, error.Message);
        Assert.Contains("vocabulary", error.Message);
    }

    // checkpoint-meta: a run state whose "total_steps" is not a number (" ") ended Resume in Int64.Parse's FormatException.
    [Theory]
    [InlineData(" ")]
    [InlineData("-5")]
    [InlineData("1e3")]
    public void Resume_with_a_saved_step_count_that_is_not_a_count_is_a_format_error(string saved)
    {
        using var dir = new TempDirectory();
        string path = EditedCharLmCheckpoint(dir, Checkpoint.RunKey, "\"total_steps\":\"1\"", $"\"total_steps\":\"{saved}\"");
        var error = Assert.Throws<RnnFormatException>(() => CharLmTrainer.Resume(path, dir.File("text.txt"), steps: null, epochs: null, threads: 1));
        Assert.Contains(path, error.Message);
        Assert.Contains("total_steps", error.Message);
    }

    // checkpoint-meta: a saved batch too large for the text's validation split ended Resume in the batcher's
    // ArgumentException, which named neither the checkpoint nor --text; it is now Resume's documented refusal of --text.
    [Fact]
    public void Resume_whose_saved_batch_does_not_fit_the_text_names_the_text_and_the_checkpoint()
    {
        using var dir = new TempDirectory();
        string path = EditedCharLmCheckpoint(dir, Checkpoint.RunKey, "\"batch\":\"2\"", "\"batch\":\"50\"");
        string text = dir.File("text.txt");
        var error = Assert.Throws<ArgumentException>(() => CharLmTrainer.Resume(path, text, steps: 3, epochs: null, threads: 1));
        Assert.StartsWith($"--text '{text}' cannot be the text the run in '{path}'", error.Message);
        Assert.Contains("--batch 50", error.Message);
    }

    // imdb-jsonl: invalid UTF-8 inside "text" ended in Utf8JsonReader's InvalidOperationException.
    [Fact]
    public void Imdb_json_line_with_invalid_utf8_text_is_a_format_error_naming_the_line()
    {
        using var dir = new TempDirectory();
        string path = dir.File("train.jsonl");
        File.WriteAllBytes(path, [.. "{\"label\": 1, \"text\": \"ok\"}\n{\"label\": 0, \"text\": \"t"u8, 0x81, .. "o long\"}\n"u8]);
        var error = Assert.Throws<RnnFormatException>(() => ImdbReviewReader.Read(
            new ImdbSource(ImdbSourceKind.JsonLines, path, ImdbSplit.Train, null), (_, _) => { }));
        Assert.Contains(path, error.Message);
        Assert.Contains("line 2", error.Message);
        Assert.Contains("UTF-8", error.Message);
    }

    // imdb-archive: a tar header claiming a huge review made the reader allocate what it claimed before reading (a
    // 4.7 KB archive allocated 1.8 GB; here 900 MB are claimed); a sparse entry ended in TarReader's NotSupportedException.
    [Theory]
    [InlineData((byte)'0', "07000000000", "IMDB archive")]
    [InlineData((byte)'S', null, "IMDB archive")]
    public void Imdb_archive_with_a_lying_header_is_a_format_error_without_allocating_the_claim(byte typeFlag, string? octalSize, string expected)
    {
        using var dir = new TempDirectory();
        string path = dir.File("aclImdb_v1.tar.gz");
        File.WriteAllBytes(path, GzippedTar(typeFlag, octalSize));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<RnnFormatException>(() => ImdbReviewReader.Read(
            new ImdbSource(ImdbSourceKind.Archive, path, ImdbSplit.Train, null), (_, _) => { }));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the refusal allocated 16 MB or more");
        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    /// <summary>One ustar entry aclImdb/train/pos/0_9.txt holding "good", its type flag and (if given) its size field
    /// (11 octal digits) replaced and the header checksum recomputed, gzipped.</summary>
    private static byte[] GzippedTar(byte typeFlag, string? octalSize)
    {
        var tar = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(tar, System.Formats.Tar.TarEntryFormat.Ustar, leaveOpen: true))
        {
            var entry = new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "aclImdb/train/pos/0_9.txt")
            {
                DataStream = new MemoryStream("good"u8.ToArray()),
            };
            writer.WriteEntry(entry);
        }
        byte[] bytes = tar.ToArray();
        bytes[156] = typeFlag;
        if (octalSize is not null) Encoding.ASCII.GetBytes(octalSize).CopyTo(bytes, 124);
        bytes.AsSpan(148, 8).Fill((byte)' ');
        int sum = 0;
        for (int i = 0; i < 512; i++) sum += bytes[i];
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(bytes, 148);
        var gz = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(gz, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(bytes);
        return gz.ToArray();
    }

    /// <summary>A one-step char-rnn checkpoint (and its text.txt) whose metadata <paramref name="key"/> has
    /// <paramref name="find"/> replaced by <paramref name="replace"/>.</summary>
    private static string EditedCharLmCheckpoint(TempDirectory dir, string key, string find, string replace)
    {
        string text = dir.File("text.txt");
        File.WriteAllText(text, "To be, or not to be: that is the question.\nWhether 'tis nobler in the mind to suffer\n");
        var settings = new CharLmSettings
        {
            Cell = "gru", Hidden = 4, Layers = 1, Embed = 3, SeqLength = 4, Batch = 2, Steps = 1, Threads = 1, Shards = 1,
            EvalEvery = 1, EvalChunks = 1, ValidationFraction = 0.2,
        };
        string original = dir.File("original.safetensors");
        using (CharLmTrainer trainer = CharLmTrainer.Create(text, settings)) trainer.Train(original);
        var writer = new SafeTensorsWriter();
        using (SafeTensorsFile file = SafeTensorsFile.Open(original))
        {
            writer.AddAll(file);
            foreach (KeyValuePair<string, string> pair in file.Metadata) writer.Metadata[pair.Key] = pair.Value;
        }
        Assert.Contains(find, writer.Metadata[key]);
        writer.Metadata[key] = writer.Metadata[key].Replace(find, replace, StringComparison.Ordinal);
        string edited = dir.File("edited.safetensors");
        writer.Save(edited);
        return edited;
    }
}
