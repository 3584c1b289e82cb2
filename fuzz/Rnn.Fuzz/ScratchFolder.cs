namespace Rnn.Fuzz;

/// <summary>
/// A per-process folder for the files a target writes (the parsers take paths): /dev/shm when there is one, so an
/// input costs no disk I/O; deleted on Dispose.
/// </summary>
internal sealed class ScratchFolder : IDisposable
{
    public string Path { get; }

    public ScratchFolder()
    {
        string root = Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
        Path = System.IO.Path.Combine(root, $"rnn-fuzz-{Environment.ProcessId}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="name"/> in the folder, replacing it; returns the full path.</summary>
    public string Write(string name, ReadOnlySpan<byte> bytes)
    {
        string path = File(name);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1);
        stream.Write(bytes);
        return path;
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
