using System.Numerics.Tensors;

namespace Rnn.Training.Losses;

/// <summary>
/// torch.nn.functional.cross_entropy over integer class targets: per row, loss = logsumexp(x) - x[target],
/// with a stable log-sum-exp (shifted by the row maximum). Rows whose target is the ignore index, or whose mask
/// weight is 0, count neither in the sum nor in the mean's count (their targets are not checked); when no row
/// counts, Mean gives NaN and a zero gradient, as PyTorch does.
/// </summary>
public static class SoftmaxCrossEntropyLoss
{
    /// <summary>PyTorch's default ignore_index.</summary>
    public const int DefaultIgnoreIndex = -100;

    private const string Name = nameof(SoftmaxCrossEntropyLoss);
    private const int ScratchLength = 512;

    /// <summary>The loss. logits is (N, C) row-major, targets is (N), mask is empty or (N).</summary>
    public static float Forward(
        ReadOnlySpan<float> logits,
        ReadOnlySpan<int> targets,
        int classCount,
        LossReduction reduction = LossReduction.Mean,
        ReadOnlySpan<float> mask = default,
        int ignoreIndex = DefaultIgnoreIndex) =>
        Compute(logits, targets, classCount, reduction, mask, ignoreIndex, Span<float>.Empty, withGradient: false);

    /// <summary>
    /// The loss, and d loss / d logits written to <paramref name="logitsGradient"/> (N, C): for a counted row
    /// scale * (softmax(x) - onehot(target)) with scale = w / Σw (Mean) or w (Sum); zero for other rows.
    /// </summary>
    public static float ForwardBackward(
        ReadOnlySpan<float> logits,
        ReadOnlySpan<int> targets,
        int classCount,
        Span<float> logitsGradient,
        LossReduction reduction = LossReduction.Mean,
        ReadOnlySpan<float> mask = default,
        int ignoreIndex = DefaultIgnoreIndex)
    {
        RowMask.RequireSameLength(logits.Length, logitsGradient.Length, nameof(logitsGradient), Name);
        // A row's softmax is built in the gradient row before the row's logit at the target is read.
        if (logitsGradient.Overlaps(logits))
            throw new ArgumentException($"{Name}: logitsGradient overlaps logits; give it its own memory.", nameof(logitsGradient));
        return Compute(logits, targets, classCount, reduction, mask, ignoreIndex, logitsGradient, withGradient: true);
    }

    private static float Compute(
        ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int classCount, LossReduction reduction,
        ReadOnlySpan<float> mask, int ignoreIndex, Span<float> gradient, bool withGradient)
    {
        // logits: (N, C); targets: (N); mask: (N) or empty; gradient: (N, C) when withGradient.
        if (classCount <= 0)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"{Name}: classCount must be > 0.");
        int rows = targets.Length;
        if ((long)rows * classCount != logits.Length)
            throw new ArgumentException(
                $"{Name}: logits have {logits.Length} elements, expected (N = {rows} targets) x (C = {classCount}) = " +
                $"{(long)rows * classCount}.", nameof(logits));
        if (!mask.IsEmpty && mask.Length != rows)
            throw new ArgumentException($"{Name}: mask has {mask.Length} entries, expected one per row ({rows}).", nameof(mask));

        // First pass: validate, and find the mean's denominator before any gradient is scaled by it.
        double totalWeight = 0;
        for (int row = 0; row < rows; row++)
        {
            float weight = RowMask.WeightOf(mask, row);
            RowMask.ValidateWeight(weight, row, Name);
            int target = targets[row];
            if (weight == 0 || target == ignoreIndex) continue;
            if ((uint)target >= (uint)classCount)
                throw new ArgumentException(
                    $"{Name}: target {target} at row {row} is outside [0, {classCount}) and is not the ignore index {ignoreIndex}.",
                    nameof(targets));
            totalWeight += weight;
        }

        bool mean = reduction == LossReduction.Mean;
        Span<float> scratch = withGradient ? Span<float>.Empty : stackalloc float[Math.Min(classCount, ScratchLength)];
        double lossSum = 0;
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> x = logits.Slice(row * classCount, classCount);
            float weight = RowMask.WeightOf(mask, row);
            int target = targets[row];
            bool counted = weight != 0 && target != ignoreIndex;
            if (!counted)
            {
                if (withGradient) gradient.Slice(row * classCount, classCount).Clear();
                continue;
            }

            float max = TensorPrimitives.Max(x);
            double sumExp;
            if (withGradient)
            {
                // exp(x - max) lands in the gradient row and becomes the softmax there.
                Span<float> g = gradient.Slice(row * classCount, classCount);
                TensorPrimitives.Subtract(x, max, g);
                TensorPrimitives.Exp(g, g);
                float sum = TensorPrimitives.Sum(g);
                sumExp = sum;
                float scale = mean ? (float)(weight / totalWeight) : weight;
                TensorPrimitives.Multiply(g, scale / sum, g);
                g[target] -= scale;
            }
            else
            {
                sumExp = 0;
                for (int start = 0; start < classCount; start += scratch.Length)
                {
                    int count = Math.Min(scratch.Length, classCount - start);
                    Span<float> chunk = scratch[..count];
                    TensorPrimitives.Subtract(x.Slice(start, count), max, chunk);
                    TensorPrimitives.Exp(chunk, chunk);
                    sumExp += TensorPrimitives.Sum(chunk);
                }
            }
            double rowLoss = max + Math.Log(sumExp) - x[target];
            lossSum += weight * rowLoss;
        }
        return (float)(mean ? lossSum / totalWeight : lossSum);
    }
}
