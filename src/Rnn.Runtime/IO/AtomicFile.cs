namespace Rnn.Runtime.IO;

/// <summary>
/// Replaces a file all at once: the content goes to a temporary file beside it, is flushed to disk, then
/// renamed over the target. A crash, a full disk or an exception in the middle leaves the old file as it
/// was and no temporary file behind (unless the process dies, when at most a "*.tmp-*" file remains).
/// </summary>
internal static class AtomicFile
{
    public static void Write<TState>(string path, TState state, Action<Stream, TState> writeContent)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        // Same folder as the target, so the rename never crosses file systems and stays atomic.
        string tempPath = fullPath + ".tmp-" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                writeContent(stream, state);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original exception matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
