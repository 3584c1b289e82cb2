using System.Text;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;
using Rnn.Workloads.Data;

namespace Rnn.Tests.Workloads.Data;

public class CharCorpusTests
{
    [Fact]
    public void Split_puts_the_first_part_of_the_stream_in_train()
    {
        string text = string.Concat(Enumerable.Range(0, 100).Select(i => (char)('a' + i % 26)));
        var corpus = CharCorpus.FromText(text, validationFraction: 0.1);
        Assert.Equal(100, corpus.Length);
        Assert.Equal(90, corpus.Train.Length);
        Assert.Equal(10, corpus.Validation.Length);
        Assert.Equal(text[..90], corpus.Vocabulary.Decode(corpus.Train.Span));
        Assert.Equal(text[90..], corpus.Vocabulary.Decode(corpus.Validation.Span));
    }

    [Fact]
    public void Zero_validation_fraction_keeps_everything_in_train()
    {
        var corpus = CharCorpus.FromText("abcdef", validationFraction: 0);
        Assert.Equal(6, corpus.Train.Length);
        Assert.Equal(0, corpus.Validation.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => CharCorpus.FromText("abc", validationFraction: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CharCorpus.FromText("abc", validationFraction: -0.1));
    }

    [Fact]
    public void Load_strips_a_leading_BOM_and_keeps_carriage_returns()
    {
        using var temp = new TempDirectory();
        string path = temp.File("bom.txt");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("ab\r\nc\uFEFF")]);
        var corpus = CharCorpus.Load(path, validationFraction: 0);
        // The BOM at the start is gone; '\r' and a U+FEFF inside the text are ordinary symbols.
        Assert.Equal("ab\r\nc\uFEFF", corpus.Vocabulary.Decode(corpus.All.Span));
        Assert.Equal(6, corpus.Vocabulary.Count);
        Assert.Equal(path, corpus.SourcePath);
    }

    [Fact]
    public void A_given_vocabulary_keeps_ids_and_rejects_new_characters()
    {
        var vocabulary = CharVocabulary.FromText("abcdef");
        var corpus = CharCorpus.FromText("fed", 0, vocabulary);
        Assert.Equal(new[] { 5, 4, 3 }, corpus.All.ToArray());

        using var temp = new TempDirectory();
        string path = temp.File("other.txt");
        File.WriteAllText(path, "abx");
        var error = Assert.Throws<RnnFormatException>(() => CharCorpus.Load(path, 0.1, vocabulary));
        Assert.Equal(path, error.FilePath);
        Assert.Contains("'x'", error.Message);
    }

    [Fact]
    public void Empty_file_is_an_error_naming_the_path()
    {
        using var temp = new TempDirectory();
        string empty = temp.File("empty.txt");
        File.WriteAllBytes(empty, []);
        var error = Assert.Throws<RnnFormatException>(() => CharCorpus.Load(empty));
        Assert.Contains(empty, error.Message);
        Assert.Equal(empty, error.FilePath);

        string bomOnly = temp.File("bom-only.txt");
        File.WriteAllBytes(bomOnly, [0xEF, 0xBB, 0xBF]);
        Assert.Contains(bomOnly, Assert.Throws<RnnFormatException>(() => CharCorpus.Load(bomOnly)).Message);
    }

    [Fact]
    public void Invalid_utf8_is_an_error_naming_the_path()
    {
        using var temp = new TempDirectory();
        string path = temp.File("latin1.txt");
        File.WriteAllBytes(path, [(byte)'c', (byte)'a', (byte)'f', 0xE9]);
        var error = Assert.Throws<RnnFormatException>(() => CharCorpus.Load(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Missing_file_is_an_error_naming_the_path()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-corpus-" + Guid.NewGuid().ToString("N") + ".txt");
        var error = Assert.Throws<FileNotFoundException>(() => CharCorpus.Load(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Tiny_shakespeare_has_65_symbols_and_a_95_5_split()
    {
        // The repository's bundled copy (byte-identical to shared/data/tinyshakespeare/input.txt, sha256 86c4e6aa...).
        string path = Path.Combine(TestSupport.GoldenData.FindRepoRoot()!, "data", "tinyshakespeare.txt");
        var corpus = CharCorpus.Load(path, validationFraction: 0.05);
        Assert.Equal(1_115_394, corpus.Length); // ASCII: one symbol per byte
        Assert.Equal(65, corpus.Vocabulary.Count);
        Assert.Equal((int)Math.Floor(1_115_394 * 0.95), corpus.Train.Length);
        Assert.Equal("First Citizen:", corpus.Vocabulary.Decode(corpus.Train.Span[..14]));
    }

    [SharedDataFact]
    public void War_and_peace_loses_its_BOM_and_keeps_CR_symbols()
    {
        string path = Path.Combine(SharedDataLocator.DataFolder!, "warpeace", "input.txt");
        var corpus = CharCorpus.Load(path);
        // README: 3,258,227 Unicode characters including the BOM, 84 distinct including the BOM.
        Assert.Equal(3_258_226, corpus.Length);
        Assert.Equal(83, corpus.Vocabulary.Count);
        Assert.True(corpus.Vocabulary.TryGetId(new Rune('\r'), out _));
        Assert.False(corpus.Vocabulary.TryGetId(new Rune('\uFEFF'), out _));
    }
}
