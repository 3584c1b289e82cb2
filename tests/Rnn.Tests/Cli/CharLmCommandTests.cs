using System.Text.Json;
using Rnn.Training.Checkpoints;
using Rnn.Tests.TestSupport;
using Rnn.Tests.Workloads;

namespace Rnn.Tests.Cli;

public class CharLmCommandTests
{
    /// <summary>A small, fast run; an option in <paramref name="more"/> replaces the default one of the same name.</summary>
    private static string[] TinyRun(string text, string output, params string[] more)
    {
        var options = new List<(string Name, string? Value)>
        {
            ("--text", text), ("--hidden", "32"), ("--layers", "1"), ("--embed", "16"), ("--seq", "16"), ("--batch", "8"),
            ("--lr", "1e-2"), ("--val-fraction", "0.1"), ("--out", output),
        };
        for (int i = 0; i < more.Length; i++)
        {
            bool flag = i + 1 >= more.Length || more[i + 1].StartsWith("--", StringComparison.Ordinal);
            string? value = flag ? null : more[i + 1];
            int at = options.FindIndex(o => o.Name == more[i]);
            if (at >= 0) options[at] = (more[i], value);
            else options.Add((more[i], value));
            if (!flag) i++;
        }
        var args = new List<string> { "charlm", "train" };
        foreach (var (name, value) in options)
        {
            args.Add(name);
            if (value is not null) args.Add(value);
        }
        return [.. args];
    }

    [Fact]
    public void TrainReducesTheLossThenSampleIsDeterministicWithASeed()
    {
        using var tmp = new TempDirectory();
        string text = tmp.File("text.txt");
        File.WriteAllText(text, WorkloadFixtures.GrammarText(250));
        string model = tmp.File("model.safetensors");
        var train = CliRunner.Run(TinyRun(text, model, "--steps", "80", "--eval-every", "40", "--json"));
        Assert.True(train.ExitCode == 0, train.StdErr);
        string[] lines = train.StdOut.Trim().Split('\n');
        Assert.Single(lines); // --json: stdout is the JSON line alone; progress and the sample go to stderr
        using JsonDocument json = JsonDocument.Parse(lines[^1]);
        JsonElement r = json.RootElement;
        Assert.Equal(80, r.GetProperty("steps").GetInt64());
        double lnV = Math.Log(Checkpoint.Load(model).Model.Config.VocabularySize);
        Assert.True(r.GetProperty("val_loss").GetDouble() < lnV - 1.0, $"val loss {r.GetProperty("val_loss")} vs ln(V) {lnV:F2}");
        Assert.True(r.GetProperty("train_loss").GetDouble() < lnV - 1.0);
        Assert.True(r.GetProperty("chars_per_sec").GetDouble() > 0);
        Assert.True(r.GetProperty("seconds").GetDouble() > 0);
        // stderr is redirected here, so progress comes as plain lines, one per validation, without carriage returns.
        Assert.Contains("step 40/80", train.StdErr);
        Assert.Contains("step 80/80", train.StdErr);
        Assert.DoesNotContain('\r', train.StdErr);
        Assert.Contains("--- sample ---", train.StdErr);

        var a = CliRunner.Run("charlm", "sample", "--model", model, "--prime", "the ", "--length", "120", "--seed", "5");
        var b = CliRunner.Run("charlm", "sample", "--model", model, "--prime", "the ", "--length", "120", "--seed", "5");
        var c = CliRunner.Run("charlm", "sample", "--model", model, "--prime", "the ", "--length", "120", "--seed", "6");
        Assert.True(a.ExitCode == 0, a.StdErr);
        Assert.StartsWith("the ", a.StdOut);
        Assert.Equal(4 + 120 + 1, a.StdOut.Length); // prime, 120 generated ASCII characters, final newline
        Assert.Equal(a.StdOut, b.StdOut);
        Assert.NotEqual(a.StdOut, c.StdOut);
    }

    /// <summary>The other cells and --epochs through the command line: one epoch is the corpus's batches, and the
    /// checkpoint holds the cell asked for.</summary>
    [Theory]
    [InlineData("gru", "gru")]
    [InlineData("rnn", "rnn-tanh")]
    public void OtherCellsTrainForWholeEpochs(string cell, string savedCell)
    {
        using var tmp = new TempDirectory();
        string text = tmp.File("text.txt"), model = tmp.File("model.safetensors");
        File.WriteAllText(text, WorkloadFixtures.GrammarText(120));
        var one = CliRunner.Run(TinyRun(text, model, "--cell", cell, "--epochs", "1", "--json"));
        Assert.True(one.ExitCode == 0, one.StdErr);
        long perEpoch = JsonDocument.Parse(one.StdOut.Trim()).RootElement.GetProperty("steps").GetInt64();
        var two = CliRunner.Run(TinyRun(text, model, "--cell", cell, "--epochs", "2", "--json"));
        Assert.True(two.ExitCode == 0, two.StdErr);
        using JsonDocument json = JsonDocument.Parse(two.StdOut.Trim());
        Assert.True(perEpoch > 0);
        Assert.Equal(2 * perEpoch, json.RootElement.GetProperty("steps").GetInt64());
        Assert.Contains($"({perEpoch} steps/epoch)", one.StdErr);
        Assert.Equal(savedCell, Checkpoint.Load(model).Model.Config.Cell);
        var sample = CliRunner.Run("charlm", "sample", "--model", model, "--length", "50", "--seed", "1");
        Assert.True(sample.ExitCode == 0, sample.StdErr);
    }

