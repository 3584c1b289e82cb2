namespace Rnn.Workloads;

/// <summary>The checks the workloads' settings share, each naming the command-line option at fault.</summary>
internal static class OptionChecks
{
    public static void Positive(long value, string option)
    {
        if (value <= 0) throw new ArgumentException($"{option} must be positive, got {value}.");
    }

    /// <summary>A dropout probability: [0, 1).</summary>
    public static void DropoutRate(float value, string option)
    {
        if (!(value >= 0 && value < 1)) throw new ArgumentException($"{option} must be in [0, 1), got {value}.");
    }

    public static void LearningRate(double value)
    {
        if (!(value > 0) || double.IsInfinity(value)) throw new ArgumentException($"--lr must be positive, got {value}.");
    }

    /// <summary>A gradient-norm clip: 0 (off) or a finite positive norm.</summary>
    public static void Clip(float value)
    {
        if (!(value >= 0) || float.IsInfinity(value)) throw new ArgumentException($"--clip must be 0 (off) or positive, got {value}.");
    }

    /// <summary>Each shard takes an equal part of every batch.</summary>
    public static void ShardsDivideBatch(int batch, int shards)
    {
        if (batch % shards != 0) throw new ArgumentException($"--batch {batch} must be divisible by --shards {shards}.");
    }
}
