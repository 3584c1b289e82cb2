using System.Globalization;

using Rnn.Training.Models;

namespace Rnn.Workloads;

/// <summary>
/// The IMDB sentiment run of the Keras example (imdb_lstm): Embedding(vocabulary, 128) → LSTM(128, dropout 0.2,
/// recurrent_dropout 0.2) → Dense(1), binary cross-entropy on the logit, Adam 1e-3, batch 32, reviews of 80 words.
/// </summary>
public sealed record ImdbSettings
{
    /// <summary>Keras num_words: word ids at or above this become the out-of-vocabulary id 2.</summary>
    public int VocabularySize { get; init; } = 20_000;

    /// <summary>Keras maxlen: reviews are cut (at the front) or padded (at the front) to this many ids.</summary>
    public int MaxLength { get; init; } = 80;

    public int Embed { get; init; } = 128;
    public int Hidden { get; init; } = 128;

    /// <summary>Keras LSTM dropout: one mask per review on the LSTM's input.</summary>
    public float Dropout { get; init; } = 0.2f;

    /// <summary>Keras recurrent_dropout: one mask per review on h before the recurrent product.</summary>
    public float RecurrentDropout { get; init; } = 0.2f;

    public int Batch { get; init; } = 32;
    public int Epochs { get; init; } = 5;
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Global gradient-norm clip; 0 (the Keras example's choice) is off.</summary>
    public float Clip { get; init; }

    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>Parts each batch is split into (see <see cref="ShardDefaults"/>); null: one per core.</summary>
    public int? Shards { get; init; }

    /// <summary>The shard count the run uses: <see cref="Shards"/>, or the default for this machine and batch.</summary>
    public int EffectiveShards => ShardDefaults.Resolve(Shards, Batch);
    public ulong Seed { get; init; } = 1;

    /// <summary>Use only the first N reviews of each split after a seeded shuffle (0: all); for quick runs and tests.</summary>
    public int Limit { get; init; }

    public void Validate()
    {
        if (VocabularySize <= 3) throw new ArgumentException($"--vocab must be more than 3 (ids 0-2 are reserved), got {VocabularySize}.");
        OptionChecks.Positive(MaxLength, "--maxlen");
        OptionChecks.Positive(Embed, "--embed");
        OptionChecks.Positive(Hidden, "--hidden");
        OptionChecks.Positive(Batch, "--batch");
        OptionChecks.Positive(Epochs, "--epochs");
        OptionChecks.Positive(Threads, "--threads");
        if (Shards is { } shards) OptionChecks.Positive(shards, "--shards");
        if (Limit < 0) throw new ArgumentException($"--limit must be 0 (all) or positive, got {Limit}.");
        OptionChecks.ShardsDivideBatch(Batch, EffectiveShards);
        OptionChecks.DropoutRate(Dropout, "--dropout");
        OptionChecks.DropoutRate(RecurrentDropout, "--recurrent-dropout");
        OptionChecks.LearningRate(LearningRate);
        OptionChecks.Clip(Clip);
    }

    internal static string Str(long v) => v.ToString(CultureInfo.InvariantCulture);
}
