using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Workloads;
using Rnn.Workloads.Data;

namespace Rnn.Cli.Commands;

/// <summary>
/// `rnn charlm eval`: the validation loss of a trained char model, one stream over the run's validation split (the
/// text's last val_fraction, as training split it), at a chosen weight precision.
/// </summary>
internal static class CharLmEvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "checkpoint written by `rnn charlm train`", Required = true };
        var text = new Option<string?>("--text") { Description = $"the text the model was trained on (default: the bundled data/{CharLmTrainCommand.BundledCorpus})" };
        var chars = Options.Int("--chars", "score only the first N characters of the validation split (0: all)", 0);
        var precision = Options.Precision();
        var json = new Option<bool>("--json") { Description = "print one JSON line instead of text" };
        var command = new Command("eval", "Validation loss (nats/char) of a trained char model at a weight precision.") { model, text, chars, precision, json };
        command.SetAction(r => CommandLine.Guard(() => Run(r.GetValue(model)!, r.GetValue(text), r.GetValue(chars), r.GetValue(precision)!, r.GetValue(json))));
        return command;
    }

    private static int Run(string modelPath, string? textPath, int chars, string precisionText, bool json)
    {
        WeightPrecision precision = Options.ParsePrecision(precisionText);
        if (chars < 0) throw new UsageException($"--chars must be 0 (all) or positive, got {chars}.");
        Options.RequireExisting(modelPath, "--model");
        Options.RequireExisting(textPath, "--text");
        using CharLmModel m = CharLmModel.Load(modelPath);
        double fraction = m.Run.Extra.TryGetValue(CharLmSettings.ValFractionKey, out string? saved)
            ? double.Parse(saved, CultureInfo.InvariantCulture) : 0.05;
        CharCorpus corpus = CharCorpus.Load(textPath ?? CharLmTrainCommand.FindBundledCorpus(), fraction, m.Vocabulary);
        ReadOnlySpan<int> ids = corpus.Validation.Span;
        if (chars > 0) ids = ids.Slice(0, Math.Min(chars, ids.Length));
        var clock = Stopwatch.StartNew();
        double loss = m.MeanLoss(ids, precision);
        double seconds = clock.Elapsed.TotalSeconds;
        int count = ids.Length;
        if (json)
            JsonLine.Write(w =>
            {
                w.WriteString("precision", Bench.BenchPrecisions.Name(precision));
                w.WriteNumber("chars", count);
                JsonLine.Number(w, "val_loss", loss);
                JsonLine.Number(w, "seconds", seconds);
            });
        else
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{count} validation chars, {Bench.BenchPrecisions.Name(precision)} weights: loss {loss:F4} nats/char ({seconds:F1} s)"));
        return CommandLine.Ok;
    }
}
