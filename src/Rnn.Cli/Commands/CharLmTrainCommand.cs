using System.CommandLine;
using System.Text.Json;
using Rnn.Cli.Progress;
using Rnn.Runtime;
using Rnn.Training.Models;
using Rnn.Workloads;

namespace Rnn.Cli.Commands;

/// <summary>`rnn charlm train`: char-rnn on a text file (tiny Shakespeare by default), checkpointing as it validates.</summary>
internal static class CharLmTrainCommand
{
    public const string BundledCorpus = "tinyshakespeare.txt";

    public static Command Create()
    {
        var text = new Option<string?>("--text") { Description = $"UTF-8 text to learn (default: the bundled data/{BundledCorpus})" };
        var cell = new Option<string>("--cell") { Description = "lstm | gru | rnn", DefaultValueFactory = _ => "lstm" };
        var hidden = Options.Int("--hidden", "hidden size of each recurrent layer", 256);
        var layers = Options.Int("--layers", "stacked recurrent layers", 2);
        var embed = Options.Int("--embed", "character embedding size", 64);
        var seq = Options.Int("--seq", "truncated-BPTT chunk length (characters)", 64);
        var batch = Options.Int("--batch", "lanes trained together", 32);
        var steps = new Option<long?>("--steps") { Description = "optimizer steps to train in total (default: one epoch)" };
        var epochs = new Option<int?>("--epochs") { Description = "passes over the training text (instead of --steps)" };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => 2e-3 };
        var schedule = new Option<string>("--lr-schedule") { Description = "cosine (anneal to --lr-min over the run) | constant", DefaultValueFactory = _ => "cosine" };
        var lrMin = new Option<double?>("--lr-min") { Description = "learning rate the cosine schedule ends at (default: --lr / 20)" };
        var clip = new Option<float>("--clip") { Description = "clip the global gradient norm to this (0: off)", DefaultValueFactory = _ => 5f };
        var dropout = new Option<float>("--dropout") { Description = "dropout between layers and before the output layer", DefaultValueFactory = _ => 0f };
        var valFraction = new Option<double>("--val-fraction") { Description = "tail of the text held out for validation, in (0, 1)", DefaultValueFactory = _ => 0.05 };
        var threads = Options.Int("--threads", "worker threads (does not change the result)", Environment.ProcessorCount);
        var shards = new Option<int?>("--shards") { Description = "parts each batch is split into, the most threads a run can use (must divide --batch; part of the run's definition; default: one per core, at least 8 lanes each)" };
        var seed = new Option<ulong>("--seed") { Description = "seed of the initial weights and dropout", DefaultValueFactory = _ => 1UL };
        var evalEvery = Options.Int("--eval-every", "validate and write a checkpoint every N steps", 200);
        var evalChunks = Options.Int("--eval-chunks", "validation chunks per evaluation (0: the whole validation split)", 0);
        var json = new Option<bool>("--json") { Description = "end with one JSON line (train_loss, val_loss, steps, seconds, chars_per_sec)" };
        var output = new Option<string>("--out") { Description = "checkpoint to write (safetensors)", Required = true };
        var resume = new Option<string?>("--resume") { Description = "continue the run saved in this checkpoint (same --text); its settings win" };
        var command = new Command("train", "Train a character-level language model with truncated BPTT and Adam.")
        {
            text, cell, hidden, layers, embed, seq, batch, steps, epochs, lr, schedule, lrMin, clip, dropout, valFraction, threads, shards, seed,
            evalEvery, evalChunks, json, output, resume,
        };
        Option[] runDefinition = [cell, hidden, layers, embed, seq, batch, lr, schedule, lrMin, clip, dropout, valFraction, shards, seed, evalEvery, evalChunks];
        command.SetAction(r => CommandLine.Guard(() =>
        {
            if (r.GetValue(resume) is not null) RejectRunDefinition(r, runDefinition);
            var settings = new CharLmSettings
            {
                Cell = r.GetValue(cell)!, Hidden = r.GetValue(hidden), Layers = r.GetValue(layers), Embed = r.GetValue(embed),
                SeqLength = r.GetValue(seq), Batch = r.GetValue(batch), Steps = r.GetValue(steps), Epochs = r.GetValue(epochs),
                LearningRate = r.GetValue(lr), Schedule = r.GetValue(schedule)!, MinLearningRate = r.GetValue(lrMin), Clip = r.GetValue(clip), Dropout = r.GetValue(dropout),
                ValidationFraction = r.GetValue(valFraction), Threads = r.GetValue(threads), Shards = r.GetValue(shards),
                Seed = r.GetValue(seed), EvalEvery = r.GetValue(evalEvery), EvalChunks = r.GetValue(evalChunks),
            };
            return Run(r.GetValue(text), settings, r.GetValue(output)!, r.GetValue(resume), r.GetValue(json));
        }));
        return command;
    }

    /// <summary>A resumed run is the saved one: options that define a run cannot change it, and are refused rather than
    /// silently ignored.</summary>
    private static void RejectRunDefinition(ParseResult r, Option[] runDefinition)
    {
        var given = new List<string>();
        foreach (Option option in runDefinition)
            if (r.GetResult(option) is { Implicit: false }) given.Add(option.Name);
        if (given.Count > 0)
            throw new UsageException(
                $"--resume continues the saved run as it was defined, so {string.Join(", ", given)} cannot be given with it " +
                "(only --text, --steps, --epochs, --threads, --out and --json apply).");
    }

    private static int Run(string? textPath, CharLmSettings settings, string outPath, string? resumePath, bool json)
    {
        string text = textPath ?? FindBundledCorpus();
        if (Directory.Exists(outPath)) throw new UsageException($"--out '{outPath}' is a directory; give a file name such as model.safetensors.");
        Options.RequireWritableFile(outPath, "--out", createFolder: true); // before the training, not at its first checkpoint
        Options.RequireExisting(resumePath, "--resume");
        Options.RequireExisting(text, "--text");

        // Weights, gradients and Adam's two moments at least (4 bytes a float each), before the trainer allocates any.
        if (resumePath is null)
            MemoryBudget.Require(4 * 4 * MemoryBudget.RecurrentWeights(Options.ParseCell(settings.Cell) ?? CellKind.Lstm, settings.Embed, settings.Hidden, settings.Layers),
                "this training run");
        using CharLmTrainer trainer = resumePath is null
            ? CharLmTrainer.Create(text, settings)
            : CharLmTrainer.Resume(resumePath, text, settings.Steps, settings.Epochs, settings.Threads);
        CharLmSettings s = trainer.Settings;
        SequenceModelConfig c = trainer.Model.Config;
        Console.Error.WriteLine(
            $"{(resumePath is null ? "training" : $"resuming at step {trainer.Step}:")} {c.NumLayers}x{c.HiddenSize} {c.Cell}, embed {c.EmbeddingSize}, " +
            $"vocabulary {c.VocabularySize}, {trainer.Corpus.Train.Length:N0} training / {trainer.Corpus.Validation.Length:N0} validation chars, " +
            $"seq {s.SeqLength} x batch {s.Batch} ({trainer.BatchesPerEpoch} steps/epoch), {trainer.TotalSteps} steps, " +
            $"Adam lr {s.LearningRate:G4}{(s.Schedule == "cosine" ? $" cosine to {s.EffectiveMinLearningRate:G4}" : "")}, clip {s.Clip}, {Options.ShardsOnThreads(s.EffectiveShards, s.Threads)}");

        // Ctrl+C ends the step under way and writes a checkpoint that --resume continues exactly; a second one kills.
        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = !stop.IsCancellationRequested;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        var progress = new ProgressLine("chars");
        CharLmSummary summary;
        try { summary = trainer.Train(outPath, progress, stop.Token); }
        finally { Console.CancelKeyPress -= onCancel; }
        progress.Finish();
        if (stop.IsCancellationRequested)
            Console.Error.WriteLine($"stopped at step {summary.Steps} of {trainer.TotalSteps}; continue with --resume {outPath}");
        Console.Error.WriteLine($"wrote {outPath}: step {summary.Steps}, train loss {summary.TrainLoss:F4}, val loss {summary.ValidationLoss:F4} nats/char");

        TextWriter sampleOut = json ? Console.Error : Console.Out;
        sampleOut.WriteLine("--- sample ---");
        using (var inference = trainer.Model.ToInference())
        using (var sampler = new CharSampler(inference, s.Seed, temperature: 0.8f))
        {
            int prime = trainer.Corpus.Vocabulary.TryGetId(new System.Text.Rune('\n'), out int newline) ? newline : trainer.Corpus.All.Span[0];
            CharLmSampleCommand.Generate(sampler, trainer.Corpus.Vocabulary, [prime], 300, sampleOut);
        }
        sampleOut.WriteLine();
        if (json) WriteJson(summary);
        return CommandLine.Ok;
    }

    private static void WriteJson(CharLmSummary s) => JsonLine.Write(w =>
    {
        JsonLine.Number(w, "train_loss", s.TrainLoss);
        JsonLine.Number(w, "val_loss", s.ValidationLoss);
        w.WriteNumber("steps", s.Steps);
        JsonLine.Number(w, "seconds", s.Seconds);
        JsonLine.Number(w, "chars_per_sec", s.CharsPerSecond);
    });

    /// <summary>data/tinyshakespeare.txt beside the executable (copied there by the build), else in the repository.</summary>
    internal static string FindBundledCorpus()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "data", BundledCorpus);
        if (File.Exists(beside)) return beside;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "data", BundledCorpus);
            if (File.Exists(Path.Combine(d.FullName, "Rnn.slnx")) && File.Exists(candidate)) return candidate;
        }
        throw new UsageException($"the bundled corpus data/{BundledCorpus} was not found beside {AppContext.BaseDirectory} or in the repository; pass --text FILE.");
    }
}
