using Rnn.Benchmarks.Infrastructure;
using Rnn.Training.Models;
using Rnn.Training.Optimizers;

namespace Rnn.Benchmarks.Ours;

/// <summary>Our char-rnn training step: <see cref="ShardedTrainer"/> with one shard per thread, Adam, clipping.</summary>
internal sealed class OurTrainingRunner : ITrainingRunner
{
    private readonly CharRnnWorkload _work;
    private readonly ShardedTrainer _trainer;
    private int _next;

    public OurTrainingRunner(CharRnnWorkload work, int threads)
    {
        _work = work;
        SequenceModel model = SequenceModel.FromTensors(CharRnnWorkload.Config, work.InitialWeights);
        var adam = new Adam(model.Parameters, learningRate: CharRnnWorkload.LearningRate);
        _trainer = new ShardedTrainer(model, adam, CharRnnWorkload.Steps, CharRnnWorkload.Batch,
            shards: threads, threads: threads, clipNorm: CharRnnWorkload.ClipNorm);
    }

    public double Step()
    {
        int i = _next;
        _next = (_next + 1) % _work.Ids.Length;
        return _trainer.TrainLanguageModel(_work.Ids[i], _work.Targets[i], CharRnnWorkload.Steps, dropoutSeed: 0).Loss;
    }

    public void Dispose() => _trainer.Dispose();
}
