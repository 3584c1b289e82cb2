using System.Diagnostics;
using Rnn.Workloads.Data;
using Xunit.Abstractions;

namespace Rnn.Tests.Workloads.Data;

/// <summary>The real IMDB data in &lt;repo&gt;/../shared/data/imdb or RNN_DATA_DIR (skipped, saying how to get it, when absent).</summary>
public class ImdbRealDataTests(ITestOutputHelper output)
{
    private static string ImdbFolder => Path.Combine(SharedDataLocator.DataFolder!, "imdb");

    private static readonly Lazy<ImdbWordIndex> WordIndex = new(() => ImdbWordIndex.Load(Path.Combine(ImdbFolder, "imdb_word_index.json")));

    [SharedDataFact]
    public void Train_split_loads_fast_with_balanced_labels_and_few_oov_words()
    {
        var watch = Stopwatch.StartNew();
        var train = ImdbDataset.Load(ImdbFolder, ImdbSplit.Train); // Keras example defaults: num_words 20000, maxlen 80
        watch.Stop();
        output.WriteLine($"train from {train.Source.Kind} '{train.Source.Path}': {watch.ElapsedMilliseconds} ms (word index included)");
        output.WriteLine($"words {train.WordCount:N0}, oov {train.OutOfVocabularyCount:N0} ({train.OutOfVocabularyFraction:P3}), " +
                         $"unknown {train.UnknownWordCount:N0}, truncated {train.TruncatedCount:N0}");

        Assert.Equal(ImdbSourceKind.JsonLines, train.Source.Kind);
        Assert.Equal(25_000, train.Count);
        Assert.Equal(25_000 * 80, train.Tokens.Length);
        int positives = 0;
        foreach (byte label in train.Labels) positives += label;
        Assert.Equal(12_500, positives);
        // The index was built from the train split, so every train word is known.
        Assert.Equal(0, train.UnknownWordCount);
        // Keras imdb.load_data: mean train sequence length (start id included) is 238.71364.
        Assert.Equal(238.71364, (train.WordCount + train.Count) / (double)train.Count, 5);
        // With num_words 20000 roughly 3% of words fall outside the vocabulary.
        Assert.InRange(train.OutOfVocabularyFraction, 0.01, 0.05);
        foreach (int id in train.Tokens) Assert.InRange(id, 0, 19_999);
        for (int i = 0; i < train.Count; i++)
        {
            ReadOnlySpan<int> row = train.GetRow(i);
            // Pre-padding: a row is zeros then the start id, or (truncated) 80 word ids.
            int firstNonPad = row.IndexOfAnyExcept(0);
            Assert.True(firstNonPad >= 0);
            if (firstNonPad > 0) Assert.Equal(KerasImdbTokenizer.StartId, row[firstNonPad]);
        }
        // Typically 1–2 s of CPU; the bound only catches pathological regressions on a loaded machine.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"loading took {watch.Elapsed}");
    }

    [SharedDataFact]
    public void Test_split_matches_keras_when_unknown_words_are_skipped()
    {
        var watch = Stopwatch.StartNew();
        var test = ImdbDataset.Load(ImdbFolder, ImdbSplit.Test, new ImdbLoadOptions { WordIndex = WordIndex.Value });
        watch.Stop();
        output.WriteLine($"test from {test.Source.Kind}: {watch.ElapsedMilliseconds} ms; words {test.WordCount:N0}, " +
                         $"oov {test.OutOfVocabularyFraction:P3}, unknown (skipped) {test.UnknownWordCount:N0}");
        Assert.Equal(25_000, test.Count);
        int positives = 0;
        foreach (byte label in test.Labels) positives += label;
        Assert.Equal(12_500, positives);
        // Keras imdb.load_data: mean test sequence length is 230.8042 — reproduced only when words missing from the
        // train-built index are dropped (mapping them to 2 would give 233.35).
        Assert.Equal(230.8042, (test.WordCount + test.Count) / (double)test.Count, 4);
        Assert.InRange(test.OutOfVocabularyFraction, 0.01, 0.05);
    }

    [SharedDataFact]
    public void Word_index_is_reproduced_by_the_tokenizer_on_the_train_split()
    {
        // Count every word of the train split with an unlimited vocabulary. If our tokenisation is the one Keras used,
        // every word is in the index, every index word occurs, and counts never increase with rank.
        ImdbWordIndex index = WordIndex.Value;
        var tokenizer = new KerasImdbTokenizer(index, index.MaxRank + KerasImdbTokenizer.IndexFrom + 1,
            unknownWords: UnknownWordHandling.OutOfVocabulary);
        var counts = new long[index.MaxRank + KerasImdbTokenizer.IndexFrom + 1];
        int[] ids = new int[1 << 16];
        long unknown = 0;
        ImdbSource source = ImdbSource.Locate(ImdbFolder, ImdbSplit.Train, ImdbSourceKind.JsonLines);
        ImdbReviewReader.Read(source, (review, text) =>
        {
            if (ids.Length < KerasImdbTokenizer.MaxIdCount(text.Length)) ids = new int[KerasImdbTokenizer.MaxIdCount(text.Length)];
            int count = tokenizer.Encode(text, ids, out _, out int reviewUnknown);
            unknown += reviewUnknown;
            for (int i = 1; i < count; i++) counts[ids[i]]++;
        });
        Assert.Equal(0, unknown);
        int violations = 0;
        for (int rank = 1; rank <= index.MaxRank; rank++)
        {
            long count = counts[rank + KerasImdbTokenizer.IndexFrom];
            Assert.True(count > 0, $"index word \"{index.GetWord(rank)}\" (rank {rank}) never occurs");
            if (rank > 1 && count > counts[rank - 1 + KerasImdbTokenizer.IndexFrom]) violations++;
        }
        output.WriteLine($"'the' occurs {counts[1 + 3]:N0} times, 'br' {counts[7 + 3]:N0}; rank-order violations {violations}");
        Assert.Equal(0, violations);
    }

    [SharedDataFact]
    public void Archive_gives_the_same_train_rows_as_json_lines()
    {
        var watch = Stopwatch.StartNew();
        var archive = ImdbDataset.Load(ImdbFolder, ImdbSplit.Train,
            new ImdbLoadOptions { WordIndex = WordIndex.Value, SourceKind = ImdbSourceKind.Archive });
        long archiveMs = watch.ElapsedMilliseconds;
        watch.Restart();
        var jsonl = ImdbDataset.Load(ImdbFolder, ImdbSplit.Train, new ImdbLoadOptions { WordIndex = WordIndex.Value });
        long jsonlMs = watch.ElapsedMilliseconds;
        output.WriteLine($"train: archive {archiveMs} ms, json lines {jsonlMs} ms (word index preloaded)");
        Assert.Equal(ImdbSourceKind.Archive, archive.Source.Kind);
        Assert.Equal(25_000, archive.Count);
        Assert.True(jsonl.Tokens.SequenceEqual(archive.Tokens));
        Assert.True(jsonl.Labels.SequenceEqual(archive.Labels));
        Assert.True(jsonl.ReviewIds.SequenceEqual(archive.ReviewIds));
        Assert.True(jsonl.Ratings.SequenceEqual(archive.Ratings));
    }
}
