using System.Formats.Tar;
using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Workloads.Data;

/// <summary>Streams a .tar.gz (GZipStream + TarReader) and visits the entries .../&lt;split&gt;/{pos,neg}/*.txt; nothing
/// is extracted to disk; the gzip trailer is checked at the end. Other entries (README, urls_*.txt, the other split, unsup/) are skipped.</summary>
internal static class ImdbArchiveReader
{
    public static int Read(string path, ImdbSplit split, ImdbReviewVisitor visitor)
    {
        var buffer = new ImdbTextBuffer();
        int count = 0;
        string? entryName = null;
        try
        {
            using var gzip = new GzipCheckedReadStream(path);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry(copyData: false) is { } entry)
            {
                entryName = entry.Name;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                if (!ImdbReviewPath.TryParseArchiveEntry(entry.Name, split, out ImdbReviewInfo review)) continue;
                if (entry.Length > int.MaxValue)
                    throw new RnnFormatException($"IMDB archive '{path}': entry '{entry.Name}' is too large ({entry.Length} bytes)", path);
                int length = (int)entry.Length;
                ReadOnlySpan<byte> bytes = [];
                if (length > 0)
                {
                    Stream data = entry.DataStream
                        ?? throw new RnnFormatException($"IMDB archive '{path}': entry '{entry.Name}' has no data", path);
                    bytes = buffer.ReadExactly(data, length);
                }
                visitor(review, buffer.Decode(bytes));
                count++;
            }
            gzip.VerifyToEnd();
        }
        // A corrupt tar header can surface as any of these from TarReader (an overflowing octal field included).
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or OverflowException or ArgumentException
                                      // TarReader refuses sparse entries this way (found by fuzzing).
                                      or NotSupportedException)
        {
            string where = entryName is null ? "" : $" after entry '{entryName}'";
            throw new RnnFormatException($"IMDB archive '{path}' is corrupt or truncated{where}: {e.Message}", path, inner: e);
        }
        if (count == 0)
            throw new RnnFormatException(
                $"IMDB archive '{path}' holds no reviews of split '{ImdbReviewPath.SplitFolderName(split)}' " +
                "(expected entries like aclImdb/<split>/pos/<id>_<rating>.txt)", path);
        return count;
    }
}
