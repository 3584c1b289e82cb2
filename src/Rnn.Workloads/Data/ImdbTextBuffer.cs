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

    /// <summary>
    /// Reads exactly <paramref name="length"/> bytes of <paramref name="data"/> into the byte buffer, growing it only
    /// as bytes arrive: a length from a (possibly corrupt) header is never allocated up front (a 4.7 KB archive whose
    /// tar header claimed 1.8 GB allocated it, found by fuzzing). Throws <see cref="EndOfStreamException"/> if the
    /// stream ends first.
    /// </summary>
    public ReadOnlySpan<byte> ReadExactly(Stream data, int length)
    {
        int filled = 0;
        while (filled < length)
        {
            if (filled == _bytes.Length) Array.Resize(ref _bytes, (int)Math.Min(length, 2L * _bytes.Length));
            int read = data.Read(_bytes, filled, Math.Min(length, _bytes.Length) - filled);
            if (read == 0) throw new EndOfStreamException($"the entry ended after {filled} of its {length} bytes");
            filled += read;
        }
        return _bytes.AsSpan(0, length);
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
