using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Training.Models;
using Rnn.Training.Optimizers;

namespace Rnn.Cli.Commands.Bench;

/// <summary>Fills a buffer with U(-1, 1) from a fixed seed, so every run feeds the same numbers.</summary>
internal static class SuiteData
{
    public static float[] Uniform(int length, int seed)
    {
        var rng = new Random(seed);
        var data = new float[length];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return data;
    }
}

/// <summary>A streaming step of random-weight model (seed 0): state carried from step to step, as a caller's stream.</summary>
internal sealed class StepOperation : IBenchOperation
{
    private readonly RnnModel _model;
    private readonly RnnStream _stream;
    private readonly float[] _x, _y;

    public StepOperation(SuiteWorkload w)
    {
        _model = RnnModel.CreateRandom(w.Cell, w.InputSize, w.Hidden, w.Layers);
        _stream = _model.CreateStream(w.Batch, w.Precision);
        _x = SuiteData.Uniform(w.Batch * w.InputSize, seed: 1);
        _y = new float[w.Batch * w.Hidden];
    }

    public KernelPath KernelPath => _model.KernelPath;

    public void Run() => _stream.Step(_x, _y);

    public void Dispose()
    {
        _stream.Dispose();
        _model.Dispose();
    }
}

/// <summary>A whole sequence, (T, B, I) → (T, B, H), from zero state every run.</summary>
internal sealed class SequenceOperation : IBenchOperation
{
    private readonly RnnModel _model;
    private readonly RnnSession _session;
    private readonly float[] _x, _y;
    private readonly int _steps, _batch;

    public SequenceOperation(SuiteWorkload w)
    {
        _model = RnnModel.CreateRandom(w.Cell, w.InputSize, w.Hidden, w.Layers);
        _session = _model.CreateSession(w.SequenceLength, w.Batch, w.Precision);
        _steps = w.SequenceLength;
        _batch = w.Batch;
        _x = SuiteData.Uniform(w.SequenceLength * w.Batch * w.InputSize, seed: 1);
        _y = new float[w.SequenceLength * w.Batch * w.Hidden];
    }

    public KernelPath KernelPath => _model.KernelPath;

    public void Run() => _session.Run(_x, _y, _steps, _batch);

    public void Dispose()
    {
        _session.Dispose();
        _model.Dispose();
    }
}

/// <summary>
/// The char-rnn training step of peers.md: Embedding(65, input) → LSTM layers → Linear(65), truncated BPTT over
/// (T, B) chunks of random character ids, cross-entropy, clipping at 5 and Adam (lr 2e-3), on one shard and one
/// thread so that the figure does not depend on how busy the other cores are.
/// </summary>
internal sealed class TrainOperation : IBenchOperation
{
    private const int Vocabulary = 65; // Tiny Shakespeare's alphabet
    private const int Chunks = 4;
    private readonly ShardedTrainer _trainer;
    private readonly int[][] _ids = new int[Chunks][], _targets = new int[Chunks][];
    private readonly int _steps;
    private int _next;

    public TrainOperation(SuiteWorkload w)
    {
        var config = new SequenceModelConfig
        {
            VocabularySize = Vocabulary,
            EmbeddingSize = w.InputSize,
            Cell = w.Cell.ToName(),
            HiddenSize = w.Hidden,
            NumLayers = w.Layers,
            OutputSize = Vocabulary,
            Output = OutputMode.ManyToMany,
        };
        SequenceModel model = SequenceModel.Create(config, seed: 42);
        var adam = new Adam(model.Parameters, learningRate: 2e-3);
        _trainer = new ShardedTrainer(model, adam, w.SequenceLength, w.Batch, shards: 1, threads: 1, clipNorm: 5f);
        _steps = w.SequenceLength;
        var rng = new Random(42);
        for (int c = 0; c < Chunks; c++)
        {
            _ids[c] = new int[w.SequenceLength * w.Batch];
            _targets[c] = new int[w.SequenceLength * w.Batch];
            for (int j = 0; j < _ids[c].Length; j++)
            {
                _ids[c][j] = rng.Next(Vocabulary);
                _targets[c][j] = rng.Next(Vocabulary);
            }
        }
    }

    public KernelPath KernelPath => _trainer.KernelPath;

    public void Run()
    {
        int c = _next;
        _next = (c + 1) % Chunks;
        _trainer.TrainLanguageModel(_ids[c], _targets[c], _steps, dropoutSeed: 0);
    }

    public void Dispose() => _trainer.Dispose();
}
