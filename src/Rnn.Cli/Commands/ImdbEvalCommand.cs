using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Rnn.Workloads.Data;
using Rnn.Workloads;

namespace Rnn.Cli.Commands;

/// <summary>`rnn imdb eval`: accuracy, precision, recall and the confusion matrix of a trained model on the test split.</summary>
internal static class ImdbEvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "checkpoint written by `rnn imdb train`", Required = true };
        var data = new Option<string>("--data") { Description = "folder holding the test split", Required = true };
        var limit = Options.Int("--limit", "score only the first N reviews of the test split, shuffled as training did (0: all)", 0);
        var json = new Option<bool>("--json") { Description = "print one JSON line instead of text" };
        var precision = Options.Precision();
        var command = new Command("eval", "Score a trained IMDB model on the test split.") { model, data, limit, json, precision };
        command.SetAction(r => CommandLine.Guard(() => Run(r.GetValue(model)!, r.GetValue(data)!, r.GetValue(limit), r.GetValue(json), r.GetValue(precision)!)));
        return command;
    }

    private static int Run(string modelPath, string dataDirectory, int limit, bool json, string precisionText)
    {
        WeightPrecision precision = Options.ParsePrecision(precisionText);
        if (limit < 0) throw new UsageException($"--limit must be 0 (all) or positive, got {limit}.");
        Options.RequireExisting(modelPath, "--model");
        if (!Directory.Exists(dataDirectory)) throw new DirectoryNotFoundException($"--data: IMDB data directory '{dataDirectory}' does not exist.");
        using ImdbClassifier classifier = ImdbClassifier.Load(modelPath, precision: precision);
        var options = new ImdbLoadOptions
        {
            VocabularySize = classifier.Tokenizer.VocabularySize, MaxLength = classifier.MaxLength, WordIndex = classifier.Tokenizer.WordIndex,
        };
        ImdbDataset test = ImdbDataset.Load(dataDirectory, ImdbSplit.Test, options);
        test.Shuffle(classifier.Run.Seed + 1); // the order training scored, so --limit N takes the same reviews
        int count = limit > 0 ? Math.Min(limit, test.Count) : test.Count;
        var clock = Stopwatch.StartNew();
        ImdbMetrics m = classifier.Evaluate(test, count);
        double seconds = clock.Elapsed.TotalSeconds;
        var c = CultureInfo.InvariantCulture;
        if (json)
        {
            JsonLine.Write(w =>
            {
                w.WriteNumber("examples", m.Count);
                JsonLine.Number(w, "test_accuracy", m.Accuracy);
                JsonLine.Number(w, "precision", m.Precision);
                JsonLine.Number(w, "recall", m.Recall);
                JsonLine.Number(w, "loss", m.Loss);
                w.WriteNumber("true_positive", m.TruePositive);
                w.WriteNumber("false_positive", m.FalsePositive);
                w.WriteNumber("true_negative", m.TrueNegative);
                w.WriteNumber("false_negative", m.FalseNegative);
                JsonLine.Number(w, "seconds", seconds);
                JsonLine.Number(w, "examples_per_sec", m.Count / seconds);
            });
        }
        else
        {
            Console.WriteLine(string.Create(c, $"{m.Count} test reviews: accuracy {m.Accuracy:P2}, precision {m.Precision:P2}, recall {m.Recall:P2}, loss {m.Loss:F4}"));
            Console.WriteLine("                 predicted neg  predicted pos");
            Console.WriteLine(string.Create(c, $"actual neg     {m.TrueNegative,14} {m.FalsePositive,14}"));
            Console.WriteLine(string.Create(c, $"actual pos     {m.FalseNegative,14} {m.TruePositive,14}"));
            Console.WriteLine(string.Create(c, $"{m.Count / seconds:F0} reviews/s"));
        }
        return CommandLine.Ok;
    }
}
