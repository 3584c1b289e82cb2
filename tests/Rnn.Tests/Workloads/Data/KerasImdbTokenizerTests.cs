using Rnn.Tests.TestSupport;
using System.Text;
using Rnn.Workloads.Data;

namespace Rnn.Tests.Workloads.Data;

[Collection(AllocationCollection.Name)]
public class KerasImdbTokenizerTests
{
    private static readonly ImdbWordIndex Index = ImdbWordIndex.Parse(Encoding.UTF8.GetBytes(ImdbFixture.WordIndexJson), "fixture");

    [Fact]
    public void Words_follow_keras_text_to_word_sequence()
    {
        Assert.Equal(["the", "movie", "is", "great", "br", "br", "don't", "miss", "it's", "film"],
            KerasImdbTokenizer.SplitWords("The movie is GREAT!<br /><br />Don't miss it's... film"));
        // Every filter character separates; the apostrophe does not.
        Assert.Equal(["a", "b", "c", "d", "e", "f", "g", "h", "i'j"], KerasImdbTokenizer.SplitWords("a-b,c.d(e)f\tg\nh \"i'j\"~"));
        // Only ' ' splits: a no-break space stays inside the word (as Python str.split(" ")); '\r' too.
        Assert.Equal(["x\u00A0y", "z\r"], KerasImdbTokenizer.SplitWords("x\u00A0y  z\r"));
        // Only A-Z are lowered, as in the index ("Ángela", not "ángela").
        Assert.Equal(["Ángela", "café"], KerasImdbTokenizer.SplitWords("ÁNGELA CAFé"));
        Assert.Empty(KerasImdbTokenizer.SplitWords(" .,!? "));
    }

    [Fact]
    public void Html_breaks_can_be_removed_instead()
    {
        Assert.Equal(["great", "it's"], KerasImdbTokenizer.SplitWords("Great<br /><BR />it's", replaceHtmlLineBreaks: true));
        // Only the exact tag "<br />" goes: a "br" word stays, and "<br/>" still leaves "br".
        Assert.Equal(["br", "br", "x"], KerasImdbTokenizer.SplitWords("br<br/>x", replaceHtmlLineBreaks: true));
    }

    [Fact]
    public void Ids_are_start_then_rank_plus_three_and_unknown_words_are_skipped()
    {
        var tokenizer = new KerasImdbTokenizer(Index, vocabularySize: 100);
        // the=1→4 movie=8→11 is=6→9 great=11→14 br=7→10 don't=9→12 miss(unknown, skipped) it's=10→13 film=12→15
        int[] ids = tokenizer.Encode("The movie is GREAT!<br /><br />Don't miss it's... film");
        Assert.Equal([1, 4, 11, 9, 14, 10, 10, 12, 13, 15], ids);
        Assert.Equal("<start> the movie is great br br don't it's film", tokenizer.Decode(ids));
    }

    [Fact]
    public void Ids_at_or_above_the_vocabulary_size_become_two()
    {
        // num_words 14 keeps ids 0..13, i.e. ranks 1..10.
        var tokenizer = new KerasImdbTokenizer(Index, vocabularySize: 14);
        var ids = new int[KerasImdbTokenizer.MaxIdCount(80)];
        int count = tokenizer.Encode("The movie is GREAT!<br /><br />Don't miss it's... film", ids, out int oov, out int unknown);
        Assert.Equal([1, 4, 11, 9, 2, 10, 10, 12, 13, 2], ids[..count]);
        Assert.Equal(2, oov);      // great, film
        Assert.Equal(1, unknown);  // miss
    }

    [Fact]
    public void Unknown_words_can_map_to_the_oov_id()
    {
        var tokenizer = new KerasImdbTokenizer(Index, vocabularySize: 14, unknownWords: UnknownWordHandling.OutOfVocabulary);
        var ids = new int[20];
        int count = tokenizer.Encode("the zebra", ids, out int oov, out int unknown);
        Assert.Equal([1, 4, 2], ids[..count]);
        Assert.Equal(1, oov);
        Assert.Equal(1, unknown);
    }

    [Fact]
    public void Html_break_removal_changes_the_ids()
    {
        var tokenizer = new KerasImdbTokenizer(Index, 100, replaceHtmlLineBreaks: true);
        Assert.Equal([1, 14, 15], tokenizer.Encode("Great<br /><br />film"));
    }

    [Fact]
    public void Empty_text_is_the_start_id_alone()
    {
        var tokenizer = new KerasImdbTokenizer(Index, 100);
        Assert.Equal([1], tokenizer.Encode(""));
        Assert.Equal([1], tokenizer.Encode("?!"));
    }

    [Fact]
    public void Non_ascii_words_match_the_index()
    {
        var tokenizer = new KerasImdbTokenizer(Index, 100);
        Assert.Equal([1, 16], tokenizer.Encode("CAFé"));
        Assert.Equal([1], tokenizer.Encode("CAFÉ")); // É is not lowered, so "cafÉ" is unknown
    }

    [Fact]
    public void Max_id_count_bounds_the_worst_case()
    {
        var tokenizer = new KerasImdbTokenizer(Index, 100, unknownWords: UnknownWordHandling.OutOfVocabulary);
        foreach (string text in (string[])["a", "a a", "a a a", "a a a ", " a a", "aa"])
        {
            var ids = new int[KerasImdbTokenizer.MaxIdCount(text.Length)];
            int count = tokenizer.Encode(text, ids);
            Assert.Equal(KerasImdbTokenizer.SplitWords(text).Count + 1, count);
        }
        var small = new int[2];
        Assert.Throws<ArgumentException>(() => tokenizer.Encode("a a a", small));
    }

    [Fact]
    public void Encode_allocates_nothing_once_warm()
    {
        var tokenizer = new KerasImdbTokenizer(Index, 100);
        const string text = "The movie is GREAT!<br /><br />Don't miss it's... film";
        var ids = new int[KerasImdbTokenizer.MaxIdCount(text.Length)];
        tokenizer.Encode(text, ids);
        Assert.Equal(0, AllocatedBytes.Least(() => { for (int i = 0; i < 100; i++) tokenizer.Encode(text, ids); }));
    }

    [Fact]
    public void Vocabulary_size_must_exceed_the_oov_id()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new KerasImdbTokenizer(Index, 2));
    }
}
