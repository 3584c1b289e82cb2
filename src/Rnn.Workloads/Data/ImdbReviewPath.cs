namespace Rnn.Workloads.Data;

/// <summary>Recognises review files by their last three path parts: {train|test}/{pos|neg}/&lt;id&gt;_&lt;rating&gt;.txt.</summary>
internal static class ImdbReviewPath
{
    public static string SplitFolderName(ImdbSplit split) => split == ImdbSplit.Train ? "train" : "test";

    /// <summary>True when <paramref name="entryName"/> (a '/'-separated archive path) is a review of <paramref name="split"/>.</summary>
    public static bool TryParseArchiveEntry(string entryName, ImdbSplit split, out ImdbReviewInfo review)
    {
        review = default;
        ReadOnlySpan<char> name = entryName.AsSpan().TrimEnd('/');
        int fileStart = name.LastIndexOf('/');
        if (fileStart < 0) return false;
        ReadOnlySpan<char> fileName = name[(fileStart + 1)..];
        ReadOnlySpan<char> rest = name[..fileStart];
        int labelStart = rest.LastIndexOf('/');
        if (labelStart < 0) return false;
        ReadOnlySpan<char> labelFolder = rest[(labelStart + 1)..];
        ReadOnlySpan<char> splitRest = rest[..labelStart];
        ReadOnlySpan<char> splitFolder = splitRest[(splitRest.LastIndexOf('/') + 1)..];
        if (!splitFolder.SequenceEqual(SplitFolderName(split))) return false;
        int label;
        if (labelFolder.SequenceEqual("pos")) label = 1;
        else if (labelFolder.SequenceEqual("neg")) label = 0;
        else return false;
        if (!fileName.EndsWith(".txt", StringComparison.Ordinal)) return false;
        review = ParseFileName(fileName, label);
        return true;
    }

    /// <summary>Reads id and rating from "&lt;id&gt;_&lt;rating&gt;.txt"; -1 for parts that do not parse.</summary>
    public static ImdbReviewInfo ParseFileName(ReadOnlySpan<char> fileName, int label)
    {
        ReadOnlySpan<char> stem = fileName.EndsWith(".txt", StringComparison.Ordinal) ? fileName[..^4] : fileName;
        int underscore = stem.IndexOf('_');
        int id = -1, rating = -1;
        if (underscore > 0
            && int.TryParse(stem[..underscore], System.Globalization.NumberStyles.None, null, out int parsedId)
            && int.TryParse(stem[(underscore + 1)..], System.Globalization.NumberStyles.None, null, out int parsedRating))
        {
            id = parsedId;
            rating = parsedRating;
        }
        return new ImdbReviewInfo(label, id, rating);
    }
}
