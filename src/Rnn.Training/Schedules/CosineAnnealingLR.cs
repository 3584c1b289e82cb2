namespace Rnn.Training.Schedules;

/// <summary>
/// torch.optim.lr_scheduler.CosineAnnealingLR in PyTorch's closed form:
/// lr = eta_min + (base_lr - eta_min) * (1 + cos(π * step / T_max)) / 2.
/// Like PyTorch, past T_max the rate follows the cosine back up (period 2*T_max); stop stepping at T_max to hold eta_min.
/// </summary>
public sealed class CosineAnnealingLR : LearningRateSchedule
{
    public CosineAnnealingLR(double baseLearningRate, int tMax, double etaMin = 0)
    {
        ValidateLearningRate(baseLearningRate, nameof(baseLearningRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tMax);
        ValidateLearningRate(etaMin, nameof(etaMin));
        BaseLearningRate = baseLearningRate;
        TMax = tMax;
        EtaMin = etaMin;
    }

    public double BaseLearningRate { get; }
    public int TMax { get; }
    public double EtaMin { get; }

    public override double LearningRateAt(int step)
    {
        ValidateStep(step);
        return EtaMin + (BaseLearningRate - EtaMin) * (1 + Math.Cos(Math.PI * step / TMax)) / 2;
    }
}
