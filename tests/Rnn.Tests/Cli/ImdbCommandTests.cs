using System.Globalization;
using System.Text.Json;
using Rnn.Runtime.IO;
using Rnn.Training.Checkpoints;
using Rnn.Workloads;
using Rnn.Tests.TestSupport;
using Rnn.Tests.Workloads.Data;
using Rnn.Tests.Workloads;

namespace Rnn.Tests.Cli;

public class ImdbCommandTests
{
    [Fact]
    public void TrainEvalPredictOnAnEasySentiment()
    {
        using var tmp = new TempDirectory();
        WorkloadFixtures.WriteSentimentData(tmp.Path, trainCount: 320, testCount: 100);
        string model = tmp.File("imdb.safetensors");
        var train = CliRunner.Run("imdb", "train", "--data", tmp.Path, "--vocab", "30", "--maxlen", "20", "--embed", "16", "--hidden", "16",
            "--batch", "16", "--epochs", "2", "--lr", "1e-2", "--json", "--out", model);
        Assert.True(train.ExitCode == 0, train.StdErr);
        Assert.Contains("epoch 2:", train.StdErr);
        using JsonDocument trained = JsonDocument.Parse(train.StdOut.Trim().Split('\n')[^1]);
        double accuracy = trained.RootElement.GetProperty("test_accuracy").GetDouble();
        Assert.True(accuracy > 0.8, $"test accuracy {accuracy}");
        Assert.True(trained.RootElement.GetProperty("seconds_per_epoch").GetDouble() > 0);

        var eval = CliRunner.Run("imdb", "eval", "--model", model, "--data", tmp.Path, "--json");
        Assert.True(eval.ExitCode == 0, eval.StdErr);
        using JsonDocument scored = JsonDocument.Parse(eval.StdOut.Trim());
        Assert.Equal(100, scored.RootElement.GetProperty("examples").GetInt32());
        Assert.Equal(accuracy, scored.RootElement.GetProperty("test_accuracy").GetDouble());
        int tp = scored.RootElement.GetProperty("true_positive").GetInt32(), fp = scored.RootElement.GetProperty("false_positive").GetInt32();
        Assert.Equal((double)tp / (tp + fp), scored.RootElement.GetProperty("precision").GetDouble(), 12);
        double seconds = scored.RootElement.GetProperty("seconds").GetDouble(), rate = scored.RootElement.GetProperty("examples_per_sec").GetDouble();
        Assert.True(seconds > 0 && rate > 0);
        Assert.Equal(100 / seconds, rate, 6);

        var text = CliRunner.Run("imdb", "eval", "--model", model, "--data", tmp.Path);
        Assert.Contains("predicted pos", text.StdOut);

        var positive = CliRunner.Run("imdb", "predict", "--model", model, "a wonderful film, i loved the story and the actor was great");
        var negative = CliRunner.Run("imdb", "predict", "--model", model, "boring and awful. i hated this terrible movie");
        Assert.True(positive.ExitCode == 0, positive.StdErr);
        float p = float.Parse(positive.StdOut.Trim(), CultureInfo.InvariantCulture), n = float.Parse(negative.StdOut.Trim(), CultureInfo.InvariantCulture);
        Assert.InRange(p, 0.5f, 1f);
        Assert.InRange(n, 0f, 0.5f);

        // A review from a file scores as the same words given as arguments; bad or empty reviews are named, not scored.
        string review = tmp.File("review.txt"), invalid = tmp.File("invalid.txt"), empty = tmp.File("empty.txt"), garbage = tmp.File("garbage.txt");
        File.WriteAllText(review, "a wonderful film, i loved the story and the actor was great");
        File.WriteAllBytes(invalid, [(byte)'g', (byte)'o', (byte)'o', (byte)'d', 0xC3, 0x28]);
        File.WriteAllText(empty, "  ...  ");
        File.WriteAllText(garbage, "zzqxv qqxzw vvkqz");
        var fromFile = CliRunner.Run("imdb", "predict", "--model", model, "--file", review);
        Assert.True(fromFile.ExitCode == 0, fromFile.StdErr);
        Assert.Equal(positive.StdOut, fromFile.StdOut);
        CliRunner.AssertFails(["imdb", "predict", "--model", model, "--file", invalid], "invalid.txt");
        CliRunner.AssertFails(["imdb", "predict", "--model", model, "--file", empty], "no words");
        CliRunner.AssertFails(["imdb", "predict", "--model", model, "--file", garbage], "none of the review's 3 words");
        CliRunner.AssertFails(["imdb", "predict", "--model", model, "--file", review, "great"], "--file");

        // The same review piped to standard input ('--file -') scores the same; bad bytes there are named as such.
        string[] fromStdinArgs = ["imdb", "predict", "--model", model, "--file", "-"];
        var fromStdin = CliRunner.RunWithInput(File.ReadAllBytes(review), fromStdinArgs);
        Assert.True(fromStdin.ExitCode == 0, fromStdin.StdErr);
        Assert.Equal(positive.StdOut, fromStdin.StdOut);
        CliRunner.AssertFails(CliRunner.RunWithInput(File.ReadAllBytes(invalid), fromStdinArgs), fromStdinArgs, "(standard input)");
    }

