namespace Rnn.Training.Losses;

/// <summary>
/// Shared checks for the losses' optional per-row mask: empty means every row counts with weight 1;
/// otherwise one finite weight ≥ 0 per row, 0 marking padding (excluded from the sum and from the mean's count).
/// </summary>
internal static class RowMask
{
    public static float WeightOf(ReadOnlySpan<float> mask, int row) => mask.IsEmpty ? 1f : mask[row];

    public static void ValidateWeight(float weight, int row, string lossName)
    {
        if (!(weight >= 0) || float.IsPositiveInfinity(weight))
            throw new ArgumentException(
                $"{lossName}: mask[{row}] = {weight}; mask weights must be finite and >= 0 (0 marks padding).", "mask");
    }

    /// <summary>
    /// Rows and row length of an elementwise loss's (N, D) input: N = mask length if a mask is given
    /// (D = length / N), else every element is its own row.
    /// </summary>
    public static (int Rows, int RowLength) Layout(int length, ReadOnlySpan<float> mask, string lossName)
    {
        if (mask.IsEmpty) return (length, 1);
        if (length % mask.Length != 0)
            throw new ArgumentException(
                $"{lossName}: the input has {length} elements, which is not a whole number of rows for a mask of " +
                $"{mask.Length} rows.", "mask");
        return (mask.Length, length / mask.Length);
    }

    /// <summary>Σ over rows of the mask weights, validating each.</summary>
    public static double TotalWeight(ReadOnlySpan<float> mask, int rows, string lossName)
    {
        if (mask.IsEmpty) return rows;
        double total = 0;
        for (int row = 0; row < rows; row++)
        {
            ValidateWeight(mask[row], row, lossName);
            total += mask[row];
        }
        return total;
    }

    public static void RequireSameLength(int inputLength, int otherLength, string otherName, string lossName)
    {
        if (inputLength != otherLength)
            throw new ArgumentException(
                $"{lossName}: the input has {inputLength} elements but {otherName} has {otherLength}.", otherName);
    }
}
