namespace Rnn.Workloads;

/// <summary>Where a training run is, as a progress display needs it; Throughput is in the workload's unit
/// (characters or examples per second of training, evaluation time excluded).</summary>
public readonly record struct TrainingProgress(
    long Step, long TotalSteps, int Epoch, double TrainLoss, double ValidationLoss, double Seconds, double Throughput,
    double EtaSeconds);

/// <summary>Receives a run's progress; the workloads never write to the console themselves.</summary>
public interface ITrainingObserver
{
    /// <summary>After every optimizer step (keep it cheap).</summary>
    void OnStep(in TrainingProgress progress);

    /// <summary>After each validation, once the checkpoint is written.</summary>
    void OnEvaluation(in TrainingProgress progress);
}
