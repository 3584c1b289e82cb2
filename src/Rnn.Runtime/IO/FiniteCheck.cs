namespace Rnn.Runtime.IO;

/// <summary>Rejects NaN or infinity in loaded weights: they would turn every output into garbage silently.</summary>
public static class FiniteCheck
{
    public static void Ensure(ReadOnlySpan<float> values, string sourceName, string tensorName)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                throw new RnnFormatException(
                    $"{sourceName}: tensor '{tensorName}' holds {values[i]} at flat index {i}: weights must be finite.",
                    sourceName, tensorName);
        }
    }
}
