namespace Rnn.Training.Losses;

/// <summary>
/// torch.nn.functional.binary_cross_entropy_with_logits (no pos_weight), per element in the stable form
/// loss = max(x, 0) - x*y + log(1 + exp(-|x|)), gradient sigmoid(x) - y. Computed in double per element.
/// </summary>
public static class BinaryCrossEntropyWithLogitsLoss
{
    private const string Name = nameof(BinaryCrossEntropyWithLogitsLoss);

    /// <summary>
    /// The loss. logits and targets are (N, D); mask is empty or (N) with D = logits.Length / N. Mean divides by
    /// D * Σ mask (the number of counted elements).
    /// </summary>
    public static float Forward(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> targets,
        LossReduction reduction = LossReduction.Mean, ReadOnlySpan<float> mask = default) =>
        Compute(logits, targets, reduction, mask, Span<float>.Empty, withGradient: false);

    /// <summary>The loss, and d loss / d logits (N, D) written to <paramref name="logitsGradient"/>.</summary>
    public static float ForwardBackward(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> logitsGradient,
        LossReduction reduction = LossReduction.Mean, ReadOnlySpan<float> mask = default)
    {
        RowMask.RequireSameLength(logits.Length, logitsGradient.Length, nameof(logitsGradient), Name);
        return Compute(logits, targets, reduction, mask, logitsGradient, withGradient: true);
    }

    private static float Compute(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, LossReduction reduction, ReadOnlySpan<float> mask,
        Span<float> gradient, bool withGradient)
    {
        // logits, targets, gradient: (N, D); mask: (N) or empty.
        RowMask.RequireSameLength(logits.Length, targets.Length, nameof(targets), Name);
        (int rows, int rowLength) = RowMask.Layout(logits.Length, mask, Name);
        double count = RowMask.TotalWeight(mask, rows, Name) * rowLength;
        bool mean = reduction == LossReduction.Mean;

        double lossSum = 0;
        for (int row = 0; row < rows; row++)
        {
            float weight = RowMask.WeightOf(mask, row);
            int offset = row * rowLength;
            if (weight == 0)
            {
                if (withGradient) gradient.Slice(offset, rowLength).Clear();
                continue;
            }
            double scale = mean ? weight / count : weight;
            double rowLoss = 0;
            for (int j = offset; j < offset + rowLength; j++)
            {
                double x = logits[j], y = targets[j];
                double expNegAbs = Math.Exp(-Math.Abs(x));
                rowLoss += Math.Max(x, 0) - x * y + Math.Log(1 + expNegAbs);
                if (withGradient)
                {
                    double sigmoid = x >= 0 ? 1 / (1 + expNegAbs) : expNegAbs / (1 + expNegAbs);
                    gradient[j] = (float)(scale * (sigmoid - y));
                }
            }
            lossSum += weight * rowLoss;
        }
        return (float)(mean ? lossSum / count : lossSum);
    }
}
