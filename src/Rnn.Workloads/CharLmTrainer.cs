using System.Diagnostics;
using System.Globalization;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Training.Checkpoints;
using Rnn.Workloads.Data;
using Rnn.Training.Models;
using Rnn.Training.Optimizers;
using Rnn.Training.Random;
using Rnn.Training.Schedules;

namespace Rnn.Workloads;

/// <summary>What a char-rnn run reached: losses in nats per character.</summary>
public readonly record struct CharLmSummary(double TrainLoss, double ValidationLoss, long Steps, double Seconds, double CharsPerSecond);

/// <summary>
/// char-rnn training: Embedding → recurrent stack → Dense over characters, truncated BPTT with the state carried
/// across chunks of each lane (<see cref="CharBatcher"/>), Adam, gradient-norm clipping, validation loss over the
/// held-out tail of the text every <see cref="CharLmSettings.EvalEvery"/> steps, and a checkpoint (weights, Adam
/// state, carried state, data position) after each validation, from which <see cref="Resume"/> continues the run
/// bit for bit. Writes nothing to the console: progress goes to an <see cref="ITrainingObserver"/>.
/// </summary>
public sealed class CharLmTrainer : IDisposable
{
    public const string Workload = "charlm";
    public const string VocabularyKey = "vocabulary";
    public const string TextFingerprintKey = "text_fingerprint";

    private readonly ShardedTrainer _trainer;
    private readonly Adam _adam;
    private readonly CharBatcher _train, _validation;
    private readonly int[] _ids, _targets;
    private readonly string _fingerprint;
    private readonly LearningRateSchedule? _schedule; // null: constant
    private RunState _run; // as of the last checkpoint (or the one resumed from), apart from _step
    private long _step;

    public CharLmSettings Settings { get; }
    public CharCorpus Corpus { get; }
    public SequenceModel Model { get; }

    /// <summary>Steps the run ends at (counted from its start).</summary>
    public long TotalSteps { get; }

    public long Step => _step;
    public int BatchesPerEpoch => _train.BatchesPerEpoch;
    public int ValidationChunks => Settings.EvalChunks == 0 ? _validation.BatchesPerEpoch : Math.Min(Settings.EvalChunks, _validation.BatchesPerEpoch);
    public RunState State => _run;

    private CharLmTrainer(CharLmSettings settings, CharCorpus corpus, SequenceModel model, Adam adam, RunState run, long? totalSteps)
    {
        Settings = settings;
        Corpus = corpus;
        Model = model;
        _adam = adam;
        _train = Batcher(corpus.Train, "training", settings);
        _validation = Batcher(corpus.Validation, "validation", settings);
        TotalSteps = totalSteps ?? settings.Steps ?? (long)(settings.Epochs ?? 1) * _train.BatchesPerEpoch;
        _ids = new int[settings.SeqLength * settings.Batch];
        _targets = new int[_ids.Length];
        _fingerprint = Fingerprint(corpus);
        _trainer = new ShardedTrainer(model, adam, settings.SeqLength, settings.Batch, settings.EffectiveShards, settings.Threads, settings.Clip);
        // Cosine over the whole run (char-rnn decays its rate too): the late low rate is worth ~0.03-0.05 nats/char.
        _schedule = settings.Schedule == "cosine" && TotalSteps <= int.MaxValue
            ? new CosineAnnealingLR(settings.LearningRate, (int)Math.Max(1, TotalSteps), settings.EffectiveMinLearningRate)
            : null;
        _run = run;
        _step = run.Step;
    }

    /// <summary>A new run on the UTF-8 text at <paramref name="textPath"/>; the vocabulary is the text's characters.</summary>
    public static CharLmTrainer Create(string textPath, CharLmSettings settings)
    {
        settings.Validate();
        CharCorpus corpus = CharCorpus.Load(textPath, settings.ValidationFraction);
        var config = new SequenceModelConfig
        {
            VocabularySize = corpus.Vocabulary.Count, OutputSize = corpus.Vocabulary.Count, EmbeddingSize = settings.Embed,
            Cell = settings.ModelCell, HiddenSize = settings.Hidden, NumLayers = settings.Layers, Dropout = settings.Dropout,
            Output = OutputMode.ManyToMany,
        };
        SequenceModel model = SequenceModel.Create(config, settings.Seed);
        var adam = new Adam(model.Parameters, settings.LearningRate);
        var run = new RunState { Seed = settings.Seed, LearningRate = settings.LearningRate };
        run.Extra[VocabularyKey] = corpus.Vocabulary.ToMetadataString();
        var trainer = new CharLmTrainer(settings, corpus, model, adam, run, null);
        settings.WriteTo(run.Extra, trainer.TotalSteps);
        run.Extra[TextFingerprintKey] = trainer._fingerprint;
        return trainer;
    }

