using System.Diagnostics;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Training.Checkpoints;
using Rnn.Workloads.Data;
using Rnn.Training.Models;
using Rnn.Training.Optimizers;
using Rnn.Training.Random;

namespace Rnn.Workloads;

/// <summary>
/// IMDB sentiment training (Keras imdb_lstm): the train split, shuffled with the seed and optionally cut to
/// <see cref="ImdbSettings.Limit"/> reviews, is visited each epoch in a seeded permutation in batches of whole reviews
/// (the last partial batch is left out, a different one each epoch); after each epoch the test split is scored and a
/// checkpoint written with the tokenisation settings. Writes nothing to the console.
/// </summary>
public sealed class ImdbTrainer : IDisposable
{
    public const string Workload = "imdb";

    private readonly ShardedTrainer _trainer;
    private readonly Adam _adam;
    private readonly ImdbWordIndex _wordIndex;
    private readonly int[] _ids, _order;
    private readonly float[] _labels;

    public ImdbSettings Settings { get; }
    public ImdbDataset Train { get; }
    public ImdbDataset Test { get; }
    public SequenceModel Model { get; }

    /// <summary>Reviews used from each split (after <see cref="ImdbSettings.Limit"/>).</summary>
    public int TrainCount { get; }
    public int TestCount { get; }
    public int StepsPerEpoch => TrainCount / Settings.Batch;

    private ImdbTrainer(ImdbSettings settings, ImdbWordIndex wordIndex, ImdbDataset train, ImdbDataset test)
    {
        Settings = settings;
        _wordIndex = wordIndex;
        Train = train;
        Test = test;
        TrainCount = settings.Limit > 0 ? Math.Min(settings.Limit, train.Count) : train.Count;
        TestCount = settings.Limit > 0 ? Math.Min(settings.Limit, test.Count) : test.Count;
        if (TrainCount < settings.Batch)
            throw new ArgumentException($"the train split has {TrainCount} reviews (after --limit), fewer than one batch of {settings.Batch}.");
        if (TestCount == 0) throw new ArgumentException($"the test split in '{test.Source.Path}' has no reviews.");
        var config = new SequenceModelConfig
        {
            VocabularySize = settings.VocabularySize, EmbeddingSize = settings.Embed, Cell = "lstm", HiddenSize = settings.Hidden,
            NumLayers = 1, OutputSize = 1, Output = OutputMode.ManyToOne, InputDropout = settings.Dropout,
            RecurrentDropout = settings.RecurrentDropout,
        };
        Model = SequenceModel.Create(config, settings.Seed);
        _adam = new Adam(Model.Parameters, settings.LearningRate);
        _trainer = new ShardedTrainer(Model, _adam, settings.MaxLength, settings.Batch, settings.EffectiveShards, settings.Threads, settings.Clip);
        _ids = new int[settings.Batch * settings.MaxLength];
        _labels = new float[settings.Batch];
        _order = new int[TrainCount];
    }

    /// <summary>Reads both splits from <paramref name="dataDirectory"/> (see <see cref="ImdbSource.Locate"/>) with the
    /// word index beside them.</summary>
    public static ImdbTrainer Load(string dataDirectory, ImdbSettings settings)
    {
        settings.Validate();
        if (!Directory.Exists(dataDirectory)) throw new DirectoryNotFoundException($"--data: IMDB data directory '{dataDirectory}' does not exist.");
        ImdbSource source = ImdbSource.Locate(dataDirectory, ImdbSplit.Train);
        if (source.WordIndexPath is null)
            throw new RnnFormatException($"--data: no {ImdbSource.WordIndexFileName} in '{dataDirectory}'.", dataDirectory);
        ImdbWordIndex index = ImdbWordIndex.Load(source.WordIndexPath);
        var options = new ImdbLoadOptions { VocabularySize = settings.VocabularySize, MaxLength = settings.MaxLength, WordIndex = index };
        ImdbDataset train = ImdbDataset.Load(dataDirectory, ImdbSplit.Train, options);
        ImdbDataset test = ImdbDataset.Load(dataDirectory, ImdbSplit.Test, options);
        // Canonical order is negatives then positives: shuffle before --limit takes the first N.
        train.Shuffle(settings.Seed);
        test.Shuffle(settings.Seed + 1);
        return new ImdbTrainer(settings, index, train, test);
    }

