namespace OrtCases;

/// <summary>
/// SplitMix64: a fixed, documented generator, so the committed values do not depend on System.Random's
/// implementation in some future .NET.
/// </summary>
internal sealed class SplitMix(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>An integer in [min, max].</summary>
    public int Int(int min, int max) => min + (int)(Next() % (ulong)(max - min + 1));

    /// <summary>count floats U(-scale, scale) with 24 random bits each (exact in float32).</summary>
    public float[] Uniform(int count, float scale)
    {
        var a = new float[count];
        for (int i = 0; i < count; i++) a[i] = ((Next() >> 40) / (float)(1 << 24) * 2 - 1) * scale;
        return a;
    }
}
