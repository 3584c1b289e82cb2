namespace Rnn.Training.Models;

/// <summary>
/// Where a training run is, saved with each checkpoint so that resuming continues the run exactly:
/// counters, the data position, the generator state and the options the run was started with.
/// </summary>
public sealed record RunState
{
    public long Step { get; init; }
    public int Epoch { get; init; }
    public long DataPosition { get; init; }
    public ulong Seed { get; init; }
    public ulong[] RandomState { get; init; } = [];
    public double LearningRate { get; init; }
    public float TrainLoss { get; init; }
    public float ValidationLoss { get; init; } = float.NaN;
    public float BestValidationLoss { get; init; } = float.NaN;
    public double Seconds { get; init; }

    /// <summary>Workload-specific settings (e.g. the char vocabulary), as the workload writes them.</summary>
    public Dictionary<string, string> Extra { get; init; } = new();
}
