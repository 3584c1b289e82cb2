namespace Rnn.Training.Schedules;

/// <summary>torch.optim.lr_scheduler.StepLR: lr = base_lr * gamma^⌊step / step_size⌋.</summary>
public sealed class StepLR : LearningRateSchedule
{
    public StepLR(double baseLearningRate, int stepSize, double gamma = 0.1)
    {
        ValidateLearningRate(baseLearningRate, nameof(baseLearningRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        if (!(gamma >= 0) || double.IsInfinity(gamma))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be finite and >= 0.");
        BaseLearningRate = baseLearningRate;
        StepSize = stepSize;
        Gamma = gamma;
    }

    public double BaseLearningRate { get; }
    public int StepSize { get; }
    public double Gamma { get; }

    public override double LearningRateAt(int step)
    {
        ValidateStep(step);
        return BaseLearningRate * Math.Pow(Gamma, step / StepSize);
    }
}
