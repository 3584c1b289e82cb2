namespace Rnn.Workloads.Data;

/// <summary>
/// Small deterministic generator (xorshift64*, seeded through SplitMix64) used only to shuffle data sets.
/// Kept internal and self-contained so it can be replaced by the project-wide Rnn.Training.Random later
/// without changing any public API; the same seed always gives the same permutation on every platform.
/// </summary>
internal struct ShuffleRandom
{
    private ulong _state;

    public ShuffleRandom(ulong seed)
    {
        // SplitMix64 spreads nearby seeds (0, 1, 2...) apart; xorshift must never start at state 0.
        ulong z = Rnn.Training.Random.DeterministicRandom.Mix(seed + 0x9E3779B97F4A7C15UL);
        _state = z == 0 ? 0x9E3779B97F4A7C15UL : z;
    }

    public ulong NextUInt64()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return _state * 0x2545F4914F6CDD1DUL;
    }

    /// <summary>Uniform integer in [0, bound) without modulo bias (Lemire's multiply-and-reject).</summary>
    public int NextBelow(int bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound), bound, "bound must be positive");
        ulong range = (ulong)bound;
        ulong threshold = (0UL - range) % range;
        while (true)
        {
            ulong product = Math.BigMul(NextUInt64(), range, out ulong low);
            if (low >= threshold) return (int)product;
        }
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle(Span<int> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextBelow(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
