using System.Numerics;

namespace Rnn.Training.Random;

/// <summary>
/// A seeded pseudo-random generator whose stream is fixed by this code, not by the runtime (unlike
/// System.Random): xoshiro256** with its state expanded from the seed by SplitMix64. Not thread-safe;
/// give each thread or consumer its own <see cref="Fork"/>. Integer and uniform outputs are bit-identical on
/// every platform; normal draws use Math.Log/Cos/Sin, which may differ in the last bit between C runtimes.
/// </summary>
public sealed class DeterministicRandom
{
    /// <summary>Number of ulongs written by <see cref="GetState"/>.</summary>
    public const int StateLength = 5;

    private ulong _s0, _s1, _s2, _s3;

    public DeterministicRandom(ulong seed)
    {
        Seed = seed;
        ulong splitMix = seed;
        _s0 = SplitMix64(ref splitMix);
        _s1 = SplitMix64(ref splitMix);
        _s2 = SplitMix64(ref splitMix);
        _s3 = SplitMix64(ref splitMix);
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1; // the one state xoshiro cannot leave
    }

    private DeterministicRandom(ulong seed, ulong s0, ulong s1, ulong s2, ulong s3)
    {
        Seed = seed;
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>The seed this generator was created from; <see cref="Fork"/> derives from it.</summary>
    public ulong Seed { get; }

    /// <summary>
    /// A generator for sub-stream <paramref name="streamId"/>, derived from <see cref="Seed"/> only: the same
    /// seed and stream id always give the same stream, however much of this generator has been used, and
    /// different stream ids give unrelated streams.
    /// </summary>
    public DeterministicRandom Fork(ulong streamId)
    {
        ulong mixedId = streamId * 0x9E3779B97F4A7C15UL + 0xD1B54A32D192ED03UL;
        return new DeterministicRandom(Mix(Seed ^ Mix(mixedId)));
    }

    /// <summary>64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>32 random bits (the upper half of <see cref="NextUInt64"/>).</summary>
    public uint NextUInt32() => (uint)(NextUInt64() >> 32);

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias (Lemire's method).</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        uint range = (uint)maxExclusive;
        ulong product = (ulong)NextUInt32() * range;
        if ((uint)product < range)
        {
            uint threshold = (0u - range) % range;
            while ((uint)product < threshold) product = (ulong)NextUInt32() * range;
        }
        return (int)(product >> 32);
    }

    /// <summary>Uniform float in [0, 1) on a grid of 2^-24.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform double in [0, 1) on a grid of 2^-53.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max) (max itself only through float rounding), as min + (max - min) * u.</summary>
    public float NextUniform(float min, float max) => min + (max - min) * NextFloat();

    /// <summary>Standard normal draw (Box–Muller, one of the pair).</summary>
    public float NextNormal()
    {
        (double radius, double angle) = NextPolar();
        return (float)(radius * Math.Cos(angle));
    }

    public float NextNormal(float mean, float standardDeviation) => mean + standardDeviation * NextNormal();

    /// <summary>Fills <paramref name="destination"/> with uniform draws in [min, max).</summary>
    public void FillUniform(Span<float> destination, float min, float max)
    {
        float width = max - min;
        for (int i = 0; i < destination.Length; i++) destination[i] = min + width * NextFloat();
    }

    /// <summary>Fills <paramref name="destination"/> with normal draws (both values of each Box–Muller pair).</summary>
    public void FillNormal(Span<float> destination, float mean = 0f, float standardDeviation = 1f)
    {
        int i = 0;
        for (; i + 1 < destination.Length; i += 2)
        {
            (double radius, double angle) = NextPolar();
            (double sin, double cos) = Math.SinCos(angle);
            destination[i] = mean + standardDeviation * (float)(radius * cos);
            destination[i + 1] = mean + standardDeviation * (float)(radius * sin);
        }
        if (i < destination.Length) destination[i] = NextNormal(mean, standardDeviation);
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Writes the seed and the position in the stream, for checkpoints.</summary>
    public void GetState(Span<ulong> destination)
    {
        if (destination.Length < StateLength)
            throw new ArgumentException($"The state needs {StateLength} ulongs, got {destination.Length}.", nameof(destination));
        destination[0] = Seed;
        destination[1] = _s0;
        destination[2] = _s1;
        destination[3] = _s2;
        destination[4] = _s3;
    }

    /// <summary>A generator that continues exactly where the one that wrote <paramref name="state"/> was.</summary>
    public static DeterministicRandom FromState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != StateLength)
            throw new ArgumentException($"The state must have {StateLength} ulongs, got {state.Length}.", nameof(state));
        if ((state[1] | state[2] | state[3] | state[4]) == 0)
            throw new ArgumentException("An all-zero xoshiro256** state is invalid.", nameof(state));
        return new DeterministicRandom(state[0], state[1], state[2], state[3], state[4]);
    }

    private (double Radius, double Angle) NextPolar()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]: the logarithm stays finite
        double u2 = NextDouble();
        return (Math.Sqrt(-2.0 * Math.Log(u1)), 2.0 * Math.PI * u2);
    }

    /// <summary>The seed of step <paramref name="step"/> of a run seeded with <paramref name="seed"/>, from those two
    /// alone, so a resumed run draws what the uninterrupted one drew.</summary>
    public static ulong StepSeed(ulong seed, long step) => Mix(seed * 0x9E3779B97F4A7C15UL + (ulong)step + 1);

    private static ulong SplitMix64(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    /// <summary>splitmix64's finaliser: a bijection on 64 bits with full avalanche.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
