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
        ElementwiseLoss.Compute<Element>(logits, targets, reduction, mask, Span<float>.Empty, withGradient: false, Name);

    /// <summary>The loss, and d loss / d logits (N, D) written to <paramref name="logitsGradient"/>.</summary>
    public static float ForwardBackward(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> logitsGradient,
        LossReduction reduction = LossReduction.Mean, ReadOnlySpan<float> mask = default)
    {
        RowMask.RequireSameLength(logits.Length, logitsGradient.Length, nameof(logitsGradient), Name);
        return ElementwiseLoss.Compute<Element>(logits, targets, reduction, mask, logitsGradient, withGradient: true, Name);
    }

    private readonly struct Element : IElementLoss
    {
        public static double Evaluate(double x, double y, out double derivative)
        {
            double expNegAbs = Math.Exp(-Math.Abs(x));
            derivative = (x >= 0 ? 1 / (1 + expNegAbs) : expNegAbs / (1 + expNegAbs)) - y; // sigmoid(x) - y
            return Math.Max(x, 0) - x * y + Math.Log(1 + expNegAbs);
        }
    }
}
