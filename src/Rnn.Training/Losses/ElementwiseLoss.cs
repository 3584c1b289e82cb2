namespace Rnn.Training.Losses;

/// <summary>The loss of one element and its derivative with respect to the input, in double.</summary>
internal interface IElementLoss
{
    static abstract double Evaluate(double input, double target, out double derivative);
}

/// <summary>
/// What the element-wise losses share: inputs and targets (N, D), an optional per-row mask (N), sum or mean
/// over the counted elements (mean divides by D · Σ mask), sums in double, masked rows' gradients zero. The caller
/// checks the gradient's length (to name its own argument).
/// </summary>
internal static class ElementwiseLoss
{
    public static float Compute<TLoss>(
        ReadOnlySpan<float> input, ReadOnlySpan<float> targets, LossReduction reduction, ReadOnlySpan<float> mask,
        Span<float> gradient, bool withGradient, string name)
        where TLoss : struct, IElementLoss
    {
        RowMask.RequireSameLength(input.Length, targets.Length, nameof(targets), name);
        (int rows, int rowLength) = RowMask.Layout(input.Length, mask, name);
        double count = RowMask.TotalWeight(mask, rows, name) * rowLength;
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
                rowLoss += TLoss.Evaluate(input[j], targets[j], out double derivative);
                if (withGradient) gradient[j] = (float)(scale * derivative);
            }
            lossSum += weight * rowLoss;
        }
        return (float)(mean ? lossSum / count : lossSum);
    }
}
