
namespace Rnn.Workloads.Data;

/// <summary>
/// Streams the reviews of one split to a visitor, whatever the source form. Order is the source's own (file order
/// for JSON lines and archives, ordinal file-name order per label for folders); <see cref="ImdbDataset"/> sorts.
/// Unreadable content (corrupt gzip, broken tar, bad JSON line) becomes an <see cref="Rnn.Runtime.RnnFormatException"/> naming the file.
/// </summary>
public static class ImdbReviewReader
{
    /// <summary>Calls <paramref name="visitor"/> once per review; returns the number of reviews.</summary>
    public static int Read(ImdbSource source, ImdbReviewVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(visitor);
        return source.Kind switch
        {
            ImdbSourceKind.JsonLines => ImdbJsonLinesReader.Read(source.Path, visitor),
            ImdbSourceKind.Archive => ImdbArchiveReader.Read(source.Path, source.Split, visitor),
            ImdbSourceKind.Folder => ImdbFolderReader.Read(source.Path, source.Split, visitor),
            _ => throw new ArgumentOutOfRangeException(nameof(source), source.Kind, "unknown IMDB source kind"),
        };
    }
}
