namespace Rnn.Workloads;

/// <summary>Binary classification counts (positive = label 1) and the mean binary cross-entropy.</summary>
public readonly record struct ImdbMetrics(int TruePositive, int FalsePositive, int TrueNegative, int FalseNegative, double Loss)
{
    public int Count => TruePositive + FalsePositive + TrueNegative + FalseNegative;
    public double Accuracy => Count == 0 ? double.NaN : (double)(TruePositive + TrueNegative) / Count;
    public double Precision => TruePositive + FalsePositive == 0 ? double.NaN : (double)TruePositive / (TruePositive + FalsePositive);
    public double Recall => TruePositive + FalseNegative == 0 ? double.NaN : (double)TruePositive / (TruePositive + FalseNegative);
}

/// <summary>
/// Running counts and summed binary cross-entropy over batches of logits (a logit above 0 means "positive") and 0/1
/// labels: what both the trainer's and the classifier's evaluations add up.
/// </summary>
internal struct ImdbMetricsTally
{
    private int _truePositive, _falsePositive, _trueNegative, _falseNegative;
    private double _lossSum;

    public void Add(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels)
    {
        for (int i = 0; i < logits.Length; i++)
        {
            float logit = logits[i], label = labels[i];
            bool predicted = logit > 0, actual = label > 0.5f;
            if (predicted && actual) _truePositive++;
            else if (predicted) _falsePositive++;
            else if (actual) _falseNegative++;
            else _trueNegative++;
            // Binary cross-entropy of the logit, computed stably.
            _lossSum += Math.Max(logit, 0) - logit * label + Math.Log(1 + Math.Exp(-Math.Abs(logit)));
        }
    }

    /// <summary>The counts, and the mean loss over every example added (NaN when there were none).</summary>
    public readonly ImdbMetrics Result()
    {
        int count = _truePositive + _falsePositive + _trueNegative + _falseNegative;
        return new ImdbMetrics(_truePositive, _falsePositive, _trueNegative, _falseNegative, count == 0 ? double.NaN : _lossSum / count);
    }
}

/// <summary>One finished epoch: training figures over the epoch (with dropout) and the test split's after it.</summary>
public readonly record struct ImdbEpochReport(int Epoch, double TrainLoss, double TrainAccuracy, ImdbMetrics Test, double Seconds, double ExamplesPerSecond);

/// <summary>What an IMDB run reached.</summary>
public readonly record struct ImdbSummary(int Epochs, long Steps, double TrainLoss, double TrainAccuracy, ImdbMetrics Test, double Seconds, double ExamplesPerSecond);
