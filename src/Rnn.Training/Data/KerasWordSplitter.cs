namespace Rnn.Training.Data;

/// <summary>
/// Word boundaries of Keras <c>text_to_word_sequence</c> with its defaults: every character of
/// <see cref="KerasImdbTokenizer.Filters"/> becomes a space, then the text is split on ' ' only and empty pieces
/// are dropped. Only ' ' separates — other whitespace such as U+00A0 or U+0085 stays inside a word, as in Python's
/// <c>str.split(" ")</c> (the Keras IMDB index holds words like "it\u0085"). The apostrophe is not a filter, so
/// "don't" is one word. Optionally "&lt;br /&gt;" (ASCII case-insensitive) also separates words.
/// Yields (start, length) ranges of the original text; no allocation.
/// </summary>
internal ref struct KerasWordSplitter
{
    private static readonly bool[] IsSeparator = BuildSeparatorTable();

    private readonly ReadOnlySpan<char> _text;
    private readonly bool _htmlBreaksSeparate;
    private int _position;

    public KerasWordSplitter(ReadOnlySpan<char> text, bool htmlBreaksSeparate)
    {
        _text = text;
        _htmlBreaksSeparate = htmlBreaksSeparate;
        _position = 0;
    }

    public bool TryNext(out int start, out int length)
    {
        ReadOnlySpan<char> text = _text;
        int i = _position;
        // Skip separators.
        while (i < text.Length)
        {
            int separatorLength = SeparatorLengthAt(text, i);
            if (separatorLength == 0) break;
            i += separatorLength;
        }
        if (i >= text.Length)
        {
            _position = i;
            start = length = 0;
            return false;
        }
        start = i;
        while (i < text.Length && SeparatorLengthAt(text, i) == 0) i++;
        length = i - start;
        _position = i;
        return true;
    }

    private readonly int SeparatorLengthAt(ReadOnlySpan<char> text, int i)
    {
        char c = text[i];
        if (c >= 128 || !IsSeparator[c]) return 0;
        if (c == '<' && _htmlBreaksSeparate && IsHtmlBreak(text[i..])) return HtmlBreak.Length;
        return 1;
    }

    private const string HtmlBreak = "<br />";

    private static bool IsHtmlBreak(ReadOnlySpan<char> text)
        => text.Length >= HtmlBreak.Length && text[..HtmlBreak.Length].Equals(HtmlBreak, StringComparison.OrdinalIgnoreCase);

    private static bool[] BuildSeparatorTable()
    {
        var table = new bool[128];
        foreach (char c in KerasImdbTokenizer.Filters) table[c] = true;
        table[' '] = true;
        return table;
    }
}
