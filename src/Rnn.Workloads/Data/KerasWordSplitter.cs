using System.Buffers;

namespace Rnn.Workloads.Data;

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
    private static readonly SearchValues<char> Separators = SearchValues.Create(KerasImdbTokenizer.Filters + " ");
    private const string HtmlBreak = "<br />";

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
        while (true)
        {
            int skip = text[_position..].IndexOfAnyExcept(Separators);
            if (skip < 0)
            {
                _position = text.Length;
                start = length = 0;
                return false;
            }
            start = _position + skip;
            int end = text[start..].IndexOfAny(Separators);
            length = end < 0 ? text.Length - start : end;
            _position = start + length;
            // Inside "<br />" only "br" is not a filter character; drop it when the whole tag is there.
            if (_htmlBreaksSeparate && start > 0 && text[start - 1] == '<' && IsHtmlBreak(text[(start - 1)..])) continue;
            return true;
        }
    }

    private static bool IsHtmlBreak(ReadOnlySpan<char> text)
        => text.Length >= HtmlBreak.Length && text[..HtmlBreak.Length].Equals(HtmlBreak, StringComparison.OrdinalIgnoreCase);
}
