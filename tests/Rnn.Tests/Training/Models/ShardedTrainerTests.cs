using Rnn.Training.Checkpoints;
using Rnn.Training.Models;
using Rnn.Training.Optimizers;
using Rnn.Training.Parameters;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Training.Models;

[Collection(AllocationCollection.Name)]
public class ShardedTrainerTests
{
    private static readonly SequenceModelConfig CharConfig = new()
    {
        VocabularySize = 11, EmbeddingSize = 8, Cell = "lstm", HiddenSize = 16, NumLayers = 2, OutputSize = 11, Dropout = 0.1f,
    };

    private static (int[] Ids, int[] Targets) Chunk(int step, int T, int B)
    {
        // A learnable pattern: next = (current + 1) mod 11 along each lane, lanes offset.
        var ids = new int[T * B];
        var targets = new int[T * B];
        for (int t = 0; t < T; t++)
            for (int b = 0; b < B; b++)
            {
                int v = (step * T + t + 3 * b) % 11;
                ids[t * B + b] = v;
                targets[t * B + b] = (v + 1) % 11;
            }
        return (ids, targets);
    }

    private static float[] Train(int threads, int steps, SequenceModel? start = null, Action<ShardedTrainer, int>? after = null)
    {
        SequenceModel model = start ?? SequenceModel.Create(CharConfig, seed: 5);
        var adam = new Adam(model.Parameters, learningRate: 1e-2);
        using var trainer = new ShardedTrainer(model, adam, maxSteps: 6, batch: 4, shards: 2, threads: threads, clipNorm: 5f);
        for (int s = 0; s < steps; s++)
        {
            var (ids, targets) = Chunk(s, 6, 4);
            trainer.TrainLanguageModel(ids, targets, 6, dropoutSeed: (ulong)s);
            after?.Invoke(trainer, s);
        }
        var all = new List<float>();
        foreach (Parameter p in model.Parameters) all.AddRange(p.Value);
        return [.. all];
    }

    [Fact]
    public void SameSeedGivesIdenticalWeightsWithOneAndTwoThreads()
    {
        float[] one = Train(threads: 1, steps: 5);
        float[] two = Train(threads: 2, steps: 5);
        Assert.Equal(one, two);
    }

    [Fact]
    public void LossFallsOnALearnablePattern()
    {
        SequenceModel model = SequenceModel.Create(CharConfig with { Dropout = 0 }, seed: 1);
        var adam = new Adam(model.Parameters, learningRate: 1e-2);
        using var trainer = new ShardedTrainer(model, adam, 6, 4, 2, 2, 5f);
        double first = 0, last = 0;
        for (int s = 0; s < 150; s++)
        {
            var (ids, targets) = Chunk(s, 6, 4);
            double loss = trainer.TrainLanguageModel(ids, targets, 6, (ulong)s).Loss;
            if (s == 0) first = loss;
            last = loss;
        }
        Assert.True(first > 2.0, $"first loss {first}");
        Assert.True(last < 0.5, $"loss went from {first} to {last}");
    }

    [Fact]
    public void TrainingStepAllocatesNothingOnceWarm()
    {
        SequenceModel model = SequenceModel.Create(CharConfig, seed: 2);
        var adam = new Adam(model.Parameters);
        using var trainer = new ShardedTrainer(model, adam, 6, 4, 2, 1, 5f);
        var (ids, targets) = Chunk(0, 6, 4);
        for (int s = 0; s < 3; s++) trainer.TrainLanguageModel(ids, targets, 6, 1);
        ulong step = 0;
        Assert.Equal(0, AllocatedBytes.Least(() => { for (int s = 0; s < 20; s++) trainer.TrainLanguageModel(ids, targets, 6, step++); }));
    }

    /// <summary>With two threads, the second shard runs on a worker thread, which this thread's counter does not see:
    /// the process's count.</summary>
    [Fact]
    public void TrainingStepOnTwoThreadsAllocatesNothingOnceWarm()
    {
        SequenceModel model = SequenceModel.Create(CharConfig, seed: 2);
        var adam = new Adam(model.Parameters);
        using var trainer = new ShardedTrainer(model, adam, 6, 4, 2, 2, 5f);
        Assert.Equal(2, trainer.Threads);
        var (ids, targets) = Chunk(0, 6, 4);
        for (int s = 0; s < 3; s++) trainer.TrainLanguageModel(ids, targets, 6, 1);
        ulong step = 0;
        Assert.Equal(0, AllocatedBytes.LeastInProcess(() => { for (int s = 0; s < 20; s++) trainer.TrainLanguageModel(ids, targets, 6, step++); }));
    }

    [Fact]
    public void ResumingFromACheckpointEqualsAnUninterruptedRun()
    {
        float[] uninterrupted = Train(threads: 1, steps: 6);

        using var tmp = new TempDirectory();
        string path = tmp.File("run.safetensors");
        SequenceModel model = SequenceModel.Create(CharConfig, seed: 5);
        var adam = new Adam(model.Parameters, learningRate: 1e-2);
        float[] carried;
        using (var trainer = new ShardedTrainer(model, adam, 6, 4, 2, 1, 5f))
        {
            for (int s = 0; s < 3; s++)
            {
                var (ids, targets) = Chunk(s, 6, 4);
                trainer.TrainLanguageModel(ids, targets, 6, (ulong)s);
            }
            carried = trainer.ExportCarriedState();
        }
        Checkpoint.Save(path, "test", model, adam, new RunState { Step = 3 }, carried);
        Checkpoint.Loaded loaded = Checkpoint.Load(path, "test");
        var adam2 = new Adam(loaded.Model.Parameters, learningRate: 1e-2);
        adam2.ImportState(loaded.OptimizerState, loaded.OptimizerStep);
        using (var trainer = new ShardedTrainer(loaded.Model, adam2, 6, 4, 2, 1, 5f))
        {
            trainer.ImportCarriedState(loaded.CarriedState);
            for (int s = 3; s < 6; s++)
            {
                var (ids, targets) = Chunk(s, 6, 4);
                trainer.TrainLanguageModel(ids, targets, 6, (ulong)s);
            }
        }
        var resumed = new List<float>();
        foreach (Parameter p in loaded.Model.Parameters) resumed.AddRange(p.Value);
        Assert.Equal(uninterrupted, resumed.ToArray());
    }
}