    /// <summary>
    /// Continues the run saved in <paramref name="checkpointPath"/> on the same text. The run's definition comes from
    /// the checkpoint; only the end (<paramref name="steps"/> or <paramref name="epochs"/>, default: the saved one)
    /// and the thread count may change, neither of which changes the weights.
    /// </summary>
    public static CharLmTrainer Resume(string checkpointPath, string textPath, long? steps, int? epochs, int threads)
    {
        Checkpoint.Loaded loaded = Checkpoint.Load(checkpointPath, Workload);
        RunState run = loaded.Run;
        SequenceModelConfig config = loaded.Model.Config;
        // Runs saved before schedules existed have no base rate: they ran at a constant one.
        bool scheduled = run.Extra.ContainsKey(CharLmSettings.ScheduleKey);
        var settings = new CharLmSettings
        {
            Cell = config.Cell, Hidden = config.HiddenSize, Layers = config.NumLayers, Embed = config.EmbeddingSize,
            Dropout = config.Dropout, Seed = run.Seed, Threads = threads,
            LearningRate = scheduled ? ExtraDouble(run, CharLmSettings.BaseLearningRateKey, checkpointPath) : run.LearningRate,
            Schedule = scheduled ? Extra(run, CharLmSettings.ScheduleKey, checkpointPath) : "constant",
            MinLearningRate = scheduled ? ExtraDouble(run, CharLmSettings.MinLearningRateKey, checkpointPath) : null,
            SeqLength = ExtraInt(run, CharLmSettings.SeqKey, checkpointPath), Batch = ExtraInt(run, CharLmSettings.BatchKey, checkpointPath),
            Shards = ExtraInt(run, CharLmSettings.ShardsKey, checkpointPath), EvalEvery = ExtraInt(run, CharLmSettings.EvalEveryKey, checkpointPath),
            EvalChunks = ExtraInt(run, CharLmSettings.EvalChunksKey, checkpointPath),
            Clip = (float)ExtraDouble(run, CharLmSettings.ClipKey, checkpointPath),
            ValidationFraction = ExtraDouble(run, CharLmSettings.ValFractionKey, checkpointPath),
            Steps = steps, Epochs = epochs,
        };
        if (steps is <= 0) throw new ArgumentException($"--steps must be positive, got {steps}.");
        if (epochs is <= 0) throw new ArgumentException($"--epochs must be positive, got {epochs}.");
        if (steps is not null && epochs is not null) throw new ArgumentException("give --steps or --epochs, not both.");
        if (threads <= 0) throw new ArgumentException($"--threads must be positive, got {threads}.");
        try { settings.Validate(); }
        catch (ArgumentException e)
        {
            throw new RnnFormatException($"{checkpointPath}: the saved run settings are invalid: {e.Message}", checkpointPath, inner: e);
        }
        if (!run.Extra.TryGetValue(VocabularyKey, out string? vocabularyText))
            throw new RnnFormatException($"{checkpointPath}: no '{VocabularyKey}' in the run state; not a char model checkpoint.", checkpointPath);
        CharVocabulary vocabulary;
        try { vocabulary = CharVocabulary.FromMetadataString(vocabularyText); }
        catch (ArgumentException e) { throw new RnnFormatException($"{checkpointPath}: invalid vocabulary: {e.Message}", checkpointPath, inner: e); }
        CharCorpus corpus;
        try { corpus = CharCorpus.Load(textPath, settings.ValidationFraction, vocabulary); }
        catch (Exception e) when (e is ArgumentException or RnnFormatException)
        {
            throw new ArgumentException($"--text '{textPath}' cannot be the text the run in '{checkpointPath}' was trained on: {e.Message}", nameof(textPath), e);
        }
        if (vocabulary.Count != config.VocabularySize)
            throw new RnnFormatException($"{checkpointPath}: vocabulary has {vocabulary.Count} symbols but the model {config.VocabularySize}.", checkpointPath);
        var adam = new Adam(loaded.Model.Parameters, run.LearningRate);
        try { adam.ImportState(loaded.OptimizerState, loaded.OptimizerStep); }
        catch (ArgumentException e)
        {
            throw new RnnFormatException($"{checkpointPath}: the optimizer state (tensors '{Checkpoint.OptimizerPrefix}*') does not fit the model: {e.Message}", checkpointPath, inner: e);
        }
        long? total = null;
        if (steps is null && epochs is null && run.Extra.TryGetValue(CharLmSettings.StepsKey, out string? t))
        {
            if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long savedSteps) || savedSteps <= 0)
                throw new RnnFormatException($"{checkpointPath}: run state '{CharLmSettings.StepsKey}' is \"{t}\", not a positive whole number of steps.", checkpointPath);
            total = savedSteps;
        }
        CharLmTrainer trainer;
        // The saved batch and sequence length must fit the text's splits; the text was checked only against the vocabulary so far.
        try { trainer = new CharLmTrainer(settings, corpus, loaded.Model, adam, run, total); }
        catch (ArgumentException e) when (e.GetType() == typeof(ArgumentException))
        {
            throw new ArgumentException($"--text '{textPath}' cannot be the text the run in '{checkpointPath}' was trained on: {e.Message}", nameof(textPath), e);
        }
        if (run.Extra.TryGetValue(TextFingerprintKey, out string? saved) && saved != trainer._fingerprint)
        {
            trainer.Dispose();
            throw new ArgumentException($"--text '{textPath}' is not the text the run in '{checkpointPath}' was trained on (its fingerprint differs); resume needs the same text.");
        }
        if (trainer.Step >= trainer.TotalSteps)
        {
            long at = trainer.Step, end = trainer.TotalSteps;
            trainer.Dispose();
            throw new ArgumentException(steps is null && epochs is null
                ? $"the run in '{checkpointPath}' already ended at step {at}; give --steps (counted from the start of the run) or --epochs beyond it."
                : $"--{(steps is null ? "epochs" : "steps")} ends the run at step {end}, but '{checkpointPath}' is already at step {at}; --steps counts from the start of the run.");
        }
        if (loaded.CarriedState is null)
        {
            trainer.Dispose();
            throw new RnnFormatException($"{checkpointPath}: no carried state ('{Checkpoint.CarriedStateName}'), so the run cannot continue exactly.", checkpointPath);
        }
        trainer._trainer.ImportCarriedState(loaded.CarriedState);
        if (run.DataPosition > 0 || run.Epoch > 0) trainer._train.Seek(run.Epoch, checked((int)run.DataPosition));
        run.Extra[CharLmSettings.StepsKey] = trainer.TotalSteps.ToString(CultureInfo.InvariantCulture);
        return trainer;
    }

    /// <summary>
    /// Trains up to <see cref="TotalSteps"/>, validating and checkpointing to <paramref name="outPath"/> as it goes.
    /// When <paramref name="cancellation"/> fires, the step under way finishes, a checkpoint of that step is written
    /// and the run returns early; <see cref="Resume"/> continues it exactly.
    /// </summary>
    public CharLmSummary Train(string outPath, ITrainingObserver? observer = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        double secondsBefore = _run.Seconds;
        long sessionSteps = 0;
        long trainTicks = 0;
        double windowLoss = 0;
        int windowCount = 0;
        int T = Settings.SeqLength;
        long charsPerStep = (long)T * Settings.Batch;
        while (_step < TotalSteps)
        {
            long start = Stopwatch.GetTimestamp();
            if (_schedule is not null) _schedule.Apply(_adam, (int)_step);
            CharBatchInfo info = _train.Next(_ids, _targets);
            if (info.ResetState) _trainer.ResetState();
            StepResult result = _trainer.TrainLanguageModel(_ids, _targets, T, DeterministicRandom.StepSeed(_run.Seed, _step));
            trainTicks += Stopwatch.GetTimestamp() - start;
            sessionSteps++;
            if (double.IsFinite(result.Loss))
            {
                windowLoss += result.Loss;
                windowCount++;
            }
            long step = ++_step;
            double seconds = secondsBefore + clock.Elapsed.TotalSeconds;
            double throughput = sessionSteps * charsPerStep / Math.Max(1e-9, Stopwatch.GetElapsedTime(0, trainTicks).TotalSeconds);
            double eta = (TotalSteps - step) * clock.Elapsed.TotalSeconds / sessionSteps;
            double trainLoss = windowCount > 0 ? windowLoss / windowCount : double.NaN;
            var progress = new TrainingProgress(step, TotalSteps, _train.Epoch, trainLoss, _run.ValidationLoss, seconds, throughput, eta);
            bool evaluate = step % Settings.EvalEvery == 0 || step == TotalSteps;
            if (!evaluate) observer?.OnStep(progress); // an evaluation step is reported once, with its validation loss
            if (evaluate)
            {
                double validation = Evaluate();
                float best = float.IsNaN(_run.BestValidationLoss) ? (float)validation : Math.Min(_run.BestValidationLoss, (float)validation);
                // RunState is a record (a class): built here, not per step, so that a training step allocates nothing.
                _run = _run with
                {
                    Step = step, Epoch = _train.Epoch, DataPosition = _train.Chunk, TrainLoss = (float)trainLoss,
                    ValidationLoss = (float)validation, BestValidationLoss = best, Seconds = secondsBefore + clock.Elapsed.TotalSeconds,
                    LearningRate = _adam.LearningRate,
                };
                Checkpoint.Save(outPath, Workload, Model, _adam, _run, _trainer.ExportCarriedState());
                observer?.OnEvaluation(progress with { ValidationLoss = validation, Seconds = _run.Seconds });
                windowLoss = 0;
                windowCount = 0;
            }
            else if (cancellation.IsCancellationRequested)
            {
                _run = _run with
                {
                    Step = step, Epoch = _train.Epoch, DataPosition = _train.Chunk, TrainLoss = (float)trainLoss,
                    Seconds = secondsBefore + clock.Elapsed.TotalSeconds, LearningRate = _adam.LearningRate,
                };
                Checkpoint.Save(outPath, Workload, Model, _adam, _run, _trainer.ExportCarriedState());
            }
            if (cancellation.IsCancellationRequested) break;
        }
        if (sessionSteps == 0 && !File.Exists(outPath))
            Checkpoint.Save(outPath, Workload, Model, _adam, _run, _trainer.ExportCarriedState());
        double trainSeconds = Stopwatch.GetElapsedTime(0, trainTicks).TotalSeconds;
        double charsPerSecond = sessionSteps == 0 ? 0 : sessionSteps * charsPerStep / trainSeconds;
        return new CharLmSummary(_run.TrainLoss, _run.ValidationLoss, _run.Step, _run.Seconds, charsPerSecond);
    }

    /// <summary>Mean cross-entropy (nats per character) over the first <see cref="ValidationChunks"/> chunks of the
    /// validation split, from a zero state carried across its chunks.</summary>
    public double Evaluate()
    {
        _trainer.ResetEvaluationState();
        _validation.Seek(0, 0);
        int chunks = ValidationChunks;
        double sum = 0;
        for (int i = 0; i < chunks; i++)
        {
            _validation.Next(_ids, _targets);
            sum += _trainer.EvaluateLanguageModel(_ids, _targets, Settings.SeqLength);
        }
        return sum / chunks;
    }

    private static CharBatcher Batcher(ReadOnlyMemory<int> stream, string split, CharLmSettings s)
    {
        long needed = (long)s.Batch * s.SeqLength + 1;
        if (stream.Length < needed)
            throw new ArgumentException(
                $"the {split} split has {stream.Length} characters, too few for --batch {s.Batch} x --seq {s.SeqLength} (needs {needed}); " +
                (split == "validation" ? "raise --val-fraction, use a longer text, or lower --batch/--seq." : "use a longer text or lower --batch/--seq."));
        return new CharBatcher(stream, s.Batch, s.SeqLength);
    }

    /// <summary>FNV-1a over the text's ids: resuming on another text would silently train on different data.</summary>
    private static string Fingerprint(CharCorpus corpus)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (int id in corpus.All.Span)
        {
            hash ^= (uint)id;
            hash *= 0x100000001B3UL;
        }
        return $"{corpus.Length}:{hash:x16}";
    }

    private static string Extra(RunState run, string key, string path) =>
        run.Extra.TryGetValue(key, out string? value)
            ? value
            : throw new RnnFormatException($"{path}: the run state has no '{key}'; not a char model checkpoint of this tool.", path);

    private static int ExtraInt(RunState run, string key, string path) =>
        int.TryParse(Extra(run, key, path), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
            ? v : throw new RnnFormatException($"{path}: run state '{key}' is not an integer.", path);

    private static double ExtraDouble(RunState run, string key, string path) =>
        double.TryParse(Extra(run, key, path), NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v : throw new RnnFormatException($"{path}: run state '{key}' is not a number.", path);

    public void Dispose() => _trainer.Dispose();
}
