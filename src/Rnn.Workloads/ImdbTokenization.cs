using System.Globalization;
using System.Text;
using System.Text.Json;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Workloads.Data;
using Rnn.Training.Models;

namespace Rnn.Workloads;

/// <summary>
/// The text → ids settings of an IMDB model, saved in its checkpoint (RunState.Extra) so that `predict` and `eval`
/// tokenise exactly as training did, without the data folder: num_words, maxlen, pre-padding/truncation, and the
/// whole word index (words absent from the index are skipped while known rare words become id 2, so the rare
/// words are needed too).
/// </summary>
public static class ImdbTokenization
{
    public const string VocabularyKey = "imdb.num_words", MaxLengthKey = "imdb.maxlen", PaddingKey = "imdb.padding",
        TruncatingKey = "imdb.truncating", WordsKey = "imdb.words";

    public static void Write(Dictionary<string, string> extra, ImdbWordIndex index, int vocabularySize, int maxLength)
    {
        extra[VocabularyKey] = ImdbSettings.Str(vocabularySize);
        extra[MaxLengthKey] = ImdbSettings.Str(maxLength);
        extra[PaddingKey] = "pre";
        extra[TruncatingKey] = "pre";
        // Words by rank, space-separated (the tokenizer splits on spaces, so no word holds one); a rank with no word
        // leaves an empty entry.
        var words = new StringBuilder(index.MaxRank * 8);
        for (int rank = 1; rank <= index.MaxRank; rank++)
        {
            if (rank > 1) words.Append(' ');
            words.Append(index.GetWord(rank));
        }
        extra[WordsKey] = words.ToString();
    }

    public static (KerasImdbTokenizer Tokenizer, int MaxLength) Read(RunState run, string path)
    {
        int vocabulary = Int(run, VocabularyKey, path), maxLength = Int(run, MaxLengthKey, path);
        if (Get(run, PaddingKey, path) != "pre" || Get(run, TruncatingKey, path) != "pre")
            throw new RnnFormatException($"{path}: only pre-padding and pre-truncation are supported.", path);
        string words = Get(run, WordsKey, path);
        var json = new MemoryStream(words.Length * 2);
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            int rank = 0;
            foreach (Range r in words.AsSpan().Split(' '))
            {
                rank++;
                if (r.End.Value > r.Start.Value) w.WriteNumber(words.AsSpan(r), rank);
            }
            w.WriteEndObject();
        }
        ImdbWordIndex index = ImdbWordIndex.Parse(json.GetBuffer().AsSpan(0, (int)json.Length), path);
        if (vocabulary <= KerasImdbTokenizer.OutOfVocabularyId || maxLength <= 0)
            throw new RnnFormatException($"{path}: invalid tokenisation settings (num_words {vocabulary}, maxlen {maxLength}).", path);
        return (new KerasImdbTokenizer(index, vocabulary), maxLength);
    }

    private static string Get(RunState run, string key, string path) =>
        run.Extra.TryGetValue(key, out string? v) ? v
            : throw new RnnFormatException($"{path}: the run state has no '{key}'; not an IMDB model checkpoint of this tool.", path);

    private static int Int(RunState run, string key, string path) =>
        int.TryParse(Get(run, key, path), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
            ? v : throw new RnnFormatException($"{path}: run state '{key}' is not an integer.", path);
}
