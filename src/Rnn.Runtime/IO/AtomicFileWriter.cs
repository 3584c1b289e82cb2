using System.Diagnostics;
using System.Globalization;

namespace Rnn.Runtime.IO;

/// <summary>
/// Replaces a file all at once: content goes to a temporary file beside the target, and <see cref="Commit"/>
/// flushes it to disk and renames it over the target. Disposing without committing (an exception, a full
/// disk) deletes the temporary file and leaves the target as it was; a killed process leaves at most a
/// "*.tmp-PID-*" file, removed by the next write of the same target once that process is gone.
/// A symbolic link is followed (the file it points to is replaced; the link stays a link). Anything that is not a
/// regular file (a character or block device such as /dev/null or /dev/stdout, a pipe, a socket) is written through,
/// as numpy.save and torch.save do: renaming over it would replace the device or pipe with a file.
/// <code>
/// using var file = AtomicFileWriter.Create(path);
/// Write(file.Stream);
/// file.Commit();
/// </code>
/// </summary>
internal sealed class AtomicFileWriter : IDisposable
{
    private const string TempMarker = ".tmp-";
    private readonly FileStream _stream;
    private readonly string _targetPath;
    private readonly string? _tempPath; // null when writing through
    private bool _done;

    public Stream Stream => _stream;

    /// <summary>Whether this writes straight into the target (not a regular file) instead of replacing it.</summary>
    public bool WritesThrough => _tempPath is null;

    private AtomicFileWriter(FileStream stream, string targetPath, string? tempPath)
    {
        _stream = stream;
        _targetPath = targetPath;
        _tempPath = tempPath;
    }

    public static AtomicFileWriter Create(string path)
    {
        string targetPath = ResolveTarget(path, out FileKind kind);
        if (!FileKinds.IsReplaceable(kind))
        {
            var through = new FileStream(targetPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1 << 16);
            return new AtomicFileWriter(through, targetPath, null);
        }
        RemoveStaleTemporaries(targetPath);
        // Same folder as the target, so the rename never crosses file systems and stays atomic; the pid says whose it is.
        string tempPath = string.Create(CultureInfo.InvariantCulture,
            $"{targetPath}{TempMarker}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..12]}");
        var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        return new AtomicFileWriter(stream, targetPath, tempPath);
    }

    /// <summary>
    /// Proves <paramref name="path"/> can be written before any work is done, by creating (and removing) the temporary
    /// file a later <see cref="Create"/> would (a device is opened for writing; a pipe is not, since that waits for a
    /// reader). Throws what Create would throw.
    /// </summary>
    public static void CheckWritable(string path)
    {
        string targetPath = ResolveTarget(path, out FileKind kind);
        if (kind == FileKind.Pipe || kind == FileKind.Socket) return;
        if (!FileKinds.IsReplaceable(kind))
        {
            using var device = File.OpenHandle(targetPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            return;
        }
        using AtomicFileWriter probe = Create(path);
    }

    /// <summary>The file a write lands in: the full path, or the final target of a symbolic link.</summary>
    private static string ResolveTarget(string path, out FileKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string targetPath = Path.GetFullPath(path);
        targetPath = FollowLinks(targetPath);
        kind = FileKinds.OfPath(targetPath);
        // Said in the target's terms: the temporary file's name means nothing to the caller.
        if (kind == FileKind.Directory) throw new IOException($"Cannot write '{path}': it is a folder.");
        string? folder = Path.GetDirectoryName(targetPath);
        if (FileKinds.IsReplaceable(kind) && folder is not null && !Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Cannot write '{path}': folder '{folder}' does not exist.");
        return targetPath;
    }

    /// <summary>The file a symbolic link finally points to (which may not exist yet); any other path as it is.</summary>
    internal static string FollowLinks(string fullPath) =>
        new FileInfo(fullPath).LinkTarget is not null && File.ResolveLinkTarget(fullPath, returnFinalTarget: true) is { } target
            ? target.FullName
            : fullPath;

    /// <summary>Deletes "target.tmp-PID-*" files left by a killed writer: its process is gone, or the pid now belongs to
    /// a process started after the file was last written.</summary>
    private static void RemoveStaleTemporaries(string targetPath)
    {
        string? folder = Path.GetDirectoryName(targetPath);
        if (folder is null) return;
        string prefix = Path.GetFileName(targetPath) + TempMarker;
        try
        {
            foreach (string file in Directory.EnumerateFiles(folder, prefix + "*"))
            {
                string rest = Path.GetFileName(file)[prefix.Length..];
                int dash = rest.IndexOf('-');
                if (dash <= 0 || !int.TryParse(rest.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
                if (pid == Environment.ProcessId || IsAliveSince(pid, File.GetLastWriteTimeUtc(file))) continue;
                File.Delete(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Tidying up is a courtesy: it never stops the write itself.
        }
    }

    private static bool IsAliveSince(int pid, DateTime writtenUtc)
    {
        try
        {
            using Process owner = Process.GetProcessById(pid);
            return owner.StartTime.ToUniversalTime() <= writtenUtc;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false; // no such process
        }
    }

    /// <summary>Makes the written content the target file (or, writing through, flushes it to the target).</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        try
        {
            if (_tempPath is null)
            {
                _stream.Flush();
                _stream.Dispose();
                return;
            }
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
        try
        {
            // Flushes what is still buffered: on a full disk this throws, and the temporary file must go all the same.
            _stream.Dispose();
        }
        catch (IOException)
        {
        }
        finally
        {
            DeleteTemporary();
        }
    }

    private void DeleteTemporary()
    {
        if (_tempPath is null) return;
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
