using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Runtime.Kernels;
using Rnn.Training.Clipping;
using Rnn.Training.Layers;
using Rnn.Training.Losses;
using Rnn.Training.Models;
using Rnn.Training.Optimizers;
using Rnn.Training.Parameters;
using Rnn.Training.Recurrent;
using Rnn.Workloads;

namespace Rnn.Tests.Training;

/// <summary>
/// A rejected call to the training API changes nothing (weights, gradients, optimizer and carried state), and the
/// exception names what was wrong; buffers that would alias into wrong numbers are refused.
/// </summary>
public class TrainingApiMisuseTests
{
    private static readonly SequenceModelConfig CharConfig = new()
    {
        VocabularySize = 11, EmbeddingSize = 8, Cell = "lstm", HiddenSize = 16, NumLayers = 1, OutputSize = 11,
    };

    private static (int[] Ids, int[] Targets) Chunk(int T, int B)
    {
        var ids = new int[T * B];
        var targets = new int[T * B];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = (i * 3) % 11;
            targets[i] = (i * 3 + 1) % 11;
        }
        return (ids, targets);
    }

    [Fact]
    public void ABadTargetInOneShardIsRefusedBeforeAnyShardRuns()
    {
        SequenceModel model = SequenceModel.Create(CharConfig, seed: 3), twin = SequenceModel.Create(CharConfig, seed: 3);
        using var trainer = new ShardedTrainer(model, new Adam(model.Parameters, 1e-2), 4, 8, 2, 2, 5f);
        using var reference = new ShardedTrainer(twin, new Adam(twin.Parameters, 1e-2), 4, 8, 2, 2, 5f);
        var (ids, targets) = Chunk(4, 8);
        trainer.TrainLanguageModel(ids, targets, 4, 1);
        reference.TrainLanguageModel(ids, targets, 4, 1);

        int[] bad = (int[])targets.Clone();
        bad[31] = 16; // lane 7: the second shard
        Assert.Contains("targets[31] = 16", Assert.Throws<ArgumentOutOfRangeException>(() => trainer.TrainLanguageModel(ids, bad, 4, 2)).Message);
        int[] badIds = (int[])ids.Clone();
        badIds[30] = -1;
        Assert.Contains("ids[30] = -1", Assert.Throws<ArgumentOutOfRangeException>(() => trainer.TrainLanguageModel(badIds, targets, 4, 2)).Message);

        Assert.Equal(reference.ExportCarriedState(), trainer.ExportCarriedState());
        StepResult next = trainer.TrainLanguageModel(ids, targets, 4, 2), expected = reference.TrainLanguageModel(ids, targets, 4, 2);
        Assert.Equal(expected, next);
        for (int i = 0; i < model.Parameters.Count; i++) Assert.Equal(twin.Parameters[i].Value, model.Parameters[i].Value);
    }

    [Fact]
    public void AShardedTrainerChecksItsConstructionAndItsModelsKind()
    {
        SequenceModel model = SequenceModel.Create(CharConfig, seed: 3), other = SequenceModel.Create(CharConfig, seed: 4);
        Assert.Equal("optimizer", Assert.Throws<ArgumentException>(() => new ShardedTrainer(model, new Adam(other.Parameters, 1e-2), 4, 8, 2, 2, 5f)).ParamName);
        Assert.Equal("clipNorm", Assert.Throws<ArgumentOutOfRangeException>(() => new ShardedTrainer(model, new Adam(model.Parameters, 1e-2), 4, 8, 2, 2, float.NaN)).ParamName);
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() => new ShardedTrainer(model, new Adam(model.Parameters, 1e-2), 4, 8, 2, 0, 5f)).ParamName);

        using var trainer = new ShardedTrainer(model, new Adam(model.Parameters, 1e-2), 4, 8, 2, 2, 5f);
        Assert.Contains("binary classifier", Assert.Throws<InvalidOperationException>(() => trainer.TrainClassifier(new int[32], new float[8], 4, 1)).Message);
    }

    [Fact]
    public void ADisposedShardedTrainerSaysSoAndDisposingTwiceIsHarmless()
    {
        SequenceModel model = SequenceModel.Create(CharConfig, seed: 3);
        var trainer = new ShardedTrainer(model, new Adam(model.Parameters, 1e-2), 4, 8, 2, 2, 5f);
        trainer.Dispose();
        trainer.Dispose();
        var (ids, targets) = Chunk(4, 8);
        Assert.Equal(typeof(ShardedTrainer).FullName, Assert.Throws<ObjectDisposedException>(() => trainer.TrainLanguageModel(ids, targets, 4, 1)).ObjectName);
        Assert.Throws<ObjectDisposedException>(() => trainer.ExportCarriedState());
    }

    [Fact]
    public void BackwardRefusesOutputsThatAliasItsIncomingGradients()
    {
        var arch = new RnnArchitecture(CellKind.Gru, 8, 4, 1, true, true, "");
        using var trainer = new RecurrentStackTrainer(arch, 5, 1, KernelPaths.Default, initSeed: 2);
        float[] x = new float[5 * 8], y = new float[5 * 8];
        trainer.Forward(x, y, 5, 1);
        float[] shared = new float[5 * 8];
        Assert.Equal("dx", Assert.Throws<ArgumentException>(() => trainer.Backward(shared, dx: shared)).ParamName);
    }

    [Fact]
    public void LoadingTensorsWithABadOneLeavesEveryParameterAsItWas()
    {
        var arch = new RnnArchitecture(CellKind.Lstm, 3, 4, 1, false, true, "");
        using var trainer = new RecurrentStackTrainer(arch, 5, 1, KernelPaths.Default, initSeed: 2);
        float[][] before = new float[trainer.Parameters.Count][];
        for (int i = 0; i < before.Length; i++) before[i] = (float[])trainer.Parameters[i].Value.Clone();
        TensorDictionary source = RnnModel.RandomStateDict(CellKind.Lstm, 3, 4, seed: 9);
        source["bias_hh_l0"][2] = float.NaN;
        Assert.Throws<RnnFormatException>(() => trainer.LoadFrom(source));
        for (int i = 0; i < before.Length; i++) Assert.Equal(before[i], trainer.Parameters[i].Value);

        SequenceModel model = SequenceModel.Create(CharConfig, seed: 3);
        float[] embedding = (float[])model.Parameters[0].Value.Clone();
        TensorDictionary dict = SequenceModel.Create(CharConfig, seed: 4).ToStateDict();
        var withoutBias = new TensorDictionary();
        foreach (string name in dict.Names)
            if (name != "fc.bias") withoutBias.Add(name, dict.GetShape(name), dict[name]);
        Assert.Throws<RnnFormatException>(() => model.LoadValues(withoutBias));
        Assert.Equal(embedding, model.Parameters[0].Value);
    }

    [Fact]
    public void LayerTrainersCheckEverythingBeforeAccumulating()
    {
        var dense = new DenseTrainer("fc.", 4, 2, KernelPaths.Default);
        Assert.Equal("dx", Assert.Throws<ArgumentException>(() => dense.Backward(new float[8], new float[4], new float[7], 2)).ParamName);
        Assert.All(dense.Weight.Grad, g => Assert.Equal(0f, g));
        Assert.All(dense.Bias.Grad, g => Assert.Equal(0f, g));
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => dense.Forward(new float[8], new float[3], 2)).ParamName);

        var embedding = new EmbeddingTrainer("embedding.", 5, 2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => embedding.Backward([1, 9], new float[4] { 1, 1, 1, 1 }));
        Assert.Contains("ids[1] = 9", e.Message);
        Assert.All(embedding.Weight.Grad, g => Assert.Equal(0f, g));
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => embedding.Forward([1, 2], new float[3])).ParamName);
    }

    [Fact]
    public void CrossEntropyRefusesAGradientThatAliasesTheLogits()
    {
        float[] logits = [0.5f, -1, 2, 0.1f, 0.3f, -0.2f];
        Assert.Equal("logitsGradient", Assert.Throws<ArgumentException>(() =>
            SoftmaxCrossEntropyLoss.ForwardBackward(logits, [2, 0], 3, logits)).ParamName);
    }

    [Fact]
    public void ANormPastTheFloatRangeLeavesFiniteGradientsUntouched()
    {
        var p = new Parameter("w", [100]);
        Array.Fill(p.Grad, 3e38f);
        float norm = GradientClipping.ClipGradNorm([p], 1f);
        Assert.Equal(float.PositiveInfinity, norm);
        Assert.All(p.Grad, g => Assert.Equal(3e38f, g));
    }

    [Fact]
    public void ASamplerTakesTheArgmaxForASubnormalTemperatureAndRefusesUseAfterDispose()
    {
        SequenceModel model = SequenceModel.Create(CharConfig, seed: 7); // a seed whose greedy run changes symbol
        using var inference = model.ToInference();
        var greedy = new CharSampler(inference, 1, temperature: 0f);
        var tiny = new CharSampler(inference, 1, temperature: 1e-40f);
        greedy.Feed(4);
        tiny.Feed(4);
        // Twenty characters, each fed back: one draw could match the argmax by chance, a whole run cannot.
        var fromGreedy = new int[20];
        var fromTiny = new int[20];
        for (int i = 0; i < 20; i++) (fromGreedy[i], fromTiny[i]) = (greedy.Next(), tiny.Next());
        Assert.Equal(fromGreedy, fromTiny);
        Assert.True(fromGreedy.Distinct().Count() > 1, "the greedy run should not repeat one symbol");
        tiny.Dispose();
        Assert.Throws<ObjectDisposedException>(() => tiny.Sample());
        greedy.Dispose();
    }
}
