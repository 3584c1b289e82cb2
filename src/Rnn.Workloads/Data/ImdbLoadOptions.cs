namespace Rnn.Workloads.Data;

/// <summary>How <see cref="ImdbDataset.Load"/> turns reviews into rows. Defaults are the Keras IMDB LSTM example:
/// num_words 20,000, maxlen 80, pre-padding and pre-truncation with 0.</summary>
public sealed class ImdbLoadOptions
{
    /// <summary>Keras num_words: word ids ≥ this become 2.</summary>
    public int VocabularySize { get; init; } = 20_000;

    /// <summary>Keras maxlen: every row has exactly this many ids.</summary>
    public int MaxLength { get; init; } = 80;

    public PaddingSide Padding { get; init; } = PaddingSide.Pre;
    public PaddingSide Truncating { get; init; } = PaddingSide.Pre;

    /// <summary>An already loaded index (share it between the train and test loads).</summary>
    public ImdbWordIndex? WordIndex { get; init; }

    /// <summary>Word index file when it is not imdb_word_index.json beside the data.</summary>
    public string? WordIndexPath { get; init; }

    /// <summary>Read this form even when another is present (see <see cref="ImdbSource.Locate"/>).</summary>
    public ImdbSourceKind? SourceKind { get; init; }

    /// <summary>See <see cref="KerasImdbTokenizer"/>: false keeps Keras's "br" tokens.</summary>
    public bool ReplaceHtmlLineBreaks { get; init; }

    public UnknownWordHandling UnknownWords { get; init; } = UnknownWordHandling.Skip;
}
