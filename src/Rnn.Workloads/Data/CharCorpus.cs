using System.Text;
using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Workloads.Data;

/// <summary>
/// A text encoded as one stream of symbol ids, split by fraction into a training head and a validation tail.
/// Text handling: the file is strict UTF-8 (invalid bytes are an error); a leading byte-order mark is removed
/// because it is an encoding marker, not text; every other character, including '\r' of CRLF line ends, is kept
/// as a symbol (the model sees exactly what the file holds).
/// Split: the first floor(N × (1 − validationFraction)) symbols are training, the rest validation. This is a split
/// of the stream; char-rnn instead splits its list of batches, which gives each lane a validation tail — a stream
/// split keeps validation text disjoint from every training lane.
/// </summary>
public sealed class CharCorpus
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly int[] _ids;
    private readonly int _trainLength;

    private CharCorpus(CharVocabulary vocabulary, int[] ids, int trainLength, string? sourcePath)
    {
        Vocabulary = vocabulary;
        _ids = ids;
        _trainLength = trainLength;
        SourcePath = sourcePath;
    }

    public CharVocabulary Vocabulary { get; }

    /// <summary>The file this corpus came from, or null when built from a string.</summary>
    public string? SourcePath { get; }

    /// <summary>Number of symbols in the whole text.</summary>
    public int Length => _ids.Length;

    /// <summary>The whole text as ids.</summary>
    public ReadOnlyMemory<int> All => _ids;

    public ReadOnlyMemory<int> Train => new(_ids, 0, _trainLength);

    public ReadOnlyMemory<int> Validation => new(_ids, _trainLength, _ids.Length - _trainLength);

    /// <summary>The largest text read (256 MiB): its ids and batches take several times that.</summary>
    public const long MaxBytes = 256L << 20;

    /// <summary>
    /// Loads a UTF-8 text file. With <paramref name="vocabulary"/> null the vocabulary is built from the whole file;
    /// pass a checkpoint's vocabulary to keep ids stable (then a character outside it is an error).
    /// </summary>
    public static CharCorpus Load(string path, double validationFraction = 0.05, CharVocabulary? vocabulary = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"char corpus file not found: '{path}'", path);
        // Bounded: /dev/zero, /dev/urandom or a multi-GB file is refused (by its size up front where it has one).
        byte[] bytes = Rnn.Runtime.IO.InputFiles.ReadAllBytes(path, MaxBytes, "char corpus");
        ReadOnlySpan<byte> content = bytes;
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        if (content.StartsWith(bom)) content = content[bom.Length..];
        string text;
        try
        {
            text = StrictUtf8.GetString(content);
        }
        catch (DecoderFallbackException e)
        {
            throw new RnnFormatException($"char corpus '{path}' is not valid UTF-8 ({e.Message})", path, inner: e);
        }
        if (text.Length == 0) throw new RnnFormatException($"char corpus '{path}' holds no text", path);
        try
        {
            return FromText(text, validationFraction, vocabulary, path);
        }
        catch (ArgumentException e) when (e.ParamName == "text")
        {
            throw new RnnFormatException($"char corpus '{path}': {e.Message}", path, inner: e);
        }
    }

    /// <summary>Same as <see cref="Load"/> for text already in memory (a BOM in <paramref name="text"/> is kept).</summary>
    public static CharCorpus FromText(string text, double validationFraction = 0.05, CharVocabulary? vocabulary = null,
        string? sourcePath = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) throw new ArgumentException("char corpus text is empty", nameof(text));
        if (!(validationFraction >= 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction,
                "validation fraction must be in [0, 1)");
        vocabulary ??= CharVocabulary.FromText(text);
        var ids = new int[CharVocabulary.CountSymbols(text)];
        vocabulary.Encode(text, ids);
        int trainLength = (int)Math.Floor(ids.Length * (1.0 - validationFraction));
        return new CharCorpus(vocabulary, ids, trainLength, sourcePath);
    }
}
