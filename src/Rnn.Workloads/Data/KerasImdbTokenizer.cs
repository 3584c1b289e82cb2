using System.Text;

namespace Rnn.Workloads.Data;

/// <summary>
/// Turns review text into the integer sequences of <c>keras.datasets.imdb.load_data</c>:
/// [1 (start), rank(word) + 3, ...], where an id ≥ VocabularySize (Keras num_words) becomes 2 (out of vocabulary).
/// Ids: 0 padding, 1 start, 2 out of vocabulary, 3 + rank − 1 ... for words.
///
/// Tokenisation reproduces the one behind imdb_word_index.json. Checked on the aclImdb train split: these rules
/// yield exactly the 88,584 index words, and the index ranks are in non-increasing order of our word counts
/// (zero violations). The rules:
/// - ASCII-only lower-casing (A–Z). The index holds "Ángela" and "Üvegtigris", never their lower-case forms, so
///   the original tool did not lower non-ASCII letters (Python 2 byte strings); full Unicode lower-casing breaks
///   40 index words.
/// - Keras default filters !"#$%&amp;()*+,-./:;&lt;=&gt;?@[\]^_`{|}~\t\n become spaces; the apostrophe is kept
///   (the index has "don't" at rank 89, "it's" at 42, "'" itself at 755).
/// - Split on ' ' only (see <see cref="KerasWordSplitter"/>).
/// - "&lt;br /&gt;" is NOT removed by default: '&lt;', '/', '&gt;' are filters, so it leaves the word "br", which is
///   rank 7 in the index with 101,871 train occurrences. Set replaceHtmlLineBreaks to drop it (a deviation from
///   Keras that some pipelines prefer).
/// - Words missing from the index are skipped by default (<see cref="UnknownWordHandling"/>).
/// Not thread-safe: an instance reuses a scratch buffer. Encoding allocates nothing once the buffer fits the
/// longest word.
/// </summary>
public sealed class KerasImdbTokenizer
{
    public const int PaddingId = 0;
    public const int StartId = 1;
    public const int OutOfVocabularyId = 2;

    /// <summary>Keras index_from: id = rank + IndexFrom.</summary>
    public const int IndexFrom = 3;

    /// <summary>Keras <c>text_to_word_sequence</c> default filters.</summary>
    public const string Filters = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";

    private readonly ImdbWordIndex _wordIndex;
    private char[] _scratch = new char[64];

    /// <param name="vocabularySize">Keras num_words: ids ≥ this become 2. At least 3. Use
    /// <c>wordIndex.MaxRank + IndexFrom + 1</c> to keep every word.</param>
    public KerasImdbTokenizer(ImdbWordIndex wordIndex, int vocabularySize = 20_000, bool replaceHtmlLineBreaks = false,
        UnknownWordHandling unknownWords = UnknownWordHandling.Skip)
    {
        ArgumentNullException.ThrowIfNull(wordIndex);
        if (vocabularySize <= OutOfVocabularyId)
            throw new ArgumentOutOfRangeException(nameof(vocabularySize), vocabularySize,
                $"vocabulary size (Keras num_words) must be greater than the out-of-vocabulary id {OutOfVocabularyId}");
        _wordIndex = wordIndex;
        VocabularySize = vocabularySize;
        ReplaceHtmlLineBreaks = replaceHtmlLineBreaks;
        UnknownWords = unknownWords;
    }

    public ImdbWordIndex WordIndex => _wordIndex;
    public int VocabularySize { get; }
    public bool ReplaceHtmlLineBreaks { get; }
    public UnknownWordHandling UnknownWords { get; }

    /// <summary>Upper bound on the ids <see cref="Encode(ReadOnlySpan{char}, Span{int})"/> writes for a text of
    /// <paramref name="textLength"/> UTF-16 chars (start id plus one per word; words are separated).</summary>
    public static int MaxIdCount(int textLength) => textLength / 2 + 2;

    /// <summary>Keras <c>text_to_word_sequence</c> (lower-cased words), for inspection and tests.</summary>
    public static List<string> SplitWords(ReadOnlySpan<char> text, bool replaceHtmlLineBreaks = false)
    {
        var words = new List<string>();
        var splitter = new KerasWordSplitter(text, replaceHtmlLineBreaks);
        while (splitter.TryNext(out int start, out int length)) words.Add(LowerAscii(text.Slice(start, length)));
        return words;
    }

    public int Encode(ReadOnlySpan<char> text, Span<int> ids) => Encode(text, ids, out _, out _);

    /// <summary>
    /// Writes [start, word ids...] into <paramref name="ids"/> and returns how many were written.
    /// <paramref name="outOfVocabulary"/> counts words written as id 2 (rank beyond the vocabulary, or unknown with
    /// <see cref="UnknownWordHandling.OutOfVocabulary"/>); <paramref name="unknown"/> counts words absent from the
    /// index (skipped or written as 2).
    /// </summary>
    public int Encode(ReadOnlySpan<char> text, Span<int> ids, out int outOfVocabulary, out int unknown)
    {
        outOfVocabulary = 0;
        unknown = 0;
        if (ids.Length < 1) throw new ArgumentException("ids must hold at least the start id", nameof(ids));
        int count = 0;
        ids[count++] = StartId;
        var splitter = new KerasWordSplitter(text, ReplaceHtmlLineBreaks);
        while (splitter.TryNext(out int start, out int length))
        {
            if (_scratch.Length < length) _scratch = new char[Math.Max(length, _scratch.Length * 2)];
            Span<char> word = _scratch.AsSpan(0, length);
            LowerAscii(text.Slice(start, length), word);

            int id;
            if (_wordIndex.TryGetRank(word, out int rank))
            {
                id = rank + IndexFrom;
                if (id >= VocabularySize)
                {
                    id = OutOfVocabularyId;
                    outOfVocabulary++;
                }
            }
            else
            {
                unknown++;
                if (UnknownWords == UnknownWordHandling.Skip) continue;
                id = OutOfVocabularyId;
                outOfVocabulary++;
            }
            if (count >= ids.Length)
                throw new ArgumentException($"ids holds {ids.Length} ids but the text has more words; size it with MaxIdCount", nameof(ids));
            ids[count++] = id;
        }
        return count;
    }

    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new int[MaxIdCount(text.Length)];
        int count = Encode(text, ids);
        return ids.AsSpan(0, count).ToArray();
    }

    /// <summary>Readable form of ids: padding is skipped, 1 is "&lt;start&gt;", 2 is "&lt;oov&gt;".</summary>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var builder = new StringBuilder();
        foreach (int id in ids)
        {
            if (id == PaddingId) continue;
            if (builder.Length > 0) builder.Append(' ');
            if (id == StartId) builder.Append("<start>");
            else if (id == OutOfVocabularyId) builder.Append("<oov>");
            else builder.Append(_wordIndex.GetWord(id - IndexFrom) ?? $"<id {id}>");
        }
        return builder.ToString();
    }

    private static string LowerAscii(ReadOnlySpan<char> source)
    {
        var chars = new char[source.Length];
        LowerAscii(source, chars);
        return new string(chars);
    }

    private static void LowerAscii(ReadOnlySpan<char> source, Span<char> destination)
    {
        for (int i = 0; i < source.Length; i++)
        {
            char c = source[i];
            destination[i] = (uint)(c - 'A') <= 'Z' - 'A' ? (char)(c + ('a' - 'A')) : c;
        }
    }
}