    /// <summary>Standard input is read up to 16 MiB and no further: a longer pipe is refused with the limit named,
    /// before any model is loaded, instead of being buffered whole.</summary>
    [Fact]
    public void A_review_piped_past_16_MiB_is_refused()
    {
        string[] args = ["imdb", "predict", "--model", "never-read.safetensors", "--file", "-"];
        var r = CliRunner.RunWithInput(new byte[(16 << 20) + 1], args);
        CliRunner.AssertFails(r, args, "16,777,216 bytes");
        Assert.Contains("standard input", r.StdErr);

        // Exactly 16 MiB is within the limit: the run gets past reading (and then fails on the missing model).
        var atLimit = CliRunner.RunWithInput(new byte[16 << 20], args);
        CliRunner.AssertFails(atLimit, args, "never-read.safetensors");
    }

    /// <summary>A checkpoint claiming maxlen 100,000 (the most accepted) over tiny tensors: loading keeps the batch's
    /// buffers within the budget by shrinking the batch, instead of the gigabytes batch 64 would take, and eval
    /// still scores.</summary>
    [Fact]
    public void AHugeMaxlenShrinksTheBatchInsteadOfAllocatingGigabytes()
    {
        using var tmp = new TempDirectory();
        WorkloadFixtures.WriteSentimentData(tmp.Path, trainCount: 32, testCount: 4);
        string model = tmp.File("imdb.safetensors");
        var train = CliRunner.Run("imdb", "train", "--data", tmp.Path, "--vocab", "30", "--maxlen", "20", "--embed", "16", "--hidden", "64",
            "--batch", "16", "--epochs", "1", "--out", model);
        Assert.True(train.ExitCode == 0, train.StdErr);
        string huge = tmp.File("huge.safetensors");
        using (var file = SafeTensorsFile.Open(model))
        {
            var writer = new SafeTensorsWriter();
            foreach (var (k, v) in file.Metadata)
                writer.Metadata[k] = k == Checkpoint.RunKey ? v.Replace("\"imdb.maxlen\":\"20\"", "\"imdb.maxlen\":\"100000\"") : v;
            foreach (string t in file.Names) writer.Add(t, file.GetShape(t), file.ReadFloat32(t));
            writer.Save(huge);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        using (ImdbClassifier classifier = ImdbClassifier.Load(huge))
        {
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(100_000, classifier.MaxLength);
            Assert.InRange(classifier.MaxBatch, 1, 63);
            Assert.True(allocated < ImdbClassifier.BufferBudgetBytes + (64 << 20), $"{allocated:N0} bytes allocated by Load");
        }
        var eval = CliRunner.Run("imdb", "eval", "--model", huge, "--data", tmp.Path, "--limit", "2", "--json");
        Assert.True(eval.ExitCode == 0, eval.StdErr);
        Assert.Contains("\"examples\":2", eval.StdOut);
    }

    [Fact]
    public void BadInputExitsWithTwo()
    {
        using var tmp = new TempDirectory();
        string corrupt = tmp.File("corrupt.safetensors");
        File.WriteAllBytes(corrupt, new byte[64]);
        string output = tmp.File("out.safetensors");
        CliRunner.AssertFails(["imdb", "train", "--data", tmp.File("nowhere"), "--out", output], "nowhere");
        CliRunner.AssertFails(["imdb", "train", "--data", tmp.Path, "--out", output], "train");
        CliRunner.AssertFails(["imdb", "train", "--data", tmp.Path, "--batch", "30", "--shards", "4", "--out", output], "--shards");
        CliRunner.AssertFails(["imdb", "predict", "--model", corrupt, "great"], "corrupt.safetensors");
        CliRunner.AssertFails(["imdb", "eval", "--model", corrupt, "--data", tmp.Path], "corrupt.safetensors");
        Assert.False(File.Exists(output));
    }

    [SharedDataFact]
    public void TrainsOnTheRealDataWithALimit()
    {
        string data = Path.Combine(SharedDataLocator.DataFolder!, "imdb");
        using var tmp = new TempDirectory();
        var r = CliRunner.Run("imdb", "train", "--data", data, "--limit", "64", "--maxlen", "20", "--embed", "8", "--hidden", "8",
            "--epochs", "1", "--json", "--out", tmp.File("imdb.safetensors"));
        Assert.True(r.ExitCode == 0, r.StdErr);
        using JsonDocument json = JsonDocument.Parse(r.StdOut.Trim().Split('\n')[^1]);
        Assert.Equal(2, json.RootElement.GetProperty("steps").GetInt64());
        // What training reports for the test split is what `imdb eval` measures on the checkpoint it wrote.
        var eval = CliRunner.Run("imdb", "eval", "--model", tmp.File("imdb.safetensors"), "--data", data, "--limit", "64", "--json");
        Assert.True(eval.ExitCode == 0, eval.StdErr);
        using JsonDocument scored = JsonDocument.Parse(eval.StdOut.Trim().Split('\n')[^1]);
        JsonElement e = scored.RootElement;
        Assert.Equal(64, e.GetProperty("examples").GetInt32());
        Assert.Equal(json.RootElement.GetProperty("test_accuracy").GetDouble(), e.GetProperty("test_accuracy").GetDouble());
        Assert.Equal(json.RootElement.GetProperty("test_loss").GetDouble(), e.GetProperty("loss").GetDouble(), 1e-9);
        int right = e.GetProperty("true_positive").GetInt32() + e.GetProperty("true_negative").GetInt32();
        Assert.Equal(right / 64.0, e.GetProperty("test_accuracy").GetDouble());
    }
}
