using Rnn.Training.Optimizers;

namespace Rnn.Training.Schedules;

/// <summary>
/// A learning rate as a function of the scheduler step (PyTorch's <c>last_epoch</c>): step 0 is the initial
/// learning rate, step k the one after k calls of PyTorch's <c>scheduler.step()</c>. Closed forms, so a
/// resumed run gets the same rates without replaying history.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate at <paramref name="step"/> (≥ 0).</summary>
    public abstract double LearningRateAt(int step);

    /// <summary>Sets the optimizer's learning rate to the one at <paramref name="step"/>.</summary>
    public void Apply(Optimizer optimizer, int step)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        optimizer.LearningRate = LearningRateAt(step);
    }

    protected static void ValidateStep(int step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "The schedule step must be >= 0.");
    }

    protected static void ValidateLearningRate(double learningRate, string name)
    {
        if (!(learningRate >= 0) || double.IsInfinity(learningRate))
            throw new ArgumentOutOfRangeException(name, learningRate, $"{name} must be finite and >= 0.");
    }
}
