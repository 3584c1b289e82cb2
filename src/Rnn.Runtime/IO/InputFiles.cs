using Microsoft.Win32.SafeHandles;

namespace Rnn.Runtime.IO;

/// <summary>
/// Opens the files the readers take. Regular files and block devices are read in place with positional reads; a pipe
/// or socket (`--weights /dev/stdin`, `--input &lt;(cat x.npy)`) cannot be, so it is read once, sequentially, into an
/// unlinked temporary file of at most <see cref="MaxStreamedBytes"/>; a character device (/dev/zero, a terminal) is
/// refused, since it has no end to read to.
/// </summary>
internal static class InputFiles
{
    /// <summary>The most a pipe may carry (2 GiB): more is refused rather than buffered.</summary>
    public const long MaxStreamedBytes = 1L << 31;

    public static SafeFileHandle OpenRead(string path, out string fullPath, FileShare share = FileShare.Read, FileOptions options = FileOptions.None)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        fullPath = Path.GetFullPath(path);
        SafeFileHandle handle = File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, share, options);
        FileKind kind = FileKinds.OfHandle(handle);
        if (kind is FileKind.Regular or FileKind.BlockDevice or FileKind.Unknown) return handle;
        try
        {
            if (kind == FileKind.CharacterDevice)
                throw new RnnFormatException($"'{TextSafety.Escape(fullPath)}' is a character device, not a file: it has no end to read to.", fullPath);
            return Buffer(handle, fullPath);
        }
        finally
        {
            handle.Dispose();
        }
    }

    /// <summary>
    /// Every byte of <paramref name="path"/> when it has at most <paramref name="limit"/>: a regular file's size is
    /// checked before anything is read, a pipe's as it is read.
    /// </summary>
    public static byte[] ReadAllBytes(string path, long limit, string what)
    {
        using SafeFileHandle file = OpenRead(path, out string fullPath);
        long length = RandomAccess.GetLength(file);
        if (length > limit)
            throw new RnnFormatException($"{what} '{TextSafety.Escape(fullPath)}' has {length:N0} bytes, more than the {limit:N0} allowed.", fullPath);
        var bytes = GC.AllocateUninitializedArray<byte>((int)length);
        int done = 0;
        while (done < bytes.Length)
        {
            int read = RandomAccess.Read(file, bytes.AsSpan(done), done);
            if (read == 0) break; // shrank while being read
            done += read;
        }
        return done == bytes.Length ? bytes : bytes[..done];
    }

    private static SafeFileHandle Buffer(SafeFileHandle source, string fullPath)
    {
        string tempPath = Path.Combine(Path.GetTempPath(), $"rnn-input-{Environment.ProcessId}-{Guid.NewGuid():N}");
        SafeFileHandle copy = File.OpenHandle(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Delete, FileOptions.DeleteOnClose);
        try
        {
            try { File.Delete(tempPath); } catch (IOException) { } // unlinked now on Unix: a killed run leaves nothing
            using var stream = new FileStream(source, FileAccess.Read, bufferSize: 0);
            byte[] chunk = new byte[1 << 20];
            long total = 0;
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                if (total + read > MaxStreamedBytes)
                    throw new RnnFormatException(
                        $"'{TextSafety.Escape(fullPath)}' is a pipe carrying more than {MaxStreamedBytes:N0} bytes, the most read from a pipe; give a file.", fullPath);
                RandomAccess.Write(copy, chunk.AsSpan(0, read), total);
                total += read;
            }
            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }
}