    [Fact]
    public void ResumeGivesTheWeightsOfAnUninterruptedRun()
    {
        using var tmp = new TempDirectory();
        string text = tmp.File("text.txt");
        File.WriteAllText(text, WorkloadFixtures.GrammarText(120));
        string straight = tmp.File("straight.safetensors"), resumed = tmp.File("resumed.safetensors");
        // The end moves on resume, so the rate is held constant (a cosine schedule spans the run's total steps).
        var full = CliRunner.Run(TinyRun(text, straight, "--steps", "16", "--eval-every", "8", "--dropout", "0.1", "--threads", "1", "--lr-schedule", "constant"));
        Assert.True(full.ExitCode == 0, full.StdErr);
        var half = CliRunner.Run(TinyRun(text, resumed, "--steps", "8", "--eval-every", "8", "--dropout", "0.1", "--lr-schedule", "constant"));
        Assert.True(half.ExitCode == 0, half.StdErr);
        var rest = CliRunner.Run("charlm", "train", "--text", text, "--resume", resumed, "--steps", "16", "--out", resumed);
        Assert.True(rest.ExitCode == 0, rest.StdErr);
        Assert.Contains("resuming at step 8", rest.StdErr);
        Assert.Equal(
            CharLmTrainerTests.Values(Checkpoint.Load(straight).Model.Parameters),
            CharLmTrainerTests.Values(Checkpoint.Load(resumed).Model.Parameters));
    }

    [Fact]
    public void BadInputExitsWithTwoAndOneLineAndWritesNothing()
    {
        using var tmp = new TempDirectory();
        string text = tmp.File("text.txt"), empty = tmp.File("empty.txt"), corrupt = tmp.File("corrupt.safetensors");
        File.WriteAllText(text, WorkloadFixtures.GrammarText(120));
        File.WriteAllText(empty, "");
        File.WriteAllBytes(corrupt, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        string output = tmp.File("out.safetensors");

        CliRunner.AssertFails(TinyRun(tmp.File("missing.txt"), output), "missing.txt");
        CliRunner.AssertFails(TinyRun(empty, output), "empty.txt");
        CliRunner.AssertFails(TinyRun(text, output, "--seq", "0"), "--seq");
        CliRunner.AssertFails(TinyRun(text, output, "--batch", "6", "--shards", "4"), "--shards");
        CliRunner.AssertFails(TinyRun(text, output, "--val-fraction", "1.5"), "--val-fraction");
        CliRunner.AssertFails(TinyRun(text, output, "--cell", "transformer"), "--cell");
        CliRunner.AssertFails(TinyRun(text, output, "--steps", "5", "--epochs", "1"), "not both");
        CliRunner.AssertFails(TinyRun(text, output, "--lr-schedule", "step"), "--lr-schedule");
        CliRunner.AssertFails(TinyRun(text, output, "--lr", "1e-3", "--lr-min", "1e-2"), "--lr-min");
        CliRunner.AssertFails(["charlm", "sample", "--model", corrupt], "corrupt.safetensors");
        CliRunner.AssertFails(["charlm", "sample", "--model", tmp.File("none.safetensors")], "none.safetensors");
        Assert.False(File.Exists(output), "a failed run must not write its --out file");

        // A corrupt checkpoint to resume from leaves an existing --out untouched.
        File.WriteAllBytes(output, [42]);
        CliRunner.AssertFails(["charlm", "train", "--text", text, "--resume", corrupt, "--out", output], "corrupt.safetensors");
        Assert.Equal([42], File.ReadAllBytes(output));
    }

    [Fact]
    public void ResumeRefusesWhatItCannotHonourAndLeavesTheOutputAlone()
    {
        using var tmp = new TempDirectory();
        string text = tmp.File("text.txt"), other = tmp.File("other.txt"), saved = tmp.File("saved.safetensors"), output = tmp.File("out.safetensors");
        File.WriteAllText(text, WorkloadFixtures.GrammarText(120));
        File.WriteAllText(other, "0123456789 digits are not in the saved vocabulary 0123456789\n");
        var first = CliRunner.Run(TinyRun(text, saved, "--steps", "8", "--eval-every", "8"));
        Assert.True(first.ExitCode == 0, first.StdErr);
        File.WriteAllBytes(output, [42]);

        string[] Resume(params string[] more) => ["charlm", "train", "--text", text, "--resume", saved, "--out", output, .. more];
        CliRunner.AssertFails(Resume("--hidden", "64", "--lr", "0.1"), "--hidden, --lr cannot be given");
        CliRunner.AssertFails(Resume("--steps", "4"), "already at step 8");
        CliRunner.AssertFails(Resume(), "already ended at step 8");
        CliRunner.AssertFails(["charlm", "train", "--text", other, "--resume", saved, "--out", output, "--steps", "16"], "cannot be the text");
        Assert.Equal([42], File.ReadAllBytes(output));

        // A checkpoint with a tensor its configuration does not have is not what its metadata says.
        string extra = tmp.File("extra.safetensors");
        using (var source = Rnn.Runtime.IO.SafeTensorsFile.Open(saved))
        {
            var writer = new Rnn.Runtime.IO.SafeTensorsWriter();
            foreach (var (key, value) in source.Metadata) writer.Metadata[key] = value;
            writer.AddAll(source);
            writer.Add("rnn.weight_ih_l1", [4], [0f, 0f, 0f, 0f]);
            writer.Save(extra);
        }
        CliRunner.AssertFails(["charlm", "sample", "--model", extra], "rnn.weight_ih_l1");
        CliRunner.AssertFails(["charlm", "train", "--text", text, "--resume", extra, "--out", output, "--steps", "16"], "rnn.weight_ih_l1");
        Assert.Equal([42], File.ReadAllBytes(output));
    }
}
