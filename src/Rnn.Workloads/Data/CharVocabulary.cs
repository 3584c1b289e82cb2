using System.Text;

namespace Rnn.Workloads.Data;

/// <summary>
/// Symbol table of a char-level model: the sorted (ordinal code point) distinct Unicode scalar values of a text,
/// id = position in that order. Symbols are Unicode scalars (Runes), not UTF-16 units, so a character outside the
/// BMP is one symbol; for ASCII text this is the same as char-rnn's byte vocabulary.
/// An unknown symbol on <see cref="Encode(ReadOnlySpan{char}, Span{int})"/> is an error (ArgumentException naming the character and position);
/// callers who want a fallback use <see cref="TryGetId"/> and choose their own id.
/// </summary>
public sealed class CharVocabulary
{
    private readonly Rune[] _symbols;
    // Dense table for the common case (all symbols in the BMP); otherwise a dictionary.
    private readonly int[]? _idByCodePoint;
    private readonly Dictionary<int, int>? _idByCodePointSparse;

    private CharVocabulary(Rune[] sortedDistinct)
    {
        _symbols = sortedDistinct;
        int max = sortedDistinct.Length == 0 ? 0 : sortedDistinct[^1].Value;
        if (max <= 0xFFFF)
        {
            _idByCodePoint = new int[max + 1];
            Array.Fill(_idByCodePoint, -1);
            for (int i = 0; i < sortedDistinct.Length; i++) _idByCodePoint[sortedDistinct[i].Value] = i;
        }
        else
        {
            _idByCodePointSparse = new Dictionary<int, int>(sortedDistinct.Length);
            for (int i = 0; i < sortedDistinct.Length; i++) _idByCodePointSparse[sortedDistinct[i].Value] = i;
        }
    }

    /// <summary>Number of symbols (the model's input/output size).</summary>
    public int Count => _symbols.Length;

    /// <summary>Builds the vocabulary of <paramref name="text"/>: its distinct scalars in ordinal order.</summary>
    public static CharVocabulary FromText(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) throw new ArgumentException("cannot build a vocabulary from empty text", nameof(text));
        var seen = new HashSet<int>();
        int index = 0;
        while (index < text.Length)
        {
            Rune rune = ReadRune(text, index, nameof(text));
            seen.Add(rune.Value);
            index += rune.Utf16SequenceLength;
        }
        var values = new int[seen.Count];
        seen.CopyTo(values);
        Array.Sort(values);
        var symbols = new Rune[values.Length];
        for (int i = 0; i < values.Length; i++) symbols[i] = new Rune(values[i]);
        return new CharVocabulary(symbols);
    }

    /// <summary>
    /// Inverse of <see cref="ToMetadataString"/>: the symbols concatenated in id order. They must be distinct
    /// and in ascending ordinal order (that is what makes ids reproducible).
    /// </summary>
    public static CharVocabulary FromMetadataString(string metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.Length == 0) throw new ArgumentException("char vocabulary metadata is empty", nameof(metadata));
        var symbols = new List<Rune>();
        int index = 0;
        while (index < metadata.Length)
        {
            Rune rune = ReadRune(metadata, index, nameof(metadata));
            if (symbols.Count > 0 && rune.Value <= symbols[^1].Value)
                throw new ArgumentException(
                    $"char vocabulary metadata is not strictly ascending: symbol {symbols.Count} {Describe(rune)} " +
                    $"follows {Describe(symbols[^1])}", nameof(metadata));
            symbols.Add(rune);
            index += rune.Utf16SequenceLength;
        }
        return new CharVocabulary(symbols.ToArray());
    }

    /// <summary>All symbols in id order as one string (for checkpoint metadata). Round-trips through
    /// <see cref="FromMetadataString"/>; may contain control characters such as '\n' and '\r'.</summary>
    public string ToMetadataString()
    {
        var builder = new StringBuilder(_symbols.Length + 8);
        foreach (Rune symbol in _symbols) builder.Append(symbol.ToString());
        return builder.ToString();
    }

    public Rune GetSymbol(int id)
    {
        if ((uint)id >= (uint)_symbols.Length)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"symbol id must be in [0, {_symbols.Length})");
        return _symbols[id];
    }

    public bool TryGetId(Rune symbol, out int id)
    {
        int codePoint = symbol.Value;
        if (_idByCodePoint is not null)
        {
            id = codePoint < _idByCodePoint.Length ? _idByCodePoint[codePoint] : -1;
            return id >= 0;
        }
        return _idByCodePointSparse!.TryGetValue(codePoint, out id);
    }

    /// <summary>Number of ids <see cref="Encode(ReadOnlySpan{char}, Span{int})"/> writes for <paramref name="text"/> (its scalar count).</summary>
    public static int CountSymbols(ReadOnlySpan<char> text)
    {
        int count = 0;
        int index = 0;
        while (index < text.Length)
        {
            index += ReadRune(text, index, nameof(text)).Utf16SequenceLength;
            count++;
        }
        return count;
    }

    /// <summary>Writes one id per scalar of <paramref name="text"/> into <paramref name="ids"/>; returns the count.</summary>
    public int Encode(ReadOnlySpan<char> text, Span<int> ids)
    {
        int count = 0;
        int index = 0;
        while (index < text.Length)
        {
            Rune rune = ReadRune(text, index, nameof(text));
            if (!TryGetId(rune, out int id))
                throw new ArgumentException(
                    $"character {Describe(rune)} at UTF-16 index {index} is not in the vocabulary of {Count} symbols",
                    nameof(text));
            if (count >= ids.Length)
                throw new ArgumentException(
                    $"destination holds {ids.Length} ids but the text has more symbols", nameof(ids));
            ids[count++] = id;
            index += rune.Utf16SequenceLength;
        }
        return count;
    }

    public int[] Encode(string text)
    {
        var ids = new int[CountSymbols(text)];
        Encode(text, ids);
        return ids;
    }

    /// <summary>Appends the symbols of <paramref name="ids"/> to <paramref name="destination"/>.</summary>
    public void Decode(ReadOnlySpan<int> ids, StringBuilder destination)
    {
        foreach (int id in ids)
        {
            Rune symbol = GetSymbol(id);
            if (symbol.IsBmp) destination.Append((char)symbol.Value);
            else destination.Append(symbol.ToString());
        }
    }

    public string Decode(ReadOnlySpan<int> ids)
    {
        var builder = new StringBuilder(ids.Length);
        Decode(ids, builder);
        return builder.ToString();
    }

    private static Rune ReadRune(ReadOnlySpan<char> text, int index, string parameterName)
    {
        if (Rune.DecodeFromUtf16(text[index..], out Rune rune, out _) != System.Buffers.OperationStatus.Done)
            throw new ArgumentException($"lone UTF-16 surrogate U+{(int)text[index]:X4} at index {index}", parameterName);
        return rune;
    }

    internal static string Describe(Rune rune)
        => Rune.IsControl(rune) || Rune.IsWhiteSpace(rune) ? $"U+{rune.Value:X4}" : $"'{rune}' (U+{rune.Value:X4})";
}
