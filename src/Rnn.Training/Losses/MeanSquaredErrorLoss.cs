namespace Rnn.Training.Losses;

/// <summary>torch.nn.functional.mse_loss: per element (x - y)², gradient 2(x - y). Sums in double.</summary>
public static class MeanSquaredErrorLoss
{
    private const string Name = nameof(MeanSquaredErrorLoss);

    /// <summary>
    /// The loss. input and targets are (N, D); mask is empty or (N) with D = input.Length / N. Mean divides by
    /// D * Σ mask (the number of counted elements).
    /// </summary>
    public static float Forward(
        ReadOnlySpan<float> input, ReadOnlySpan<float> targets,
        LossReduction reduction = LossReduction.Mean, ReadOnlySpan<float> mask = default) =>
        Compute(input, targets, reduction, mask, Span<float>.Empty, withGradient: false);

    /// <summary>The loss, and d loss / d input (N, D) written to <paramref name="inputGradient"/>.</summary>
    public static float ForwardBackward(
        ReadOnlySpan<float> input, ReadOnlySpan<float> targets, Span<float> inputGradient,
        LossReduction reduction = LossReduction.Mean, ReadOnlySpan<float> mask = default)
    {
        RowMask.RequireSameLength(input.Length, inputGradient.Length, nameof(inputGradient), Name);
        return Compute(input, targets, reduction, mask, inputGradient, withGradient: true);
    }

    private static float Compute(
        ReadOnlySpan<float> input, ReadOnlySpan<float> targets, LossReduction reduction, ReadOnlySpan<float> mask,
        Span<float> gradient, bool withGradient)
    {
        // input, targets, gradient: (N, D); mask: (N) or empty.
        RowMask.RequireSameLength(input.Length, targets.Length, nameof(targets), Name);
        (int rows, int rowLength) = RowMask.Layout(input.Length, mask, Name);
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
            double twiceScale = 2 * (mean ? weight / count : weight);
            double rowLoss = 0;
            for (int j = offset; j < offset + rowLength; j++)
            {
                double difference = (double)input[j] - targets[j];
                rowLoss += difference * difference;
                if (withGradient) gradient[j] = (float)(twiceScale * difference);
            }
            lossSum += weight * rowLoss;
        }
        return (float)(mean ? lossSum / count : lossSum);
    }
}
