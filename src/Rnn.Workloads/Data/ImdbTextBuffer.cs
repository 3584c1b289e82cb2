using System.Text;

namespace Rnn.Workloads.Data;

/// <summary>Reused byte and char buffers for decoding one review at a time (aclImdb files are UTF-8;
/// invalid bytes become U+FFFD, as Python's errors="replace" would).</summary>
internal sealed class ImdbTextBuffer
{
    private byte[] _bytes = new byte[16 * 1024];
    private char[] _chars = new char[16 * 1024];

    public byte[] Bytes(int length)
    {
        if (_bytes.Length < length) _bytes = new byte[Math.Max(length, _bytes.Length * 2)];
        return _bytes;
    }

    public Span<char> Chars(int length)
    {
        if (_chars.Length < length) _chars = new char[Math.Max(length, _chars.Length * 2)];
        return _chars.AsSpan(0, length);
    }

    public ReadOnlySpan<char> Decode(ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = Chars(Encoding.UTF8.GetMaxCharCount(utf8.Length));
        int count = Encoding.UTF8.GetChars(utf8, chars);
        return chars[..count];
    }
}
