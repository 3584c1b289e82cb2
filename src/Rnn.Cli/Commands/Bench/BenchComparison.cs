using System.Globalization;
using Perfolizer.Mathematics.SignificanceTesting.Base;
using Perfolizer.Mathematics.SignificanceTesting.MannWhitney;
using Perfolizer.Metrology;
using Pragmastat;

namespace Rnn.Cli.Commands.Bench;

/// <summary>How a workload's new samples compare with its base samples.</summary>
internal enum Verdict
{
    /// <summary>Faster by more than the threshold, and significantly so.</summary>
    Faster,

    /// <summary>Neither faster nor slower beyond the threshold with significance.</summary>
    Same,

    /// <summary>Slower by more than the threshold, and significantly so: fails <c>rnn bench compare</c>.</summary>
    Slower,

    /// <summary>Present in only one report, or without samples in one: nothing to compare.</summary>
    Missing,
}

/// <summary>One row of <c>rnn bench compare</c>: medians in nanoseconds per operation, new / base, the one-sided
/// p-values of "slower beyond the threshold" and "faster beyond the threshold", and the verdict.</summary>
internal sealed record WorkloadComparison(string Name, double BaseMedian, double NewMedian, double PSlower, double PFaster, Verdict Verdict, string? Note)
{
    public double Ratio => NewMedian / BaseMedian;
}

/// <summary>
/// Compares two reports workload by workload with the Mann–Whitney U test from Perfolizer (BenchmarkDotNet's
/// statistics library) against a relative threshold: "slower" means the new samples are significantly (one-sided
/// p &lt; <see cref="Alpha"/>) larger than the base samples made <c>threshold</c> slower, so noise alone, or a real
/// change smaller than the threshold, does not fail the comparison.
/// </summary>
internal static class BenchComparison
{
    /// <summary>The significance level of each one-sided test. The threshold already keeps noise out (two sample sets
    /// of one distribution are not 5 % apart); 0.01 keeps the power to see a 20 % slowdown in 25 noisy samples.</summary>
    public const double Alpha = 0.01;

    public static List<WorkloadComparison> Compare(BenchReport baseline, BenchReport current, double thresholdFraction)
    {
        Threshold threshold = RelativeThreshold(thresholdFraction);
        var currentByName = new Dictionary<string, WorkloadResult>(StringComparer.Ordinal);
        foreach (WorkloadResult w in current.Workloads) currentByName.TryAdd(w.Name, w);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rows = new List<WorkloadComparison>();
        foreach (WorkloadResult b in baseline.Workloads)
        {
            if (!seen.Add(b.Name)) continue;
            if (!currentByName.TryGetValue(b.Name, out WorkloadResult? n))
            {
                rows.Add(new WorkloadComparison(b.Name, b.Median, double.NaN, double.NaN, double.NaN, Verdict.Missing, "only in base"));
                continue;
            }
            rows.Add(CompareOne(b, n, threshold));
        }
        foreach (WorkloadResult n in current.Workloads)
            if (seen.Add(n.Name))
                rows.Add(new WorkloadComparison(n.Name, double.NaN, n.Median, double.NaN, double.NaN, Verdict.Missing, "only in new"));
        return rows;
    }

    private static WorkloadComparison CompareOne(WorkloadResult b, WorkloadResult n, Threshold threshold)
    {
        if (b.Samples.Length == 0 || n.Samples.Length == 0)
        {
            string why = b.Samples.Length == 0 ? $"no samples in base{(b.Error is null ? "" : ": " + b.Error)}" : $"no samples in new{(n.Error is null ? "" : ": " + n.Error)}";
            return new WorkloadComparison(b.Name, b.Median, n.Median, double.NaN, double.NaN, Verdict.Missing, why);
        }
        var baseSample = new Sample(b.Samples);
        var newSample = new Sample(n.Samples);
        // GetPValue(x, y, Greater, t): the probability, if x were no larger than y moved by t, of a U as large as seen.
        double pSlower = MannWhitneyTest.Instance.GetPValue(newSample, baseSample, AlternativeHypothesis.Greater, threshold);
        double pFaster = MannWhitneyTest.Instance.GetPValue(baseSample, newSample, AlternativeHypothesis.Greater, threshold);
        Verdict verdict = pSlower < Alpha ? Verdict.Slower : pFaster < Alpha ? Verdict.Faster : Verdict.Same;
        string? note = b.Kernel is not null && n.Kernel is not null && b.Kernel != n.Kernel ? $"kernel {b.Kernel} -> {n.Kernel}" : null;
        return new WorkloadComparison(b.Name, b.Median, n.Median, pSlower, pFaster, verdict, note);
    }

    /// <summary>Perfolizer's relative threshold ("5%"), built from its own parser so the meaning is the library's.</summary>
    public static Threshold RelativeThreshold(double fraction) =>
        Threshold.Parse((fraction * 100).ToString("0.######", CultureInfo.InvariantCulture) + "%");

    /// <summary>"5%", "5" (percent) or "0.5%"; 0 or more and below 1000 %.</summary>
    public static double ParseThreshold(string text)
    {
        string t = text.Trim();
        if (t.EndsWith('%')) t = t[..^1].TrimEnd();
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double percent) || !(percent >= 0) || percent >= 1000)
            throw new UsageException($"--threshold '{text}' is not a percentage: expected e.g. 5% (0 to below 1000).");
        return percent / 100;
    }
}
