using Rnn.Cli;
using Rnn.Cli.Commands.Bench;

namespace Rnn.Tests.Cli.Bench;

/// <summary>
/// rnn bench compare's verdicts on synthetic sample sets with realistic noise (<see cref="SyntheticTimings"/>): a real
/// slowdown beyond the threshold is flagged, the same distribution drawn twice is not, and a change smaller than the
/// threshold is not.
/// </summary>
public class BenchComparisonTests
{
    private const int Samples = 25; // the suite's default per workload

    private static BenchReport Report(params (string Name, double[] Samples)[] workloads)
    {
        var list = new List<WorkloadResult>();
        foreach (var (name, samples) in workloads) list.Add(new WorkloadResult { Name = name, Samples = samples, Kernel = "Vector512" });
        return new BenchReport { Suite = "test", Workloads = list };
    }

    [Fact]
    public void ATwentyPercentSlowdownIsFlaggedInEverySeed()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var rng = new Random(seed);
            BenchReport before = Report(("step", SyntheticTimings.Draw(rng, 3000, Samples)), ("other", SyntheticTimings.Draw(rng, 9000, Samples)));
            BenchReport after = Report(("step", SyntheticTimings.Draw(rng, 3600, Samples)), ("other", SyntheticTimings.Draw(rng, 9000, Samples)));
            List<WorkloadComparison> rows = BenchComparison.Compare(before, after, 0.05);
            Assert.True(rows[0].Verdict == Verdict.Slower, $"seed {seed}: 20 % slower read as {rows[0].Verdict} (p {rows[0].PSlower})");
            Assert.InRange(rows[0].Ratio, 1.1, 1.3);
            Assert.NotEqual(Verdict.Slower, rows[1].Verdict);
        }
    }

    [Fact]
    public void ATwentyPercentSpeedUpIsFasterNotSlower()
    {
        var rng = new Random(3);
        BenchReport before = Report(("step", SyntheticTimings.Draw(rng, 3000, Samples)));
        BenchReport after = Report(("step", SyntheticTimings.Draw(rng, 2400, Samples)));
        Assert.Equal(Verdict.Faster, BenchComparison.Compare(before, after, 0.05)[0].Verdict);
    }

    [Fact]
    public void TheSameDistributionTwiceIsNeverFlagged()
    {
        int flagged = 0;
        for (int seed = 0; seed < 500; seed++)
        {
            var rng = new Random(1000 + seed);
            BenchReport a = Report(("step", SyntheticTimings.Draw(rng, 3000, Samples)));
            BenchReport b = Report(("step", SyntheticTimings.Draw(rng, 3000, Samples)));
            if (BenchComparison.Compare(a, b, 0.05)[0].Verdict != Verdict.Same) flagged++;
        }
        Assert.Equal(0, flagged);
    }

    /// <summary>3 % slower is real but below a 5 % threshold: "same"; with a 1 % threshold and many samples, "slower".</summary>
    [Fact]
    public void AChangeBelowTheThresholdIsSame()
    {
        var rng = new Random(7);
        double[] before = SyntheticTimings.Draw(rng, 3000, 200), after = SyntheticTimings.Draw(rng, 3090, 200);
        Assert.Equal(Verdict.Same, BenchComparison.Compare(Report(("step", before)), Report(("step", after)), 0.05)[0].Verdict);
        Assert.Equal(Verdict.Slower, BenchComparison.Compare(Report(("step", before)), Report(("step", after)), 0.01)[0].Verdict);
    }

    [Fact]
    public void WorkloadsInOnlyOneReportAreMissingNotSlower()
    {
        var rng = new Random(9);
        BenchReport before = Report(("a", SyntheticTimings.Draw(rng, 100, Samples)), ("gone", SyntheticTimings.Draw(rng, 100, Samples)));
        BenchReport after = Report(("a", SyntheticTimings.Draw(rng, 100, Samples)), ("added", SyntheticTimings.Draw(rng, 100, Samples)));
        List<WorkloadComparison> rows = BenchComparison.Compare(before, after, 0.05);
        Assert.Equal(["a", "gone", "added"], rows.Select(r => r.Name));
        Assert.Equal([Verdict.Same, Verdict.Missing, Verdict.Missing], rows.Select(r => r.Verdict));
    }

    [Theory]
    [InlineData("5%", 0.05)]
    [InlineData("5", 0.05)]
    [InlineData(" 0.5 % ", 0.005)]
    [InlineData("0", 0.0)]
    public void ThresholdsParseAsPercentages(string text, double expected) =>
        Assert.Equal(expected, BenchComparison.ParseThreshold(text), 12);

    [Theory]
    [InlineData("-1%")]
    [InlineData("five")]
    [InlineData("NaN")]
    [InlineData("5000%")]
    public void BadThresholdsAreRefused(string text) =>
        Assert.Throws<UsageException>(() => BenchComparison.ParseThreshold(text));
}
