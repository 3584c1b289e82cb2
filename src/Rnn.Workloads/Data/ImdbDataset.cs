using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Workloads.Data;

/// <summary>
/// One IMDB split as Keras <c>load_data</c> + <c>pad_sequences</c> would give it: Count rows of MaxLength ids,
/// stored flat (Count, MaxLength) row-major, and a 0/1 label per row. Rows are in a canonical order whatever the
/// source form — negatives then positives, each by ascending review id (the JSON lines order) — so the three
/// forms give identical datasets; call <see cref="Shuffle"/> for a seeded permutation.
/// </summary>
public sealed class ImdbDataset
{
    private int[] _tokens;
    private byte[] _labels;
    private int[] _reviewIds;
    private int[] _ratings;

    private ImdbDataset(ImdbSource source, int maxLength, int vocabularySize, int[] tokens, byte[] labels, int[] reviewIds,
        int[] ratings, long wordCount, long outOfVocabularyCount, long unknownWordCount, int truncatedCount)
    {
        Source = source;
        MaxLength = maxLength;
        VocabularySize = vocabularySize;
        _tokens = tokens;
        _labels = labels;
        _reviewIds = reviewIds;
        _ratings = ratings;
        WordCount = wordCount;
        OutOfVocabularyCount = outOfVocabularyCount;
        UnknownWordCount = unknownWordCount;
        TruncatedCount = truncatedCount;
    }

    public ImdbSource Source { get; }
    public ImdbSplit Split => Source.Split;
    public int Count => _labels.Length;
    public int MaxLength { get; }
    public int VocabularySize { get; }

    /// <summary>All rows, (Count, MaxLength) row-major.</summary>
    public ReadOnlySpan<int> Tokens => _tokens;

    /// <summary>0 negative, 1 positive, one per row.</summary>
    public ReadOnlySpan<byte> Labels => _labels;

    /// <summary>The &lt;id&gt; of each row's review file (-1 when unknown); with the label it identifies the review.</summary>
    public ReadOnlySpan<int> ReviewIds => _reviewIds;

    /// <summary>Star rating of each row's review (-1 when unknown).</summary>
    public ReadOnlySpan<int> Ratings => _ratings;

    /// <summary>Word ids in all reviews before padding/truncation, start ids excluded (skipped unknown words excluded).</summary>
    public long WordCount { get; }

    /// <summary>Words written as id 2 (see <see cref="KerasImdbTokenizer.Encode(ReadOnlySpan{char}, Span{int}, out int, out int)"/>).</summary>
    public long OutOfVocabularyCount { get; }

    /// <summary>Words absent from the word index (skipped or written as 2).</summary>
    public long UnknownWordCount { get; }

    /// <summary>Fraction of <see cref="WordCount"/> that is id 2.</summary>
    public double OutOfVocabularyFraction => WordCount == 0 ? 0 : (double)OutOfVocabularyCount / WordCount;

    /// <summary>Reviews longer than MaxLength ids (start id included) that lost ids to truncation.</summary>
    public int TruncatedCount { get; }

