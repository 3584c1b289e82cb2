using System.Text.Json;
using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Workloads.Data;

/// <summary>
/// Reads JSON lines {"id": int, "rating": int, "label": 0|1, "text": string} (gzip when the name ends in .gz, trailer checked) with
/// Utf8JsonReader, one line at a time; "label" and "text" are required, "id" and "rating" optional, other
/// properties ignored; blank lines are skipped.
/// </summary>
internal static class ImdbJsonLinesReader
{
    public static int Read(string path, ImdbReviewVisitor visitor)
    {
        var text = new ImdbTextBuffer();
        byte[] buffer = new byte[1 << 20];
        int filled = 0;
        int lineNumber = 0;
        int count = 0;
        try
        {
            GzipCheckedReadStream? gzip = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GzipCheckedReadStream(path) : null;
            using Stream stream = (Stream?)gzip ?? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            while (true)
            {
                if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2); // a line longer than the buffer
                int read = stream.Read(buffer, filled, buffer.Length - filled);
                filled += read;
                int start = 0;
                while (true)
                {
                    int newline = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n');
                    if (newline < 0) break;
                    lineNumber++;
                    if (ParseLine(buffer.AsSpan(start, newline), path, lineNumber, text, visitor)) count++;
                    start += newline + 1;
                }
                if (read == 0)
                {
                    if (start < filled && ParseLine(buffer.AsSpan(start, filled - start), path, ++lineNumber, text, visitor)) count++;
                    gzip?.VerifyToEnd();
                    break;
                }
                buffer.AsSpan(start, filled - start).CopyTo(buffer);
                filled -= start;
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new RnnFormatException($"IMDB JSON lines file '{path}' is corrupt or truncated near line {lineNumber + 1}: {e.Message}", path, inner: e);
        }
        if (count == 0) throw new RnnFormatException($"IMDB JSON lines file '{path}' holds no reviews", path);
        return count;
    }

    private static bool ParseLine(ReadOnlySpan<byte> line, string path, int lineNumber, ImdbTextBuffer text, ImdbReviewVisitor visitor)
    {
        if (line.Trim((byte)' ').Trim((byte)'\r').IsEmpty) return false;
        int label = -1, id = -1, rating = -1, textLength = -1;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw Error("is not a JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("text"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String) throw Error($"\"text\" must be a string, got {reader.TokenType}");
                    // Unescaped UTF-16 never needs more chars than the escaped UTF-8 has bytes.
                    textLength = reader.CopyString(text.Chars(reader.ValueSpan.Length));
                }
                else if (reader.ValueTextEquals("label"u8)) label = ReadInt(ref reader, "label");
                else if (reader.ValueTextEquals("id"u8)) id = ReadInt(ref reader, "id");
                else if (reader.ValueTextEquals("rating"u8)) rating = ReadInt(ref reader, "rating");
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject) throw Error("is not a complete JSON object");
        }
        catch (JsonException e)
        {
            throw new RnnFormatException($"IMDB JSON lines file '{path}', line {lineNumber}: invalid JSON ({e.Message})", path, inner: e);
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader throws this when a string holds invalid UTF-8 (found by fuzzing).
            throw new RnnFormatException($"IMDB JSON lines file '{path}', line {lineNumber}: a string is not valid UTF-8 ({e.Message})", path, inner: e);
        }
        if (label is not (0 or 1)) throw Error(label == -1 ? "has no \"label\"" : $"has label {label}, expected 0 or 1");
        if (textLength < 0) throw Error("has no \"text\"");
        visitor(new ImdbReviewInfo(label, id, rating), text.Chars(textLength));
        return true;

        RnnFormatException Error(string problem)
            => new($"IMDB JSON lines file '{path}', line {lineNumber} {problem}", path);

        int ReadInt(ref Utf8JsonReader reader, string name)
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int value))
                throw Error($"\"{name}\" must be an integer, got {reader.TokenType}");
            return value;
        }
    }
}
