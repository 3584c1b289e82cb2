namespace Rnn.Training.Models;

/// <summary>
/// How many shards a batch is split into when the run does not say. The shard count is part of a run's definition
/// (it fixes the order gradients are summed in, so any thread count gives the same bits), but a run can only use as
/// many threads as it has shards; so by default there is one shard per core, as long as each shard keeps at least
/// <see cref="MinRowsPerShard"/> rows (the GEMM kernel's row block: thinner shards waste it) and the count divides
/// the batch. Pass the count explicitly to get the same bits on machines with different core counts.
/// </summary>
public static class ShardDefaults
{
    public const int MinRowsPerShard = 8;

    /// <summary>The shard count a run uses: <paramref name="shards"/> if given, else <see cref="For"/> this machine's cores.</summary>
    public static int Resolve(int? shards, int batch) => shards ?? For(Math.Max(1, batch), Environment.ProcessorCount);

    /// <summary>The largest divisor of <paramref name="batch"/> that is at most min(cores, batch / 8), and at least 1.</summary>
    public static int For(int batch, int cores)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cores);
        int limit = Math.Max(1, Math.Min(cores, batch / MinRowsPerShard));
        for (int shards = limit; shards > 1; shards--)
            if (batch % shards == 0) return shards;
        return 1;
    }
}
