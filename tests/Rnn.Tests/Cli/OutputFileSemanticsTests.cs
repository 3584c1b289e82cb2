using System.Diagnostics;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;
using Rnn.Tests.Workloads;

namespace Rnn.Tests.Cli;

/// <summary>
/// How outputs and inputs meet the file system: a regular file is replaced atomically (through a symbolic link, which
/// stays a link), anything else (device, pipe) is written through; pipes can be read; a run that cannot write every
/// output writes none, before any work; a full disk or a killed run leaves no temporary files behind.
/// </summary>
public class OutputFileSemanticsTests
{
    private static (string Weights, string X) SmallLstm(TempDirectory tmp, int seq = 5)
    {
        string weights = tmp.File("lstm.safetensors"), x = tmp.File("x.npy");
        var writer = new SafeTensorsWriter();
        writer.AddAll(RnnModel.RandomStateDict(CellKind.Lstm, 3, 8));
        writer.Save(weights);
        Npy.Write(x, ReferenceRnn.RandomFloats(seq * 4 * 3, 1), [seq, 4, 3]);
        return (weights, x);
    }

    private static void Shell(string command)
    {
        using var p = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardError = true })!;
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{command}: {p.StandardError.ReadToEnd()}");
    }

    [Fact]
    public void ASymbolicLinkStaysALinkAndItsTargetIsReplaced()
    {
        using var tmp = new TempDirectory();
        var (weights, x) = SmallLstm(tmp);
        Directory.CreateDirectory(tmp.File("real"));
        string target = tmp.File("real/y.npy"), link = tmp.File("y.npy");
        File.WriteAllBytes(target, [1, 2, 3]);
        File.CreateSymbolicLink(link, "real/y.npy"); // relative, as ln -s makes them
        var r = CliRunner.Run("run", "--weights", weights, "--input", x, "--output", link);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal([5, 4, 8], Npy.ReadShape(target));
        Assert.Empty(Directory.GetFiles(tmp.Path, "*.tmp-*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task PipesAndDevicesAreWrittenThroughNotReplaced()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var tmp = new TempDirectory();
        var (weights, x) = SmallLstm(tmp);
        string expected = tmp.File("expected.npy");
        Assert.Equal(0, CliRunner.Run("run", "--weights", weights, "--input", x, "--output", expected).ExitCode);

        // A FIFO: the reader gets the file's bytes and the FIFO is still a FIFO afterwards.
        string fifo = tmp.File("out.fifo");
        Shell($"mkfifo '{fifo}'");
        Task<byte[]> reader = Task.Run(() => File.ReadAllBytes(fifo));
        var r = CliRunner.Run("run", "--weights", weights, "--input", x, "--output", fifo);
        Assert.True(r.ExitCode == 0, r.StdErr);
        // Bounded: were the FIFO replaced by a file, its reader would wait for a writer forever; fail instead.
        Assert.Equal(FileKind.Pipe, FileKinds.OfPath(fifo));
        Assert.Equal(File.ReadAllBytes(expected), await reader.WaitAsync(TimeSpan.FromSeconds(30)));

        // A character device of our own (root can make one; elsewhere a link to /dev/null, which must stay a link).
        string device = tmp.File("mynull");
        if (Environment.UserName == "root") Shell($"mknod '{device}' c 1 3");
        else File.CreateSymbolicLink(device, "/dev/null");
        r = CliRunner.Run("run", "--weights", weights, "--input", x, "--output", device, "--hn", "/dev/null");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Equal(FileKind.CharacterDevice, FileKinds.OfPath(device));
        Assert.Equal(FileKind.CharacterDevice, FileKinds.OfPath("/dev/null"));
        Assert.Empty(Directory.GetFiles(tmp.Path, "*.tmp-*"));
    }

    [Fact]
    public async Task PipedInputsAreReadAndCharacterDevicesRefused()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var tmp = new TempDirectory();
        var (weights, x) = SmallLstm(tmp);
        string expected = tmp.File("expected.npy"), y = tmp.File("y.npy");
        Assert.Equal(0, CliRunner.Run("run", "--weights", weights, "--input", x, "--output", expected).ExitCode);

        string weightsFifo = tmp.File("w.fifo"), inputFifo = tmp.File("x.fifo");
        Shell($"mkfifo '{weightsFifo}' '{inputFifo}'");
        Task feeding = Task.WhenAll(
            Task.Run(() => File.WriteAllBytes(weightsFifo, File.ReadAllBytes(weights))),
            Task.Run(() => File.WriteAllBytes(inputFifo, File.ReadAllBytes(x))));
        var r = CliRunner.Run("run", "--weights", weightsFifo, "--input", inputFifo, "--output", y);
        Assert.True(r.ExitCode == 0, r.StdErr);
        await feeding.WaitAsync(TimeSpan.FromSeconds(30)); // a FIFO nobody opened would block its writer forever
        Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(y));

        CliRunner.AssertFails(["run", "--weights", weights, "--input", "/dev/zero", "--output", y], "/dev/zero");
        CliRunner.AssertFails(["run", "--weights", "/dev/urandom", "--input", x, "--output", y], "/dev/urandom");
    }

    /// <summary>The README's main job writes `--out out/shakespeare.safetensors` on a fresh clone, where out/ does not
    /// exist yet: training makes the checkpoint's folder; a folder that cannot be made is refused before training,
    /// naming it. Outputs of `run` still need their folder (a typo there should not scatter folders).</summary>
    [Fact]
    public void TrainingMakesTheCheckpointFolderItNeeds()
    {
        using var tmp = new TempDirectory();
        string text = tmp.File("text.txt");
        File.WriteAllText(text, WorkloadFixtures.GrammarText(60));
        string model = Path.Combine(tmp.Path, "out", "nested", "m.safetensors");
        var train = CliRunner.Run("charlm", "train", "--text", text, "--hidden", "8", "--layers", "1", "--embed", "4", "--seq", "8",
            "--batch", "2", "--steps", "2", "--val-fraction", "0.1", "--out", model);
        Assert.True(train.ExitCode == 0, train.StdErr);
        Assert.True(File.Exists(model));

        string notAFolder = tmp.File("plain.txt");
        File.WriteAllText(notAFolder, "x");
        CliRunner.AssertFails(["charlm", "train", "--text", text, "--hidden", "8", "--embed", "4", "--seq", "8", "--batch", "2",
            "--steps", "2", "--out", Path.Combine(notAFolder, "m.safetensors")], "plain.txt");

        var (weights, x) = SmallLstm(tmp);
        CliRunner.AssertFails(["run", "--weights", weights, "--input", x, "--output", Path.Combine(tmp.Path, "missing", "y.npy")], "does not exist");
    }

    [Fact]
    public void AnUnwritableOutputIsFoundBeforeAnyWork()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var tmp = new TempDirectory();
        var (weights, x) = SmallLstm(tmp);
        string y = tmp.File("y.npy");
        File.WriteAllBytes(y, [7, 7, 7]);
        // /proc takes no new files, even from root (for whom a chmod'ed folder would still be writable).
        CliRunner.AssertFails(["run", "--weights", weights, "--input", x, "--output", y, "--hn", "/proc/hn.npy"], "--hn");
        Assert.Equal([7, 7, 7], File.ReadAllBytes(y));
        CliRunner.AssertFails(["grad", "--weights", weights, "--input", x, "--dy", y, "--out", "/proc/grads"], "--out");

        string text = tmp.File("text.txt");
        File.WriteAllText(text, WorkloadFixtures.GrammarText(60));
        // One error line and no "training ..." line: refused before the trainer is built.
        CliRunner.AssertFails(["charlm", "train", "--text", text, "--hidden", "8", "--embed", "4", "--seq", "8", "--batch", "2",
            "--steps", "2", "--out", "/proc/model.safetensors"], "--out");
        Assert.Empty(Directory.GetFiles(tmp.Path, "*.tmp-*"));
    }

    [Fact]
    public async Task AFullDiskLeavesNoTemporaryFileAndTheTargetAsItWas()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var tmp = new TempDirectory();
        var (weights, x) = SmallLstm(tmp, seq: 400); // y is 400 x 4 x 8 floats, 51 KB
        string y = tmp.File("y.npy");
        File.WriteAllBytes(y, [7, 7, 7]);
        // A file-size limit fails the write as a full disk does (EFBIG instead of ENOSPC), in the flush at the end.
        string cli = Path.Combine(AppContext.BaseDirectory, "rnn.dll");
        var psi = new ProcessStartInfo("bash", ["-c", "trap '' XFSZ; ulimit -f 16; exec dotnet \"$@\"", "bash", cli,
            "run", "--weights", weights, "--input", x, "--output", y]) { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.Environment.Remove("RNN_KERNEL_PATH");
        psi.Environment["DOTNET_EnableWriteXorExecute"] = "0"; // its double mapping sizes a memfd past the limit
        using var p = Process.Start(psi)!;
        Task<string> readingStderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("rnn run under a file-size limit did not finish in 2 minutes");
        }
        string stderr = await readingStderr.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(p.ExitCode == 2, $"exit {p.ExitCode}: {stderr}");
        Assert.StartsWith("error:", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Equal([7, 7, 7], File.ReadAllBytes(y));
        Assert.Empty(Directory.GetFiles(tmp.Path, "*.tmp-*"));
    }

    [Fact]
    public void TemporaryFilesOfKilledRunsAreRemovedByTheNextWrite()
    {
        using var tmp = new TempDirectory();
        var (weights, x) = SmallLstm(tmp);
        string y = tmp.File("y.npy");
        string dead = y + ".tmp-2147483000-0123456789ab"; // no such process
        string live = y + $".tmp-{Environment.ProcessId}-0123456789ab"; // this process, alive since before the file
        string other = tmp.File("other.npy.tmp-2147483000-0123456789ab"); // another target's: not ours to touch
        foreach (string f in new[] { dead, live, other }) File.WriteAllBytes(f, [1]);
        var r = CliRunner.Run("run", "--weights", weights, "--input", x, "--output", y);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other));
    }
}
