using Rnn.Training.Optimizers;
using Rnn.Training.Parameters;

namespace Rnn.Tests.Training.Optimizers;

/// <summary>
/// One optimizer setting, with a float64 reference written from PyTorch's documented algorithms
/// (torch.optim.SGD / Adam / AdamW / RMSprop, single-tensor form).
/// </summary>
public sealed record OptimizerCase(
    string Name,
    string Kind,
    double LearningRate,
    double Momentum = 0,
    double Dampening = 0,
    double WeightDecay = 0,
    bool Nesterov = false,
    bool Maximize = false,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Epsilon = 1e-8,
    bool Amsgrad = false,
    double Alpha = 0.99,
    bool Centered = false)
{
    public static readonly OptimizerCase[] All =
    [
        new("sgd_plain", "sgd", 0.1),
        new("sgd_momentum", "sgd", 0.1, Momentum: 0.9),
        new("sgd_dampening_weight_decay", "sgd", 0.05, Momentum: 0.8, Dampening: 0.5, WeightDecay: 0.01),
        new("sgd_nesterov_maximize", "sgd", 0.05, Momentum: 0.9, WeightDecay: 1e-3, Nesterov: true, Maximize: true),
        new("adam_lr", "adam", 0.01),
        new("adam_weight_decay_amsgrad", "adam", 0.01, WeightDecay: 0.1, Beta2: 0.5, Amsgrad: true),
        new("adam_betas_maximize", "adam", 0.02, Beta1: 0.8, Beta2: 0.95, Epsilon: 1e-6, Maximize: true),
        new("adamw_defaults", "adamw", 0.01, WeightDecay: 1e-2),
        new("adamw_amsgrad", "adamw", 0.05, WeightDecay: 0.1, Beta2: 0.5, Amsgrad: true),
        new("rmsprop_defaults", "rmsprop", 0.01),
        new("rmsprop_centered", "rmsprop", 0.01, Centered: true),
        new("rmsprop_momentum", "rmsprop", 0.01, Momentum: 0.5),
        new("rmsprop_centered_momentum_weight_decay", "rmsprop", 0.01, Momentum: 0.9, WeightDecay: 0.01, Alpha: 0.9, Centered: true),
        new("rmsprop_low_alpha_centered", "rmsprop", 0.003, Alpha: 0.3, Centered: true),
    ];

    public static IEnumerable<object[]> Names()
    {
        foreach (OptimizerCase c in All) yield return [c.Name];
    }

    public static OptimizerCase Get(string name) => Array.Find(All, c => c.Name == name)
        ?? throw new ArgumentException($"No optimizer case {name}.");

    public Optimizer Create(IReadOnlyList<Parameter> parameters) => Kind switch
    {
        "sgd" => new Sgd(parameters, LearningRate, Momentum, Dampening, WeightDecay, Nesterov, Maximize),
        "adam" => new Adam(parameters, LearningRate, Beta1, Beta2, Epsilon, WeightDecay, Amsgrad, Maximize),
        "adamw" => new AdamW(parameters, LearningRate, Beta1, Beta2, Epsilon, WeightDecay, Amsgrad, Maximize),
        "rmsprop" => new RmsProp(parameters, LearningRate, Alpha, Epsilon, WeightDecay, Momentum, Centered, Maximize),
        _ => throw new ArgumentException(Kind),
    };

    /// <summary>Float64 reference state for one tensor.</summary>
    public sealed class ReferenceState(int length)
    {
        public double[] A { get; } = new double[length]; // momentum buffer / exp_avg / square_avg
        public double[] B { get; } = new double[length]; // exp_avg_sq / grad_avg
        public double[] C { get; } = new double[length]; // max_exp_avg_sq / RMSprop momentum buffer
    }

    /// <summary>Applies step <paramref name="t"/> (1-based) to <paramref name="p"/> in float64.</summary>
    public void ReferenceStep(double[] p, ReadOnlySpan<float> gradient, ReferenceState s, int t)
    {
        for (int i = 0; i < p.Length; i++)
        {
            double g = Maximize ? -gradient[i] : gradient[i];
            switch (Kind)
            {
                case "sgd":
                    if (WeightDecay != 0) g += WeightDecay * p[i];
                    if (Momentum != 0)
                    {
                        s.A[i] = t == 1 ? g : Momentum * s.A[i] + (1 - Dampening) * g;
                        g = Nesterov ? g + Momentum * s.A[i] : s.A[i];
                    }
                    p[i] -= LearningRate * g;
                    break;
                case "adam":
                case "adamw":
                    if (Kind == "adamw") p[i] *= 1 - LearningRate * WeightDecay;
                    else g += WeightDecay * p[i];
                    s.A[i] = Beta1 * s.A[i] + (1 - Beta1) * g;
                    s.B[i] = Beta2 * s.B[i] + (1 - Beta2) * g * g;
                    s.C[i] = Math.Max(s.C[i], s.B[i]);
                    double v = Amsgrad ? s.C[i] : s.B[i];
                    double bc1 = 1 - Math.Pow(Beta1, t), bc2 = 1 - Math.Pow(Beta2, t);
                    p[i] -= LearningRate / bc1 * s.A[i] / (Math.Sqrt(v) / Math.Sqrt(bc2) + Epsilon);
                    break;
                case "rmsprop":
                    if (WeightDecay != 0) g += WeightDecay * p[i];
                    s.A[i] = Alpha * s.A[i] + (1 - Alpha) * g * g;
                    double avg;
                    if (Centered)
                    {
                        s.B[i] = Alpha * s.B[i] + (1 - Alpha) * g;
                        avg = Math.Sqrt(s.A[i] - s.B[i] * s.B[i]) + Epsilon;
                    }
                    else
                    {
                        avg = Math.Sqrt(s.A[i]) + Epsilon;
                    }
                    if (Momentum > 0)
                    {
                        s.C[i] = Momentum * s.C[i] + g / avg;
                        p[i] -= LearningRate * s.C[i];
                    }
                    else
                    {
                        p[i] -= LearningRate * g / avg;
                    }
                    break;
                default:
                    throw new ArgumentException(Kind);
            }
        }
    }

    public override string ToString() => Name;
}
