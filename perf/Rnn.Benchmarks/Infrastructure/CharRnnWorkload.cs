using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Training.Models;

namespace Rnn.Benchmarks.Infrastructure;

/// <summary>
/// The char-rnn training step of peers.md: Embedding(65, 64) → 2-layer LSTM(256) → Linear(65), truncated BPTT over
/// 64 steps × 32 sequences, softmax cross-entropy, gradient norm clipped to 5, Adam (lr 2e-3). 65 is Tiny
/// Shakespeare's alphabet. Both implementations start from the same PyTorch-initialised state_dict and read the
/// same (T, B) time-major chunks of character ids.
/// </summary>
internal sealed class CharRnnWorkload
{
    public const int Vocabulary = 65, Embedding = 64, Hidden = 256, Layers = 2, Steps = 64, Batch = 32;
    public const double LearningRate = 2e-3;
    public const float ClipNorm = 5f;

    /// <summary>
    /// Matrix FLOPs of one training step, counted as 3 × forward (the backward pass does two products per forward
    /// one: input and weight gradients): per character, 2·4H·(E+H) + 2·4H·(H+H) for the LSTM layers and 2·V·H
    /// for the Linear head, times T·B characters.
    /// </summary>
    public const double TrainingFlops = 3.0 * Steps * Batch *
        (2.0 * 4 * Hidden * (Embedding + Hidden) + 2.0 * 4 * Hidden * (Hidden + Hidden) + 2.0 * Vocabulary * Hidden);

    public static SequenceModelConfig Config { get; } = new()
    {
        VocabularySize = Vocabulary,
        EmbeddingSize = Embedding,
        Cell = "lstm",
        HiddenSize = Hidden,
        NumLayers = Layers,
        OutputSize = Vocabulary,
        Output = OutputMode.ManyToMany,
    };

    /// <summary>Initial weights, PyTorch names: embedding.weight, rnn.weight_ih_l0 …, fc.weight, fc.bias.</summary>
    public TensorDictionary InitialWeights { get; }

    /// <summary>Chunks of ids and next-character targets, each (T, B) time-major.</summary>
    public int[][] Ids { get; }
    public int[][] Targets { get; }

    public CharRnnWorkload(int chunks, ulong seed = 42)
    {
        InitialWeights = TensorDictionary.ReadAll(SequenceModel.Create(Config, seed).ToStateDict());
        var rng = new Random((int)seed);
        Ids = new int[chunks][];
        Targets = new int[chunks][];
        for (int i = 0; i < chunks; i++)
        {
            Ids[i] = new int[Steps * Batch];
            Targets[i] = new int[Steps * Batch];
            for (int j = 0; j < Ids[i].Length; j++)
            {
                Ids[i][j] = rng.Next(Vocabulary);
                Targets[i][j] = rng.Next(Vocabulary);
            }
        }
    }
}

/// <summary>One optimizer step per call over the next chunk (cycling), state carried between chunks.</summary>
internal interface ITrainingRunner : IDisposable
{
    /// <summary>Returns the chunk's mean cross-entropy before the update (nats per character).</summary>
    double Step();
}
