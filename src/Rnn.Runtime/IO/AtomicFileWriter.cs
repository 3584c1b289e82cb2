namespace Rnn.Runtime.IO;

/// <summary>
/// Replaces a file all at once: content goes to a temporary file beside the target, and <see cref="Commit"/>
/// flushes it to disk and renames it over the target. Disposing without committing (an exception, a full
/// disk) deletes the temporary file and leaves the target as it was; a crash leaves at most a "*.tmp-*" file.
/// <code>
/// using var file = AtomicFileWriter.Create(path);
/// Write(file.Stream);
/// file.Commit();
/// </code>
/// </summary>
internal sealed class AtomicFileWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _targetPath;
    private readonly string _tempPath;
    private bool _done;

    public Stream Stream => _stream;

    private AtomicFileWriter(FileStream stream, string targetPath, string tempPath)
    {
        _stream = stream;
        _targetPath = targetPath;
        _tempPath = tempPath;
    }

    public static AtomicFileWriter Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string targetPath = Path.GetFullPath(path);
        // Said in the target's terms: the temporary file's name means nothing to the caller.
        if (Directory.Exists(targetPath)) throw new IOException($"Cannot write '{path}': it is a folder.");
        string? folder = Path.GetDirectoryName(targetPath);
        if (folder is not null && !Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Cannot write '{path}': folder '{folder}' does not exist.");
        // Same folder as the target, so the rename never crosses file systems and stays atomic.
        string tempPath = targetPath + ".tmp-" + Guid.NewGuid().ToString("N")[..12];
        var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        return new AtomicFileWriter(stream, targetPath, tempPath);
    }

    /// <summary>Makes the written content the target file.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        try
        {
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
            File.Move(_tempPath, _targetPath, overwrite: true);
        }
        finally
        {
            Dispose();
        }
    }

    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _stream.Dispose();
        try
        {
            // After a successful Commit the temporary file no longer exists and this does nothing.
            File.Delete(_tempPath);
        }
        catch (IOException)
        {
            // The exception that brought us here matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
