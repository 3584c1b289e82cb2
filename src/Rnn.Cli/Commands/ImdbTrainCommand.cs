using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Rnn.Cli.Progress;
using Rnn.Workloads;

namespace Rnn.Cli.Commands;

/// <summary>`rnn imdb train`: Embedding → LSTM → Dense(1) on the IMDB train split, scored on the test split each epoch.</summary>
internal static class ImdbTrainCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "folder with train/test (.jsonl.gz, the aclImdb archive or folders) and imdb_word_index.json", Required = true };
        var vocab = Options.Int("--vocab", "Keras num_words: rarer words become id 2", 20_000);
        var maxlen = Options.Int("--maxlen", "words kept per review (the last ones)", 80);
        var embed = Options.Int("--embed", "word embedding size", 128);
        var hidden = Options.Int("--hidden", "LSTM hidden size", 128);
        var dropout = new Option<float>("--dropout") { Description = "LSTM input dropout (Keras dropout)", DefaultValueFactory = _ => 0.2f };
        var recurrentDropout = new Option<float>("--recurrent-dropout") { Description = "LSTM recurrent dropout (Keras recurrent_dropout)", DefaultValueFactory = _ => 0.2f };
        var batch = Options.Int("--batch", "reviews per step", 32);
        var epochs = Options.Int("--epochs", "passes over the train split", 5);
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => 1e-3 };
        var clip = new Option<float>("--clip") { Description = "clip the global gradient norm (0: off)", DefaultValueFactory = _ => 0f };
        var threads = Options.Int("--threads", "worker threads (does not change the result)", Environment.ProcessorCount);
        var shards = new Option<int?>("--shards") { Description = "parts each batch is split into, the most threads a run can use (must divide --batch; part of the run's definition; default: one per core, at least 8 reviews each)" };
        var seed = new Option<ulong>("--seed") { Description = "seed of the weights, shuffles and dropout", DefaultValueFactory = _ => 1UL };
        var limit = Options.Int("--limit", "use only the first N shuffled reviews of each split (0: all)", 0);
        var json = new Option<bool>("--json") { Description = "end with one JSON line" };
        var output = new Option<string>("--out") { Description = "checkpoint to write (safetensors)", Required = true };
        var command = new Command("train", "Train the IMDB sentiment classifier.")
        {
            data, vocab, maxlen, embed, hidden, dropout, recurrentDropout, batch, epochs, lr, clip, threads, shards, seed, limit, json, output,
        };
        command.SetAction(r => CommandLine.Guard(() => Run(r.GetValue(data)!, new ImdbSettings
        {
            VocabularySize = r.GetValue(vocab), MaxLength = r.GetValue(maxlen), Embed = r.GetValue(embed), Hidden = r.GetValue(hidden),
            Dropout = r.GetValue(dropout), RecurrentDropout = r.GetValue(recurrentDropout), Batch = r.GetValue(batch),
            Epochs = r.GetValue(epochs), LearningRate = r.GetValue(lr), Clip = r.GetValue(clip), Threads = r.GetValue(threads),
            Shards = r.GetValue(shards), Seed = r.GetValue(seed), Limit = r.GetValue(limit),
        }, r.GetValue(output)!, r.GetValue(json))));
        return command;
    }

    private static int Run(string dataDirectory, ImdbSettings settings, string outPath, bool json)
    {
        if (Directory.Exists(outPath)) throw new UsageException($"--out '{outPath}' is a directory; give a file name such as imdb.safetensors.");
        Options.RequireWritableFile(outPath, "--out", createFolder: true); // before the training, not at its first checkpoint
        using ImdbTrainer trainer = ImdbTrainer.Load(dataDirectory, settings);
        Console.Error.WriteLine(
            $"training Embedding({settings.VocabularySize}, {settings.Embed}) -> LSTM({settings.Hidden}, dropout {settings.Dropout}, " +
            $"recurrent {settings.RecurrentDropout}) -> Dense(1) on {trainer.TrainCount:N0} reviews (test {trainer.TestCount:N0}), maxlen {settings.MaxLength}, " +
            $"batch {settings.Batch} ({trainer.StepsPerEpoch} steps/epoch), Adam lr {settings.LearningRate:G4}, {Options.ShardsOnThreads(settings.EffectiveShards, settings.Threads)}");
        var progress = new ProgressLine("reviews");
        var c = CultureInfo.InvariantCulture;
        ImdbSummary summary = trainer.Run(outPath, progress, e => progress.Line(string.Create(c,
            $"epoch {e.Epoch}: train loss {e.TrainLoss:F4} acc {e.TrainAccuracy:P2}  test loss {e.Test.Loss:F4} acc {e.Test.Accuracy:P2}  " +
            $"{e.Seconds:F1} s ({e.ExamplesPerSecond:F0} reviews/s training)")));
        progress.Finish();
        Console.Error.WriteLine($"wrote {outPath}");
        if (json)
        {
            JsonLine.Write(w =>
            {
                w.WriteNumber("epochs", summary.Epochs);
                w.WriteNumber("steps", summary.Steps);
                JsonLine.Number(w, "train_loss", summary.TrainLoss);
                JsonLine.Number(w, "train_accuracy", summary.TrainAccuracy);
                JsonLine.Number(w, "test_loss", summary.Test.Loss);
                JsonLine.Number(w, "test_accuracy", summary.Test.Accuracy);
                JsonLine.Number(w, "seconds", summary.Seconds);
                JsonLine.Number(w, "seconds_per_epoch", summary.Seconds / summary.Epochs);
                JsonLine.Number(w, "examples_per_sec", summary.ExamplesPerSecond);
            });
        }
        else
        {
            Console.WriteLine(string.Create(c, $"test accuracy {summary.Test.Accuracy:P2} after {summary.Epochs} epoch(s), {summary.Seconds / summary.Epochs:F1} s per epoch"));
        }
        return CommandLine.Ok;
    }
}
