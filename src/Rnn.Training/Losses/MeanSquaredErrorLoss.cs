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
        ElementwiseLoss.Compute<Element>(input, targets, reduction, mask, Span<float>.Empty, withGradient: false, Name);

    /// <summary>The loss, and d loss / d input (N, D) written to <paramref name="inputGradient"/>.</summary>
    public static float ForwardBackward(
        ReadOnlySpan<float> input, ReadOnlySpan<float> targets, Span<float> inputGradient,
        LossReduction reduction = LossReduction.Mean, ReadOnlySpan<float> mask = default)
    {
        RowMask.RequireSameLength(input.Length, inputGradient.Length, nameof(inputGradient), Name);
        return ElementwiseLoss.Compute<Element>(input, targets, reduction, mask, inputGradient, withGradient: true, Name);
    }

    private readonly struct Element : IElementLoss
    {
        public static double Evaluate(double x, double y, out double derivative)
        {
            double difference = x - y;
            derivative = 2 * difference;
            return difference * difference;
        }
    }
}
