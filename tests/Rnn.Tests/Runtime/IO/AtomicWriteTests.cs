using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime.IO;

/// <summary>Saving never leaves a half-written target or a temporary file behind.</summary>
public sealed class AtomicWriteTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_failure_in_the_middle_of_writing_keeps_the_old_file_and_removes_the_temp_file()
    {
        string path = _temp.File("model.safetensors");
        SaveOne(path, 1f);
        byte[] before = File.ReadAllBytes(path);

        var e = Assert.Throws<IOException>(WriteHalfThenFail);
        Assert.Equal("disk full (simulated)", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        AssertOnlyFiles("model.safetensors");

        void WriteHalfThenFail()
        {
            using AtomicFileWriter file = AtomicFileWriter.Create(path);
            file.Stream.Write(new byte[100_000]);
            throw new IOException("disk full (simulated)");
        }
    }

    [Fact]
    public void A_tensor_that_disagrees_with_its_shape_throws_before_anything_is_replaced()
    {
        string path = _temp.File("model.safetensors");
        SaveOne(path, 1f);
        byte[] before = File.ReadAllBytes(path);

        var writer = new SafeTensorsWriter();
        writer.Add("ok", [2], [3f, 4f]);
        Assert.Throws<ArgumentException>(() => writer.Add("bad", [2, 2], [1f, 2f, 3f]));
        Assert.Equal(before, File.ReadAllBytes(path));
        AssertOnlyFiles("model.safetensors");

        // The writer is still usable and saves only what was accepted.
        writer.Save(path);
        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        Assert.Equal(["ok"], file.Names);
    }

    [Fact]
    public void A_successful_save_replaces_the_old_file_and_leaves_no_temp_file()
    {
        string path = _temp.File("model.safetensors");
        SaveOne(path, 1f);
        SaveOne(path, 2f);

        using (SafeTensorsFile file = SafeTensorsFile.Open(path)) Assert.Equal([2f], file.ReadFloat32("w"));
        AssertOnlyFiles("model.safetensors");
    }

    [Fact]
    public void Saving_over_a_directory_fails_and_cleans_up()
    {
        string path = _temp.File("is_a_directory");
        Directory.CreateDirectory(path);

        Assert.ThrowsAny<Exception>(() => SaveOne(path, 1f));
        Assert.True(Directory.Exists(path));
        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void Saving_into_a_missing_folder_fails_without_creating_anything()
    {
        string path = Path.Combine(_temp.Path, "missing", "model.safetensors");
        Assert.Throws<DirectoryNotFoundException>(() => SaveOne(path, 1f));
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Path));
    }

    private static void SaveOne(string path, float value)
    {
        var writer = new SafeTensorsWriter();
        writer.Add("w", [1], [value]);
        writer.Save(path);
    }

    private void AssertOnlyFiles(params string[] names)
        => Assert.Equal(names, Directory.GetFiles(_temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
}
