using System.Text;

namespace Rnn.Runtime;

/// <summary>
/// Text from a file (a dtype, a tensor name, a path) shown in an error message: control characters, which a terminal
/// would obey (escape sequences, carriage returns, a second line), are written as \xNN or \uNNNN instead.
/// </summary>
internal static class TextSafety
{
    public static string Escape(string text)
    {
        int first = 0;
        while (first < text.Length && !NeedsEscape(text[first])) first++;
        if (first == text.Length) return text;
        var escaped = new StringBuilder(text.Length + 16).Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (!NeedsEscape(c)) escaped.Append(c);
            else if (c <= 0xFF) escaped.Append("\\x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else escaped.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
        }
        return escaped.ToString();
    }

    // C0 and C1 controls and DEL; the bidirectional overrides and isolates, which reorder what a terminal shows.
    private static bool NeedsEscape(char c) => char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';
}
