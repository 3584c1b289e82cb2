namespace Rnn.Training.Random;

/// <summary>PyTorch's default initialisation of recurrent layers: every weight and bias ~ U(-1/√H, 1/√H).</summary>
public static class ParameterInit
{
    /// <summary>1/√<paramref name="hiddenSize"/> (computed in double, as PyTorch's <c>1.0 / math.sqrt(hidden_size)</c>).</summary>
    public static float RecurrentBound(int hiddenSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        return (float)(1.0 / Math.Sqrt(hiddenSize));
    }

    /// <summary>Fills <paramref name="values"/> with U(-bound, bound) draws.</summary>
    public static void InitUniform(DeterministicRandom random, Span<float> values, float bound)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(bound >= 0) || float.IsInfinity(bound))
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "The bound must be finite and >= 0.");
        random.FillUniform(values, -bound, bound);
    }
}
