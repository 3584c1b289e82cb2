using System.Buffers;

namespace Rnn.Runtime.IO;

/// <summary>
/// Reads a stream to its end into a pooled buffer, growing it only as bytes actually arrive, so a stream that never
/// ends or a header that claims gigabytes cannot make it allocate ahead of the data; more than
/// a given limit is refused.
/// </summary>
internal static class StreamBytes
{
    private const int FirstChunk = 64 * 1024;

    /// <summary>The bytes from the stream's position to its end: <c>buffer[..length]</c>, the buffer rented from
    /// <see cref="ArrayPool{T}.Shared"/> (return it).</summary>
    public static byte[] ReadToEnd(Stream stream, long limit, string sourceName, out int length)
    {
        if (!stream.CanRead) throw new ArgumentException($"The stream of '{sourceName}' cannot be read.", nameof(stream));
        long remaining = -1;
        if (stream.CanSeek)
        {
            remaining = Math.Max(0, stream.Length - stream.Position);
            if (remaining > limit)
                throw new RnnFormatException($"'{sourceName}' holds {remaining:N0} bytes, more than the {limit:N0} a model loaded from a stream may have.", sourceName);
        }
        // A seekable stream's buffer gets its length (and grows if the stream does); otherwise start small and double.
        long cap = Math.Min(limit, Array.MaxLength);
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, remaining >= 0 ? remaining : Math.Min(FirstChunk, cap)));
        length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= cap)
                    {
                        if (stream.ReadByte() < 0) break; // exactly at the limit
                        throw new RnnFormatException($"'{sourceName}' carries more than {cap:N0} bytes, the most a model loaded from a stream may have.", sourceName);
                    }
                    byte[] bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, cap));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                int read = stream.Read(buffer, length, (int)Math.Min(buffer.Length - length, cap - length));
                if (read == 0) break;
                length += read;
            }
            return buffer;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
