using Rnn.Training.Optimizers;
using Rnn.Training.Parameters;
using Rnn.Training.Schedules;

namespace Rnn.Tests.Training.Schedules;

public class LearningRateScheduleTests
{
    [Fact]
    public void StepLRDropsByGammaEveryStepSize()
    {
        var schedule = new StepLR(0.1, stepSize: 30, gamma: 0.1);
        Assert.Equal(0.1, schedule.LearningRateAt(0));
        Assert.Equal(0.1, schedule.LearningRateAt(29));
        Assert.Equal(0.1 * 0.1, schedule.LearningRateAt(30), 15);
        Assert.Equal(0.1 * 0.1, schedule.LearningRateAt(59), 15);
        Assert.Equal(0.1 * 0.01, schedule.LearningRateAt(60), 15);
        Assert.Equal(0.5 * 0.5, new StepLR(1, 2, 0.5).LearningRateAt(5), 15);
    }

    [Fact]
    public void CosineAnnealingFollowsTheClosedForm()
    {
        var schedule = new CosineAnnealingLR(0.1, tMax: 10, etaMin: 0.001);
        Assert.Equal(0.1, schedule.LearningRateAt(0), 15);
        Assert.Equal((0.1 + 0.001) / 2, schedule.LearningRateAt(5), 15);
        Assert.Equal(0.001, schedule.LearningRateAt(10), 15);
        // cos(0.3π) = 0.58778525229247314: 0.001 + 0.099 * 1.58778525229247314 / 2.
        Assert.Equal(0.001 + 0.099 * 1.58778525229247314 / 2, schedule.LearningRateAt(3), 15);
        // Like PyTorch's closed form, it rises again after T_max (period 2·T_max).
        Assert.Equal(schedule.LearningRateAt(7), schedule.LearningRateAt(13), 15);
        for (int step = 1; step <= 10; step++) Assert.True(schedule.LearningRateAt(step) < schedule.LearningRateAt(step - 1));
    }

    [Fact]
    public void LinearWarmupRampsThenHandsOverToTheNextSchedule()
    {
        var cosine = new CosineAnnealingLR(0.01, tMax: 100);
        var schedule = new LinearWarmup(cosine, warmupSteps: 4, startFactor: 0.2);
        Assert.Equal(0.01 * 0.2, schedule.LearningRateAt(0), 15);
        Assert.Equal(0.01 * 0.4, schedule.LearningRateAt(1), 15);
        Assert.Equal(0.01 * 0.8, schedule.LearningRateAt(3), 15);
        Assert.Equal(0.01, schedule.LearningRateAt(4), 15);
        Assert.Equal(cosine.LearningRateAt(6), schedule.LearningRateAt(10), 15);
        Assert.Equal(1.0 / 3, new LinearWarmup(cosine, 5).StartFactor);
    }

    [Fact]
    public void ApplySetsTheOptimizersLearningRate()
    {
        var optimizer = new Sgd(new ParameterSet { new Parameter("w", [2]) }, learningRate: 1);
        new StepLR(0.5, 1, 0.5).Apply(optimizer, 2);
        Assert.Equal(0.125, optimizer.LearningRate);
    }

    [Fact]
    public void InvalidArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(0.1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(-0.1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(0.1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearWarmup(new StepLR(1, 1), 3, startFactor: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(1, 1).LearningRateAt(-1));
    }
}
