namespace Rnn.Training.Random;

/// <summary>Inverted-dropout masks, as PyTorch's dropout: each element is kept with probability 1 - p.</summary>
public static class DropoutMask
{
    /// <summary>
    /// Writes 0 (dropped, probability <paramref name="p"/>) or 1/(1-p) (kept) to every element of
    /// <paramref name="mask"/>, so that input * mask keeps the expected value. p = 0 gives all ones, p = 1 all zeros;
/// otherwise the keep probability is 1 - p rounded to a multiple of 2^-24.
    /// </summary>
    public static void Fill(DeterministicRandom random, Span<float> mask, float p)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, "The dropout probability must be in [0, 1].");
        if (p == 0)
        {
            mask.Fill(1f);
            return;
        }
        if (p == 1)
        {
            mask.Clear();
            return;
        }

        // Kept when a 24-bit uniform integer falls below (1-p)*2^24; two such draws per 64 random bits.
        uint keepBelow = (uint)Math.Round((1.0 - p) * (1 << 24));
        float scale = 1f / (1f - p); // PyTorch: noise.div_(1 - p)
        int i = 0;
        for (; i + 1 < mask.Length; i += 2)
        {
            ulong bits = random.NextUInt64();
            mask[i] = (uint)(bits >> 40) < keepBelow ? scale : 0f;
            mask[i + 1] = (uint)((bits >> 8) & 0xFFFFFF) < keepBelow ? scale : 0f;
        }
        if (i < mask.Length) mask[i] = (uint)(random.NextUInt64() >> 40) < keepBelow ? scale : 0f;
    }
}
