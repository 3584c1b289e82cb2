using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Training.Checkpoints;
using Rnn.Training.Parameters;
using Rnn.Workloads;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Workloads;

[Collection(AllocationCollection.Name)]
public class CharLmTrainerTests
{
    private static readonly CharLmSettings Small = new()
    {
        Hidden = 16, Layers = 2, Embed = 8, SeqLength = 8, Batch = 4, Shards = 2, Threads = 2, LearningRate = 1e-2,
        Dropout = 0.1f, ValidationFraction = 0.2, EvalEvery = 7, Seed = 9, Schedule = "constant",
    };

    private static string WriteText(TempDirectory tmp, string text, string name = "text.txt")
    {
        string path = tmp.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void TrainingReducesTheValidationLoss()
    {
        using var tmp = new TempDirectory();
        string text = WriteText(tmp, WorkloadFixtures.GrammarText(400));
        var settings = Small with { Hidden = 32, Layers = 1, Dropout = 0, SeqLength = 16, Batch = 8, Steps = 150, EvalEvery = 150, ValidationFraction = 0.1 };
        using CharLmTrainer trainer = CharLmTrainer.Create(text, settings);
        double before = trainer.Evaluate();
        CharLmSummary summary = trainer.Train(tmp.File("model.safetensors"));
        Assert.Equal(150, summary.Steps);
        Assert.True(before > 2.5, $"an untrained model should be near ln(V) = {Math.Log(trainer.Corpus.Vocabulary.Count):F2}, got {before:F3}");
        Assert.True(summary.ValidationLoss < before - 1.0, $"validation loss went from {before:F3} to {summary.ValidationLoss:F3}");
        Assert.True(summary.CharsPerSecond > 0);

        Checkpoint.Loaded saved = Checkpoint.Load(tmp.File("model.safetensors"), CharLmTrainer.Workload);
        Assert.Equal(150, saved.Run.Step);
        Assert.Equal((float)summary.ValidationLoss, saved.Run.ValidationLoss);
        Assert.Equal(trainer.Corpus.Vocabulary.ToMetadataString(), saved.Run.Extra[CharLmTrainer.VocabularyKey]);
    }

    [Fact]
    public void AStoppedCosineRunResumesToTheWeightsOfAnUninterruptedOne()
    {
        using var tmp = new TempDirectory();
        string text = WriteText(tmp, WorkloadFixtures.GrammarText(200)[..600]);
        var settings = Small with { Steps = 20, Schedule = "cosine", MinLearningRate = 1e-3 };
        float[] uninterrupted;
        double finalRate;
        using (CharLmTrainer straight = CharLmTrainer.Create(text, settings))
        {
            straight.Train(tmp.File("straight.safetensors"));
            uninterrupted = Values(straight.Model.Parameters);
            finalRate = straight.State.LearningRate;
        }
        // The rate in force at the last step (19 of T_max 20) is near eta_min: the schedule really ran.
        Assert.Equal(1e-3 + (1e-2 - 1e-3) * (1 + Math.Cos(Math.PI * 19 / 20)) / 2, finalRate, 12);

        string path = tmp.File("stopped.safetensors");
        using var stop = new CancellationTokenSource();
        using (CharLmTrainer first = CharLmTrainer.Create(text, settings))
        {
            // Step 9 is not an evaluation step (every 7), so this checks the checkpoint written on cancellation.
            CharLmSummary stopped = first.Train(path, new StopAt(9, stop), stop.Token);
            Assert.Equal(9, stopped.Steps);
        }
        using (CharLmTrainer second = CharLmTrainer.Resume(path, text, steps: null, epochs: null, threads: 1))
        {
            Assert.Equal(9, second.Step);
            Assert.Equal(20, second.TotalSteps);
            second.Train(path);
            Assert.Equal(uninterrupted, Values(second.Model.Parameters));
        }
    }

    private sealed class StopAt(long step, CancellationTokenSource source) : ITrainingObserver
    {
        public void OnStep(in TrainingProgress progress)
        {
            if (progress.Step == step) source.Cancel();
        }

        public void OnEvaluation(in TrainingProgress progress) => OnStep(progress);
    }

    [Fact]
    public void ResumingTwiceGivesTheWeightsOfAnUninterruptedRun()
    {
        // 600 chars, 20% validation: 14 chunks per epoch, so the run crosses an epoch boundary and the second resume
        // starts exactly on one (step 14). Each resume moves the end of the run, so the rate is constant here (a
        // cosine schedule spans the run's total steps).
        using var tmp = new TempDirectory();
        string text = WriteText(tmp, WorkloadFixtures.GrammarText(200)[..600]);
        float[] uninterrupted;
        using (CharLmTrainer straight = CharLmTrainer.Create(text, Small with { Steps = 21 }))
        {
            Assert.Equal(14, straight.BatchesPerEpoch);
            straight.Train(tmp.File("straight.safetensors"));
            uninterrupted = Values(straight.Model.Parameters);
        }

        string path = tmp.File("resumed.safetensors");
        using (CharLmTrainer first = CharLmTrainer.Create(text, Small with { Steps = 7 })) first.Train(path);
        using (CharLmTrainer second = CharLmTrainer.Resume(path, text, steps: 14, epochs: null, threads: 1))
        {
            Assert.Equal(7, second.Step);
            second.Train(path);
        }
        using (CharLmTrainer third = CharLmTrainer.Resume(path, text, steps: 21, epochs: null, threads: 2))
        {
            Assert.Equal(1, third.State.Epoch);
            Assert.Equal(0, third.State.DataPosition);
            CharLmSummary summary = third.Train(path);
            Assert.Equal(21, summary.Steps);
            Assert.Equal(uninterrupted, Values(third.Model.Parameters));
        }
        Assert.Equal(uninterrupted, Values(Checkpoint.Load(path).Model.Parameters));
    }

    [Fact]
    public void ResumeRefusesAnotherText()
    {
        using var tmp = new TempDirectory();
        string text = WriteText(tmp, WorkloadFixtures.GrammarText(200)[..600]);
        string other = WriteText(tmp, WorkloadFixtures.GrammarText(200, seed: 4)[..600], "other.txt");
        string path = tmp.File("model.safetensors");
        using (CharLmTrainer first = CharLmTrainer.Create(text, Small with { Steps = 7 })) first.Train(path);
        var e = Assert.ThrowsAny<Exception>(() => CharLmTrainer.Resume(path, other, 14, null, 1));
        Assert.True(e is ArgumentException or RnnFormatException, e.ToString());
        Assert.Contains("other.txt", e.Message);
    }

    [Fact]
    public void BadSettingsNameTheOption()
    {
        Assert.Contains("--seq", Assert.Throws<ArgumentException>(() => (Small with { SeqLength = 0 }).Validate()).Message);
        Assert.Contains("--shards", Assert.Throws<ArgumentException>(() => (Small with { Batch = 6, Shards = 4 }).Validate()).Message);
        Assert.Contains("--val-fraction", Assert.Throws<ArgumentException>(() => (Small with { ValidationFraction = 1 }).Validate()).Message);
        Assert.Contains("--val-fraction", Assert.Throws<ArgumentException>(() => (Small with { ValidationFraction = 0 }).Validate()).Message);
        Assert.Contains("--cell", Assert.Throws<ArgumentException>(() => (Small with { Cell = "transformer" }).Validate()).Message);
        Assert.Contains("not both", Assert.Throws<ArgumentException>(() => (Small with { Steps = 3, Epochs = 1 }).Validate()).Message);
        Assert.Contains("--lr-schedule", Assert.Throws<ArgumentException>(() => (Small with { Schedule = "linear" }).Validate()).Message);
        Assert.Contains("--lr-min", Assert.Throws<ArgumentException>(() => (Small with { MinLearningRate = 1 }).Validate()).Message);
    }

    [Fact]
    public void AValidationSplitTooShortForOneChunkIsReported()
    {
        using var tmp = new TempDirectory();
        string text = WriteText(tmp, WorkloadFixtures.GrammarText(200)[..600]);
        var e = Assert.Throws<ArgumentException>(() => CharLmTrainer.Create(text, Small with { ValidationFraction = 0.02 }));
        Assert.Contains("validation split", e.Message);
    }

    [Fact]
    public void ATrainingStepAllocatesNothingOnceWarm()
    {
        using var tmp = new TempDirectory();
        string text = WriteText(tmp, WorkloadFixtures.GrammarText(400));
        // One thread: both shards run on this thread, where GetAllocatedBytesForCurrentThread sees every allocation.
        var settings = Small with { Steps = 40, EvalEvery = 40, ValidationFraction = 0.1, Threads = 1 };
        using CharLmTrainer trainer = CharLmTrainer.Create(text, settings);
        var observer = new AllocationProbe(40);
        trainer.Train(tmp.File("model.safetensors"), observer);
        // Steps 10..39 are plain training steps (no evaluation, no checkpoint) on the observer's thread.
        Assert.True(observer.BytesAt[10] > 0 && observer.BytesAt[39] > 0, "the observer saw every step");
        // The least of three windows of steps, as in AllocatedBytes: a window can be charged the runtime's own bytes once.
        long least = Math.Min(observer.BytesAt[20] - observer.BytesAt[10], observer.BytesAt[30] - observer.BytesAt[20]);
        Assert.Equal(0, Math.Min(least, observer.BytesAt[39] - observer.BytesAt[30]));
    }

    private sealed class AllocationProbe(int steps) : ITrainingObserver
    {
        public readonly long[] BytesAt = new long[steps + 1];

        public void OnStep(in TrainingProgress progress) => BytesAt[progress.Step] = GC.GetAllocatedBytesForCurrentThread();

        public void OnEvaluation(in TrainingProgress progress) { }
    }

    internal static float[] Values(ParameterSet parameters)
    {
        var all = new List<float>();
        foreach (Parameter p in parameters) all.AddRange(p.Value);
        return [.. all];
    }
}