    public ImdbSummary Run(string outPath, ITrainingObserver? observer = null, Action<ImdbEpochReport>? onEpoch = null)
    {
        ImdbSettings s = Settings;
        var clock = Stopwatch.StartNew();
        long step = 0, total = (long)StepsPerEpoch * s.Epochs;
        double lastTrainLoss = double.NaN, lastTrainAccuracy = double.NaN, examplesPerSecond = 0;
        ImdbMetrics test = default;
        long trainTicks = 0;
        for (int epoch = 0; epoch < s.Epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            long epochTicks = 0;
            for (int i = 0; i < _order.Length; i++) _order[i] = i;
            new DeterministicRandom(s.Seed).Fork((ulong)epoch + 1).Shuffle(_order.AsSpan());
            double lossSum = 0;
            int correct = 0, seen = 0;
            for (int b = 0; b < StepsPerEpoch; b++)
            {
                long start = Stopwatch.GetTimestamp();
                for (int r = 0; r < s.Batch; r++)
                {
                    int row = _order[b * s.Batch + r];
                    Train.GetRow(row).CopyTo(_ids.AsSpan(r * s.MaxLength, s.MaxLength));
                    _labels[r] = Train.Labels[row];
                }
                StepResult result = _trainer.TrainClassifier(_ids, _labels, s.MaxLength, DeterministicRandom.StepSeed(s.Seed, step));
                long ticks = Stopwatch.GetTimestamp() - start;
                trainTicks += ticks;
                epochTicks += ticks;
                step++;
                lossSum += result.Loss;
                ReadOnlySpan<float> logits = _trainer.ClassifierLogits;
                for (int r = 0; r < s.Batch; r++) if (logits[r] > 0 == _labels[r] > 0.5f) correct++;
                seen += s.Batch;
                double throughput = step * (double)s.Batch / Stopwatch.GetElapsedTime(0, trainTicks).TotalSeconds;
                observer?.OnStep(new TrainingProgress(step, total, epoch, lossSum / (b + 1), double.NaN, clock.Elapsed.TotalSeconds,
                    throughput, (total - step) * clock.Elapsed.TotalSeconds / step));
            }
            lastTrainLoss = lossSum / StepsPerEpoch;
            lastTrainAccuracy = (double)correct / seen;
            examplesPerSecond = seen / Stopwatch.GetElapsedTime(0, epochTicks).TotalSeconds;
            test = Evaluate(Test, TestCount);
            var run = new RunState
            {
                Step = step, Epoch = epoch + 1, Seed = s.Seed, LearningRate = _adam.LearningRate, TrainLoss = (float)lastTrainLoss,
                ValidationLoss = (float)test.Loss, Seconds = clock.Elapsed.TotalSeconds,
            };
            ImdbTokenization.Write(run.Extra, _wordIndex, s.VocabularySize, s.MaxLength);
            run.Extra["test_accuracy"] = test.Accuracy.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            Checkpoint.Save(outPath, Workload, Model, _adam, run);
            onEpoch?.Invoke(new ImdbEpochReport(epoch + 1, lastTrainLoss, lastTrainAccuracy, test, epochClock.Elapsed.TotalSeconds, examplesPerSecond));
        }
        return new ImdbSummary(s.Epochs, step, lastTrainLoss, lastTrainAccuracy, test, clock.Elapsed.TotalSeconds, examplesPerSecond);
    }

    /// <summary>Scores the first <paramref name="count"/> rows of <paramref name="data"/> with the current weights (no dropout).</summary>
    public ImdbMetrics Evaluate(ImdbDataset data, int count)
    {
        ArgumentNullException.ThrowIfNull(data);
        int B = Settings.Batch, T = Settings.MaxLength;
        if (data.MaxLength != T || data.VocabularySize > Settings.VocabularySize)
            throw new ArgumentException($"The data set was loaded with maxlen {data.MaxLength} and vocabulary {data.VocabularySize}; this model reads maxlen {T} over {Settings.VocabularySize} word ids.", nameof(data));
        if (count < 0 || count > data.Count) throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be 0..{data.Count} (the data set's rows).");
        var buffer = new float[B];
        var tally = new ImdbMetricsTally();
        for (int first = 0; first < count; first += B)
        {
            int n = Math.Min(B, count - first);
            for (int r = 0; r < B; r++)
            {
                // A partial last batch is padded with copies of its first row; their logits are not counted.
                int row = first + (r < n ? r : 0);
                data.GetRow(row).CopyTo(_ids.AsSpan(r * T, T));
                _labels[r] = data.Labels[row];
            }
            _trainer.EvaluateClassifier(_ids, _labels, T, buffer);
            tally.Add(buffer.AsSpan(0, n), _labels.AsSpan(0, n));
        }
        return tally.Result();
    }

    public void Dispose() => _trainer.Dispose();
}
