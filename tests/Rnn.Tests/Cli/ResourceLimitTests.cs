using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Training.Checkpoints;
using Rnn.Tests.TestSupport;
using Rnn.Tests.Workloads;

namespace Rnn.Tests.Cli;

/// <summary>
/// Sizes from options, files and checkpoint metadata are checked (in wide arithmetic, and as a whole footprint against
/// the memory available) before anything is allocated: every case exits 2 with one error line, quickly.
/// </summary>
public class ResourceLimitTests
{
    [Fact]
    public void RunRefusesAnOutputPastOneArray()
    {
        using var tmp = new TempDirectory();
        string weights = tmp.File("lstm.safetensors"), x = tmp.File("long.npy");
        var writer = new SafeTensorsWriter();
        writer.AddAll(RnnModel.RandomStateDict(CellKind.Lstm, 1, 1000));
        writer.Save(weights);
        Npy.Write(x, new float[600_000 * 4], [600_000, 4, 1]); // y would be 2.4e9 floats
        CliRunner.AssertFails(["run", "--weights", weights, "--input", x, "--output", tmp.File("y.npy")], "long.npy");
        Assert.False(File.Exists(tmp.File("y.npy")));
    }

    [Fact]
    public void BenchAndTrainingRefuseFootprintsPastTheAvailableMemory()
    {
        // The child's GC may use 1 GiB whatever the machine has, so the footprints below (1.4 GiB and more) are refused
        // on any machine, and one inside the budget still runs.
        var limit = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "40000000" };
        void Refused(string[] args, string mustMention) => CliRunner.AssertFails(CliRunner.Run(limit, args), args, mustMention);
        const string Budget = "more than the 1.0 GiB of memory available";
        Refused(["bench", "--hidden", "4000", "--steps", "10"], Budget);
        Refused(["bench", "--layers", "100000", "--hidden", "16", "--steps", "10"], Budget);
        Refused(["bench", "--steps", "2000000000"], "--steps");
        var fits = CliRunner.Run(limit, "bench", "--hidden", "256", "--steps", "10");
        Assert.True(fits.ExitCode == 0, fits.StdErr);
        using var tmp = new TempDirectory();
        string text = tmp.File("text.txt");
        File.WriteAllText(text, WorkloadFixtures.GrammarText(60));
        Refused(["charlm", "train", "--text", text, "--hidden", "4000", "--out", tmp.File("m.safetensors")], Budget);
        Refused(["charlm", "train", "--text", text, "--steps", "10000000000000000", "--out", tmp.File("m.safetensors")], "--steps");
        Assert.False(File.Exists(tmp.File("m.safetensors")));
    }

    [Fact]
    public void CharLmTextIsBoundedAndDevicesRefused()
    {
        using var tmp = new TempDirectory();
        string huge = tmp.File("huge.txt");
        using (var f = File.Create(huge)) f.SetLength(300L << 20); // sparse: its size is refused before any read
        CliRunner.AssertFails(["charlm", "train", "--text", huge, "--out", tmp.File("m.safetensors")], "huge.txt");
        if (OperatingSystem.IsLinux())
            CliRunner.AssertFails(["charlm", "train", "--text", "/dev/zero", "--out", tmp.File("m.safetensors")], "/dev/zero");
    }

    [Fact]
    public void CheckpointConfigurationIsCheckedAgainstItsTensorsBeforeAllocating()
    {
        using var tmp = new TempDirectory();
        string text = tmp.File("text.txt"), model = tmp.File("model.safetensors");
        File.WriteAllText(text, WorkloadFixtures.GrammarText(60));
        var train = CliRunner.Run("charlm", "train", "--text", text, "--hidden", "16", "--layers", "1", "--embed", "8", "--seq", "8",
            "--batch", "4", "--steps", "2", "--val-fraction", "0.1", "--out", model);
        Assert.True(train.ExitCode == 0, train.StdErr);

        string Edited(string name, Func<string, string> change)
        {
            using var file = SafeTensorsFile.Open(model);
            var writer = new SafeTensorsWriter();
            foreach (var (k, v) in file.Metadata) writer.Metadata[k] = k == Checkpoint.ConfigKey ? change(v) : v;
            foreach (string t in file.Names) writer.Add(t, file.GetShape(t), file.ReadFloat32(t));
            string path = tmp.File(name);
            writer.Save(path);
            return path;
        }
        string bigHidden = Edited("hidden.safetensors", c => c.Replace("\"hidden_size\":16", "\"hidden_size\":20000"));
        string manyLayers = Edited("layers.safetensors", c => c.Replace("\"num_layers\":1", "\"num_layers\":1000000"));
        string flipped = Edited("flipped.safetensors", c => c.Replace("\"cell\"", "\"cmll\"").Replace("\"lstm\"", "\"lsxm\""));
        string nullCell = Edited("null.safetensors", c => c.Replace("\"lstm\"", "null"));
        foreach (string bad in new[] { bigHidden, manyLayers, flipped, nullCell })
            CliRunner.AssertFails(["charlm", "sample", "--model", bad, "--length", "5"], Path.GetFileName(bad));
        // Hidden 20,000 passes the sanity bounds: the refusal must come from the tensors actually stored, before the
        // model is built (without that check this case allocated 12.5 GB and only then failed).
        CliRunner.AssertFails(["charlm", "sample", "--model", bigHidden, "--length", "5"], "but the file stores");
    }

    [Fact]
    public void ProgressOfAHugeRunIsShownNotThrown()
    {
        Assert.Equal(">30 years", Rnn.Cli.Progress.ProgressLine.Duration(1e16));
        Assert.Equal("1m05s", Rnn.Cli.Progress.ProgressLine.Duration(65));
    }

    /// <summary>Shapes only: the sizes of a 2-layer bidirectional LSTM with H = 16384, whose data is never read.</summary>
    private sealed class ShapesOnly : ITensorSource
    {
        private readonly Dictionary<string, int[]> _shapes = [];
        public ShapesOnly()
        {
            const int H = 16384;
            for (int l = 0; l < 2; l++)
                foreach (string suffix in new[] { "", "_reverse" })
                {
                    _shapes[$"weight_ih_l{l}{suffix}"] = [4 * H, l == 0 ? 16 : 2 * H];
                    _shapes[$"weight_hh_l{l}{suffix}"] = [4 * H, H];
                    _shapes[$"bias_ih_l{l}{suffix}"] = [4 * H];
                    _shapes[$"bias_hh_l{l}{suffix}"] = [4 * H];
                }
        }
        public string SourceName => "big.safetensors";
        public IReadOnlyList<string> Names => [.. _shapes.Keys];
        public bool TryGetShape(string name, out int[] shape) => _shapes.TryGetValue(name, out shape!);
        public void Read(string name, Span<float> destination) => throw new InvalidOperationException("no data in this test");
    }

    [Fact]
    public void AModelWhoseWeightsPassIntsRangeIsNamedNotOverflowed()
    {
        var e = Assert.Throws<RnnFormatException>(() => RnnModel.FromTensors(new ShapesOnly()));
        Assert.Contains("big.safetensors", e.Message);
        Assert.Contains("hidden 16384", e.Message);
    }

    [Fact]
    public void MessagesEscapeControlBytesFromFiles()
    {
        using var tmp = new TempDirectory();
        string weights = tmp.File("lstm.safetensors"), x = tmp.File("evil.npy");
        var writer = new SafeTensorsWriter();
        writer.AddAll(RnnModel.RandomStateDict(CellKind.Lstm, 1, 4));
        writer.Save(weights);
        // A dtype that clears the screen and starts a second line, were it printed as is.
        string dict = "{'descr': '\u001b[2J\n<f9', 'fortran_order': False, 'shape': (1, 1, 1), }";
        var header = System.Text.Encoding.Latin1.GetBytes(dict.PadRight(117) + "\n");
        byte[] bytes = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0, .. header, 0, 0, 0, 0];
        File.WriteAllBytes(x, bytes);
        var r = CliRunner.Run("run", "--weights", weights, "--input", x, "--output", tmp.File("y.npy"));
        Assert.Equal(2, r.ExitCode);
        Assert.DoesNotContain('\u001b', r.StdErr);
        Assert.Single(r.StdErr.Trim().Split('\n'));
        Assert.Contains("evil.npy", r.StdErr);
    }
}
