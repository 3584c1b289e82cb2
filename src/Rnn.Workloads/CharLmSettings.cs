using System.Globalization;

using Rnn.Training.Models;

namespace Rnn.Workloads;

/// <summary>
/// The options of a char-rnn language-model run. Everything but <see cref="Threads"/> (and the length of the run)
/// is part of the run's definition and is stored in its checkpoints, so a resumed run continues exactly.
/// </summary>
public sealed record CharLmSettings
{
    public string Cell { get; init; } = "lstm";
    public int Hidden { get; init; } = 256;
    public int Layers { get; init; } = 2;
    public int Embed { get; init; } = 64;
    public int SeqLength { get; init; } = 64;
    public int Batch { get; init; } = 32;

    /// <summary>Optimizer steps to train in total (counted from the start of the run, not from a resume).</summary>
    public long? Steps { get; init; }

    /// <summary>The most steps a run may ask for (a trillion: centuries at any speed reached here).</summary>
    public const long MaxSteps = 1_000_000_000_000;

    /// <summary>Passes over the training split, when <see cref="Steps"/> is not given (default 1).</summary>
    public int? Epochs { get; init; }

    /// <summary>The learning rate at step 0; the schedule takes it from there.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>"cosine" (anneal to <see cref="MinLearningRate"/> over the run's steps, PyTorch's CosineAnnealingLR with
    /// T_max = total steps) or "constant".</summary>
    public string Schedule { get; init; } = "cosine";

    /// <summary>Where the cosine schedule ends (PyTorch's eta_min); null: a twentieth of <see cref="LearningRate"/>.</summary>
    public double? MinLearningRate { get; init; }

    public double EffectiveMinLearningRate => MinLearningRate ?? LearningRate / 20;
    public float Clip { get; init; } = 5f;
    public float Dropout { get; init; }
    public double ValidationFraction { get; init; } = 0.05;
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>Parts each batch is split into (see <see cref="ShardDefaults"/>); null: one per core.</summary>
    public int? Shards { get; init; }

    /// <summary>The shard count the run uses: <see cref="Shards"/>, or the default for this machine and batch.</summary>
    public int EffectiveShards => ShardDefaults.Resolve(Shards, Batch);
    public ulong Seed { get; init; } = 1;

    /// <summary>Validate (and write a checkpoint) every this many steps, and at the end.</summary>
    public int EvalEvery { get; init; } = 200;

    /// <summary>Validation chunks per evaluation (0: the whole validation split).</summary>
    public int EvalChunks { get; init; }

    /// <summary>Checks every value, naming the option at fault.</summary>
    public void Validate()
    {
        OptionChecks.Positive(Hidden, "--hidden");
        OptionChecks.Positive(Layers, "--layers");
        OptionChecks.Positive(Embed, "--embed");
        OptionChecks.Positive(SeqLength, "--seq");
        OptionChecks.Positive(Batch, "--batch");
        if (Shards is { } shards) OptionChecks.Positive(shards, "--shards");
        OptionChecks.Positive(Threads, "--threads");
        OptionChecks.Positive(EvalEvery, "--eval-every");
        if (EvalChunks < 0) throw new ArgumentException($"--eval-chunks must be 0 (all) or positive, got {EvalChunks}.");
        if (Steps is { } s && s <= 0) throw new ArgumentException($"--steps must be positive, got {s}.");
        if (Steps > MaxSteps) throw new ArgumentException($"--steps {Steps} is more than the {MaxSteps} a run may take.");
        if (Epochs is { } e && e <= 0) throw new ArgumentException($"--epochs must be positive, got {e}.");
        if (Steps is not null && Epochs is not null) throw new ArgumentException("give --steps or --epochs, not both.");
        OptionChecks.ShardsDivideBatch(Batch, EffectiveShards);
        OptionChecks.LearningRate(LearningRate);
        if (Schedule is not ("cosine" or "constant")) throw new ArgumentException($"--lr-schedule '{Schedule}' is not a schedule: expected cosine or constant.");
        if (MinLearningRate is { } m && !(m >= 0 && m <= LearningRate))
            throw new ArgumentException($"--lr-min must be in [0, --lr {LearningRate:G4}], got {m}.");
        OptionChecks.Clip(Clip);
        OptionChecks.DropoutRate(Dropout, "--dropout");
        if (!(ValidationFraction > 0 && ValidationFraction < 1))
            throw new ArgumentException($"--val-fraction must be in (0, 1), got {ValidationFraction}.");
        if (Cell is not ("lstm" or "gru" or "rnn" or "rnn-tanh" or "rnn-relu"))
            throw new ArgumentException($"--cell '{Cell}' is not a cell kind: expected lstm, gru or rnn.");
    }

    /// <summary>The cell name the model config takes ("rnn" is the tanh Elman cell).</summary>
    public string ModelCell => Cell == "rnn" ? "rnn-tanh" : Cell;

    // Keys under RunState.Extra.
    internal const string SeqKey = "seq", BatchKey = "batch", ShardsKey = "shards", ClipKey = "clip", EvalEveryKey = "eval_every",
        EvalChunksKey = "eval_chunks", ValFractionKey = "val_fraction", StepsKey = "total_steps",
        BaseLearningRateKey = "lr_base", ScheduleKey = "lr_schedule", MinLearningRateKey = "lr_min";

    internal void WriteTo(Dictionary<string, string> extra, long totalSteps)
    {
        extra[SeqKey] = Str(SeqLength);
        extra[BatchKey] = Str(Batch);
        extra[ShardsKey] = Str(EffectiveShards);
        extra[ClipKey] = Clip.ToString("R", CultureInfo.InvariantCulture);
        extra[EvalEveryKey] = Str(EvalEvery);
        extra[EvalChunksKey] = Str(EvalChunks);
        extra[ValFractionKey] = ValidationFraction.ToString("R", CultureInfo.InvariantCulture);
        extra[StepsKey] = totalSteps.ToString(CultureInfo.InvariantCulture);
        extra[BaseLearningRateKey] = LearningRate.ToString("R", CultureInfo.InvariantCulture);
        extra[ScheduleKey] = Schedule;
        extra[MinLearningRateKey] = EffectiveMinLearningRate.ToString("R", CultureInfo.InvariantCulture);
    }

    private static string Str(int v) => v.ToString(CultureInfo.InvariantCulture);
}
