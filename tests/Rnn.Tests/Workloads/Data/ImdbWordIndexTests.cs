using System.Text;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Workloads.Data;

namespace Rnn.Tests.Workloads.Data;

public class ImdbWordIndexTests
{
    [Fact]
    public void Parses_words_and_escapes()
    {
        var index = ImdbWordIndex.Parse(Encoding.UTF8.GetBytes(ImdbFixture.WordIndexJson));
        Assert.Equal(14, index.Count);
        Assert.True(index.TryGetRank("the", out int the));
        Assert.Equal(1, the);
        Assert.True(index.TryGetRank("café", out int cafe)); // written as caf\u00e9
        Assert.Equal(13, cafe);
        Assert.Equal("don't", index.GetWord(9));
        Assert.Null(index.GetWord(99));
        Assert.False(index.TryGetRank("The", out _));
    }

    [Theory]
    [InlineData("""["the"]""", "JSON object")]
    [InlineData("""{"the": 0}""", "positive integer")]
    [InlineData("""{"the": "1"}""", "positive integer")]
    [InlineData("""{"the": 1, "the": 2}""", "twice")]
    [InlineData("""{"the": 1, "a": 1}""", "rank 1")]
    [InlineData("""{"the": 1, """, "not valid JSON")]
    [InlineData("""{}""", "empty")]
    public void Bad_content_is_an_error_naming_the_file(string json, string expected)
    {
        var error = Assert.Throws<RnnFormatException>(() => ImdbWordIndex.Parse(Encoding.UTF8.GetBytes(json), "/data/idx.json"));
        Assert.Contains(expected, error.Message);
        Assert.Contains("/data/idx.json", error.Message);
    }

    [SharedDataFact]
    public void Real_index_has_the_keras_ranks()
    {
        var index = ImdbWordIndex.Load(Path.Combine(SharedDataLocator.DataFolder!, "imdb", "imdb_word_index.json"));
        Assert.Equal(88_584, index.Count);
        Assert.Equal(88_584, index.MaxRank);
        string[] expected = ["the", "and", "a", "of", "to", "is", "br"];
        for (int rank = 1; rank <= expected.Length; rank++) Assert.Equal(expected[rank - 1], index.GetWord(rank));
        Assert.True(index.TryGetRank("don't", out int dont));
        Assert.Equal(89, dont);
    }
}
