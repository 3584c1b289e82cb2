using System.Text;
using Rnn.Workloads.Data;

namespace Rnn.Tests.Workloads.Data;

public class CharVocabularyTests
{
    [Fact]
    public void Ids_are_the_sorted_distinct_characters()
    {
        var vocabulary = CharVocabulary.FromText("hello world\n");
        // Ordinal order: '\n' (10) < ' ' (32) < d e h l o r w.
        Assert.Equal("\n dehlorw", vocabulary.ToMetadataString());
        Assert.Equal(9, vocabulary.Count);
        Assert.Equal(new[] { 4, 3, 5, 5, 6, 1, 8, 6, 7, 5, 2, 0 }, vocabulary.Encode("hello world\n"));
    }

    [Fact]
    public void Encode_then_decode_returns_the_text()
    {
        const string text = "To be, or not to be:\r\nthat is the question. Élan 😀";
        var vocabulary = CharVocabulary.FromText(text);
        int[] ids = vocabulary.Encode(text);
        Assert.Equal(text, vocabulary.Decode(ids));
    }

    [Fact]
    public void A_character_outside_the_BMP_is_one_symbol()
    {
        var vocabulary = CharVocabulary.FromText("a😀b😀");
        Assert.Equal(3, vocabulary.Count);
        Assert.Equal(new[] { 0, 2, 1, 2 }, vocabulary.Encode("a😀b😀"));
        Assert.Equal(new Rune(0x1F600), vocabulary.GetSymbol(2));
    }

    [Fact]
    public void Metadata_string_round_trips()
    {
        var vocabulary = CharVocabulary.FromText("The quick brown fox\njumps over the lazy dog\r\n\t😀");
        var restored = CharVocabulary.FromMetadataString(vocabulary.ToMetadataString());
        Assert.Equal(vocabulary.Count, restored.Count);
        for (int id = 0; id < vocabulary.Count; id++) Assert.Equal(vocabulary.GetSymbol(id), restored.GetSymbol(id));
    }

    [Fact]
    public void Metadata_that_is_not_strictly_ascending_is_rejected()
    {
        var unsorted = Assert.Throws<ArgumentException>(() => CharVocabulary.FromMetadataString("abdc"));
        Assert.Contains("'c'", unsorted.Message);
        Assert.Throws<ArgumentException>(() => CharVocabulary.FromMetadataString("abb"));
        Assert.Throws<ArgumentException>(() => CharVocabulary.FromMetadataString(""));
    }

    [Fact]
    public void Unknown_character_is_an_error_naming_it()
    {
        var vocabulary = CharVocabulary.FromText("abc");
        var error = Assert.Throws<ArgumentException>(() => vocabulary.Encode("abz"));
        Assert.Contains("'z'", error.Message);
        Assert.Contains("index 2", error.Message);
        Assert.False(vocabulary.TryGetId(new Rune('z'), out _));
        Assert.True(vocabulary.TryGetId(new Rune('c'), out int id));
        Assert.Equal(2, id);
    }

    [Fact]
    public void Lone_surrogate_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => CharVocabulary.FromText("a\uD800b"));
    }
}
