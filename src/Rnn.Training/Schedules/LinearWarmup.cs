namespace Rnn.Training.Schedules;

/// <summary>
/// Linear warm-up in front of another schedule, as PyTorch's SequentialLR([LinearLR(start_factor, 1,
/// warmupSteps), after], milestones=[warmupSteps]) does it: for step &lt; warmupSteps,
/// lr = base * (startFactor + (1 - startFactor) * step / warmupSteps) with base = after's rate at its step 0;
/// from warmupSteps on, lr = after.LearningRateAt(step - warmupSteps) (the second schedule starts afresh).
/// </summary>
public sealed class LinearWarmup : LearningRateSchedule
{
    public LinearWarmup(LearningRateSchedule after, int warmupSteps, double startFactor = 1.0 / 3)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(warmupSteps);
        if (!(startFactor > 0 && startFactor <= 1))
            throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, "startFactor must be in (0, 1], as in PyTorch's LinearLR.");
        After = after;
        WarmupSteps = warmupSteps;
        StartFactor = startFactor;
    }

    public LearningRateSchedule After { get; }
    public int WarmupSteps { get; }
    public double StartFactor { get; }

    public override double LearningRateAt(int step)
    {
        ValidateStep(step);
        if (step >= WarmupSteps) return After.LearningRateAt(step - WarmupSteps);
        double factor = StartFactor + (1 - StartFactor) * step / WarmupSteps;
        return After.LearningRateAt(0) * factor;
    }
}
