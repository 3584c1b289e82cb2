using Rnn.Training.Parameters;

namespace Rnn.Training.Optimizers;

/// <summary>
/// torch.optim.AdamW: Adam with decoupled weight decay (p *= 1 - lr*wd before the Adam update), PyTorch's
/// defaults, including weight_decay = 1e-2.
/// </summary>
public sealed class AdamW : Adam
{
    public AdamW(
        IReadOnlyList<Parameter> parameters,
        double learningRate = 1e-3,
        double beta1 = 0.9,
        double beta2 = 0.999,
        double epsilon = 1e-8,
        double weightDecay = 1e-2,
        bool amsgrad = false,
        bool maximize = false)
        : base(parameters, learningRate, beta1, beta2, epsilon, weightDecay, amsgrad, maximize, decoupledWeightDecay: true)
    {
    }
}
