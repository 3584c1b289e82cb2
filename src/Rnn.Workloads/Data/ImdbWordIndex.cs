using System.Text.Json;
using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Workloads.Data;

/// <summary>
/// Keras's imdb_word_index.json: word → frequency rank (1 = most frequent, "the"). Parsed with Utf8JsonReader,
/// so it is AOT- and trim-safe. Lookups by span do not allocate.
/// </summary>
public sealed class ImdbWordIndex
{
    /// <summary>The largest rank accepted is this many times the word count, plus <see cref="MaxRankSlack"/>.</summary>
    public const int MaxRankPerWord = 4;

    /// <summary>See <see cref="MaxRankPerWord"/>.</summary>
    public const int MaxRankSlack = 1024;

    private readonly Dictionary<string, int> _rankByWord;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _rankBySpan;
    private readonly string?[] _wordByRank;

    private ImdbWordIndex(Dictionary<string, int> rankByWord, string?[] wordByRank)
    {
        _rankByWord = rankByWord;
        _rankBySpan = rankByWord.GetAlternateLookup<ReadOnlySpan<char>>();
        _wordByRank = wordByRank;
    }

    /// <summary>Number of words.</summary>
    public int Count => _rankByWord.Count;

    /// <summary>Largest rank present.</summary>
    public int MaxRank => _wordByRank.Length - 1;

    public static ImdbWordIndex Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"IMDB word index not found: '{path}'", path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses a JSON object of word → positive integer rank. <paramref name="sourceName"/> names the
    /// origin in error messages.</summary>
    public static ImdbWordIndex Parse(ReadOnlySpan<byte> utf8Json, string? sourceName = null)
    {
        string where = sourceName ?? "<word index>";
        // Keras's index holds 88,584 words; an entry takes at least 6 bytes ("a":1,), so a small file gets a small table.
        var rankByWord = new Dictionary<string, int>(capacity: Math.Min(90_000, utf8Json.Length / 6 + 1), StringComparer.Ordinal);
        int maxRank = 0;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new RnnFormatException($"IMDB word index '{where}' must be a JSON object of word → rank", sourceName);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                string word = reader.GetString()!; // property name
                // The tokenizer splits reviews on spaces and a checkpoint stores the index space-separated, so such a
                // word could never match and would shift the ranks of the words after it when read back.
                if (word.Length == 0 || word.Contains(' '))
                    throw new RnnFormatException(
                        $"IMDB word index '{where}': word \"{word}\" at byte {reader.TokenStartIndex} is empty or holds a space; " +
                        "reviews are split on spaces, so it could never match", sourceName);
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int rank) || rank < 1)
                    throw new RnnFormatException(
                        $"IMDB word index '{where}': rank of \"{word}\" must be a positive integer, got {reader.TokenType} " +
                        $"at byte {reader.TokenStartIndex}", sourceName);
                if (!rankByWord.TryAdd(word, rank))
                    throw new RnnFormatException($"IMDB word index '{where}': word \"{word}\" appears twice", sourceName);
                if (rank > maxRank) maxRank = rank;
            }
            if (reader.TokenType != JsonTokenType.EndObject)
                throw new RnnFormatException($"IMDB word index '{where}' ends before its closing brace", sourceName);
        }
        catch (JsonException e)
        {
            throw new RnnFormatException($"IMDB word index '{where}' is not valid JSON: {e.Message}", sourceName, inner: e);
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader.GetString throws this for invalid UTF-8 inside a string (found by fuzzing).
            throw new RnnFormatException($"IMDB word index '{where}' is not valid UTF-8 JSON: {e.Message}", sourceName, inner: e);
        }
        if (rankByWord.Count == 0) throw new RnnFormatException($"IMDB word index '{where}' is empty", sourceName);
        // Memory here and in a checkpoint's copy of the index grows with the largest rank, so it may not run far past
        // the words the file holds (Keras's ranks are dense: 88,584 words, ranks 1..88,584). Found by fuzzing: a
        // 53-byte index with one rank of 688,584 allocated 30 MB; one of 2,000,000,000 would ask for 16 GB.
        long rankLimit = MaxRankPerWord * (long)rankByWord.Count + MaxRankSlack;
        if (maxRank > rankLimit)
            throw new RnnFormatException(
                $"IMDB word index '{where}': rank {maxRank} is far past its {rankByWord.Count} words (at most {rankLimit}: " +
                $"{MaxRankPerWord} x words + {MaxRankSlack}); ranks count words by frequency from 1", sourceName);

        var wordByRank = new string?[maxRank + 1];
        foreach (KeyValuePair<string, int> pair in rankByWord)
        {
            if (wordByRank[pair.Value] is { } other)
                throw new RnnFormatException(
                    $"IMDB word index '{where}': rank {pair.Value} is given to both \"{other}\" and \"{pair.Key}\"", sourceName);
            wordByRank[pair.Value] = pair.Key;
        }
        return new ImdbWordIndex(rankByWord, wordByRank);
    }

    public bool TryGetRank(ReadOnlySpan<char> word, out int rank) => _rankBySpan.TryGetValue(word, out rank);

    /// <summary>The word of <paramref name="rank"/>, or null when no word has it.</summary>
    public string? GetWord(int rank) => (uint)rank < (uint)_wordByRank.Length ? _wordByRank[rank] : null;
}
