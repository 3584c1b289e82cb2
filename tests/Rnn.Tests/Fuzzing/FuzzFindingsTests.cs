using System.Text;
using Rnn.Runtime.IO;
using Rnn.Training.Data;
using Rnn.Training.Models;
using Rnn.Training.Workloads;

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
}