    /// <summary>Row <paramref name="index"/>: MaxLength ids.</summary>
    public ReadOnlySpan<int> GetRow(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"row must be in [0, {Count})");
        return _tokens.AsSpan(index * MaxLength, MaxLength);
    }

    /// <summary>
    /// Loads <paramref name="split"/> from <paramref name="path"/> (a directory or a file; see
    /// <see cref="ImdbSource.Locate"/>), tokenising with <see cref="KerasImdbTokenizer"/>.
    /// </summary>
    public static ImdbDataset Load(string path, ImdbSplit split, ImdbLoadOptions? options = null)
    {
        options ??= new ImdbLoadOptions();
        if (options.MaxLength <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxLength, "MaxLength (Keras maxlen) must be positive");
        ImdbSource source = ImdbSource.Locate(path, split, options.SourceKind);
        ImdbWordIndex wordIndex = options.WordIndex ?? LoadWordIndex(source, options);
        var tokenizer = new KerasImdbTokenizer(wordIndex, options.VocabularySize, options.ReplaceHtmlLineBreaks, options.UnknownWords);
        return Build(source, tokenizer, options);
    }

    private static ImdbWordIndex LoadWordIndex(ImdbSource source, ImdbLoadOptions options)
    {
        string? path = options.WordIndexPath ?? source.WordIndexPath;
        if (path is null)
            throw new RnnFormatException(
                $"no {ImdbSource.WordIndexFileName} beside the IMDB data '{source.Path}'; pass ImdbLoadOptions.WordIndexPath", source.Path);
        return ImdbWordIndex.Load(path);
    }

    private static ImdbDataset Build(ImdbSource source, KerasImdbTokenizer tokenizer, ImdbLoadOptions options)
    {
        int maxLength = options.MaxLength;
        var rows = new int[maxLength * 1024];
        var reviews = new List<ImdbReviewInfo>(25_000);
        int[] ids = new int[4096];
        long words = 0, outOfVocabulary = 0, unknown = 0;
        int truncated = 0;

        ImdbReviewReader.Read(source, (review, text) =>
        {
            int needed = KerasImdbTokenizer.MaxIdCount(text.Length);
            if (ids.Length < needed) ids = new int[Math.Max(needed, ids.Length * 2)];
            int count = tokenizer.Encode(text, ids, out int reviewOutOfVocabulary, out int reviewUnknown);
            words += count - 1;
            outOfVocabulary += reviewOutOfVocabulary;
            unknown += reviewUnknown;
            int row = reviews.Count;
            if ((long)(row + 1) * maxLength > rows.Length) Array.Resize(ref rows, checked(rows.Length * 2));
            if (KerasSequencePadding.PadSequence(ids.AsSpan(0, count), rows.AsSpan(row * maxLength, maxLength),
                    options.Padding, options.Truncating)) truncated++;
            reviews.Add(review);
        });

        // Canonical order: label, then review id, then read order (stable and total, so the sort is deterministic).
        int n = reviews.Count;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(order, (a, b) =>
        {
            int byLabel = reviews[a].Label.CompareTo(reviews[b].Label);
            if (byLabel != 0) return byLabel;
            int byId = reviews[a].Id.CompareTo(reviews[b].Id);
            return byId != 0 ? byId : a.CompareTo(b);
        });

        var tokens = new int[checked(n * maxLength)];
        var labels = new byte[n];
        var reviewIds = new int[n];
        var ratings = new int[n];
        for (int i = 0; i < n; i++)
        {
            int from = order[i];
            rows.AsSpan(from * maxLength, maxLength).CopyTo(tokens.AsSpan(i * maxLength, maxLength));
            labels[i] = (byte)reviews[from].Label;
            reviewIds[i] = reviews[from].Id;
            ratings[i] = reviews[from].Rating;
        }
        return new ImdbDataset(source, maxLength, tokenizer.VocabularySize, tokens, labels, reviewIds, ratings,
            words, outOfVocabulary, unknown, truncated);
    }

    /// <summary>Permutes the rows (with their labels, ids and ratings) by a seeded Fisher–Yates shuffle; the same
    /// seed gives the same order on every run and platform. Keras shuffles its splits once with NumPy seed 113; this
    /// generator is different, so the order is not Keras's.</summary>
    public void Shuffle(ulong seed)
    {
        int n = Count;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        new ShuffleRandom(seed).Shuffle(order);
        var tokens = new int[_tokens.Length];
        var labels = new byte[n];
        var reviewIds = new int[n];
        var ratings = new int[n];
        for (int i = 0; i < n; i++)
        {
            int from = order[i];
            _tokens.AsSpan(from * MaxLength, MaxLength).CopyTo(tokens.AsSpan(i * MaxLength, MaxLength));
            labels[i] = _labels[from];
            reviewIds[i] = _reviewIds[from];
            ratings[i] = _ratings[from];
        }
        _tokens = tokens;
        _labels = labels;
        _reviewIds = reviewIds;
        _ratings = ratings;
    }
}
