using System.Numerics.Tensors;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Training.Parameters;

namespace Rnn.Training.Clipping;

/// <summary>
/// torch.nn.utils.clip_grad_norm_ and clip_grad_value_ over a list of parameters' gradients, in place.
/// </summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients together so that their joint norm is at most <paramref name="maxNorm"/>, like
    /// libtorch's clip_grad_norm_:
    /// <code>
    /// total_norm = (Σ over all gradient elements |g|^p)^(1/p)     (p = +∞: max |g|)
    /// clip_coef  = maxNorm / (total_norm + 1e-6)
    /// if clip_coef &lt; 1: every g *= clip_coef                  (float32)
    /// </code>
    /// The norm is accumulated in double, so it can be one float ulp closer to the exact value than libtorch's.
    /// Unlike PyTorch, a non-finite total norm (a NaN or ∞ gradient, or finite gradients whose norm exceeds the float
    /// range) leaves the gradients untouched: the
    /// caller sees the non-finite return value and can skip the step. With <paramref name="errorIfNonfinite"/>
    /// it throws instead, naming the first parameter with a non-finite gradient.
    /// </summary>
    /// <returns>The total norm before clipping (+∞ if it exceeds the float range).</returns>
    public static float ClipGradNorm(
        IReadOnlyList<Parameter> parameters, float maxNorm, float normType = 2f, bool errorIfNonfinite = false) =>
        ClipGradNorm(parameters, maxNorm, normType, errorIfNonfinite, KernelPaths.Default);

    internal static float ClipGradNorm(
        IReadOnlyList<Parameter> parameters, float maxNorm, float normType, bool errorIfNonfinite, KernelPath path)
    {
        if (!(maxNorm >= 0) || float.IsPositiveInfinity(maxNorm))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must be finite and >= 0.");
        double totalNorm = TotalNorm(parameters, normType, path);
        // Judged as a float, as libtorch's float32 norm would be: a norm past the float range is +∞ there too.
        if (!float.IsFinite((float)totalNorm))
        {
            if (errorIfNonfinite)
                throw new InvalidOperationException(
                    $"The total norm of order {normType} for gradients is non-finite ({totalNorm}), so it cannot be " +
                    $"clipped{DescribeFirstNonFinite(parameters)}. Pass errorIfNonfinite = false to get the norm back " +
                    "without clipping (and skip the step).");
            return (float)totalNorm;
        }

        // Same float32 arithmetic as libtorch: clip_coef = max_norm / (total_norm + 1e-6), clamped to 1.
        float coefficient = maxNorm / ((float)totalNorm + 1e-6f);
        if (coefficient < 1f)
        {
            for (int i = 0; i < parameters.Count; i++)
            {
                float[] grad = parameters[i].Grad;
                TensorPrimitives.Multiply(grad, coefficient, grad);
            }
        }
        return (float)totalNorm;
    }

    /// <summary>
    /// Joint p-norm of all gradients (p &gt; 0, or +∞ for max |g|), accumulated in double. NaN if any gradient is
    /// NaN, +∞ if any is infinite. Zero for an empty list.
    /// </summary>
    public static double TotalNorm(IReadOnlyList<Parameter> parameters, float normType = 2f) =>
        TotalNorm(parameters, normType, KernelPaths.Default);

    internal static double TotalNorm(IReadOnlyList<Parameter> parameters, float normType, KernelPath path)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(normType > 0))
            throw new ArgumentOutOfRangeException(nameof(normType), normType, "normType must be > 0 or +infinity.");
        for (int i = 0; i < parameters.Count; i++)
            if (parameters[i] is null) throw new ArgumentException($"parameters[{i}] is null.", nameof(parameters));

        // Squares of floats cannot overflow a double, and NaN/∞ propagate through the sums.
        if (normType == 2f)
        {
            double sum = 0;
            for (int i = 0; i < parameters.Count; i++) sum += DoubleSums.SumOfSquares(parameters[i].Grad, path);
            return Math.Sqrt(sum);
        }
        if (normType == 1f)
        {
            double sum = 0;
            for (int i = 0; i < parameters.Count; i++) sum += DoubleSums.SumOfMagnitudes(parameters[i].Grad, path);
            return sum;
        }

        double maxMagnitude = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            float[] grad = parameters[i].Grad;
            if (grad.Length == 0) continue;
            float largest = MathF.Abs(TensorPrimitives.MaxMagnitude(grad));
            if (float.IsNaN(largest)) return double.NaN;
            maxMagnitude = Math.Max(maxMagnitude, largest);
        }
        if (float.IsPositiveInfinity(normType) || double.IsInfinity(maxMagnitude) || maxMagnitude == 0)
            return maxMagnitude;

        // Other orders are rare: scale by the largest magnitude so that |g|^p can neither overflow nor underflow.
        double p = normType, scaledSum = 0;
        for (int i = 0; i < parameters.Count; i++)
            foreach (float g in parameters[i].Grad) scaledSum += Math.Pow(Math.Abs(g) / maxMagnitude, p);
        return maxMagnitude * Math.Pow(scaledSum, 1 / p);
    }

    /// <summary>Clamps every gradient element to [-clipValue, clipValue] (torch.nn.utils.clip_grad_value_); NaN stays NaN.</summary>
    public static void ClipGradValue(IReadOnlyList<Parameter> parameters, float clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clipValue >= 0))
            throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, "clipValue must be >= 0.");
        for (int i = 0; i < parameters.Count; i++)
        {
            float[] grad = parameters[i].Grad;
            TensorPrimitives.Min(grad, clipValue, grad);
            TensorPrimitives.Max(grad, -clipValue, grad);
        }
    }

    private static string DescribeFirstNonFinite(IReadOnlyList<Parameter> parameters)
    {
        for (int i = 0; i < parameters.Count; i++)
        {
            float[] grad = parameters[i].Grad;
            for (int j = 0; j < grad.Length; j++)
                if (!float.IsFinite(grad[j]))
                    return $": the gradient of '{parameters[i].Name}' has {grad[j]} at flat index {j}";
        }
        return "";
    }
}
