namespace Rnn.Training.Workloads;

/// <summary>Binary classification counts (positive = label 1) and the mean binary cross-entropy.</summary>
public readonly record struct ImdbMetrics(int TruePositive, int FalsePositive, int TrueNegative, int FalseNegative, double Loss)
{
    public int Count => TruePositive + FalsePositive + TrueNegative + FalseNegative;
    public double Accuracy => Count == 0 ? double.NaN : (double)(TruePositive + TrueNegative) / Count;
    public double Precision => TruePositive + FalsePositive == 0 ? double.NaN : (double)TruePositive / (TruePositive + FalsePositive);
    public double Recall => TruePositive + FalseNegative == 0 ? double.NaN : (double)TruePositive / (TruePositive + FalseNegative);

    /// <summary>Counts of a batch of logits (a logit above 0 means "positive"), with labels 0/1.</summary>
    internal static void Tally(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels, ref int tp, ref int fp, ref int tn, ref int fn)
    {
        for (int i = 0; i < logits.Length; i++)
        {
            bool predicted = logits[i] > 0, actual = labels[i] > 0.5f;
            if (predicted && actual) tp++;
            else if (predicted) fp++;
            else if (actual) fn++;
            else tn++;
        }
    }

    /// <summary>Binary cross-entropy of one logit, computed stably.</summary>
    internal static double Bce(float logit, float label) =>
        Math.Max(logit, 0) - logit * label + Math.Log(1 + Math.Exp(-Math.Abs(logit)));
}

/// <summary>One finished epoch: training figures over the epoch (with dropout) and the test split's after it.</summary>
public readonly record struct ImdbEpochReport(int Epoch, double TrainLoss, double TrainAccuracy, ImdbMetrics Test, double Seconds, double ExamplesPerSecond);

/// <summary>What an IMDB run reached.</summary>
public readonly record struct ImdbSummary(int Epochs, long Steps, double TrainLoss, double TrainAccuracy, ImdbMetrics Test, double Seconds, double ExamplesPerSecond);
