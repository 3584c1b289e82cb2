using System.Text.Json;
using Rnn.Cli.Commands.Bench;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Cli.Bench;

/// <summary>rnn bench --suite and rnn bench compare through the command line, as a user or CI job runs them.</summary>
public class BenchSuiteCliTests
{
    [Fact]
    public void AQuickSuiteRunWritesAReportThatCompareReads()
    {
        using var tmp = new TempDirectory();
        string report = tmp.File("out.json");
        var r = CliRunner.Run("bench", "--suite", "standard", "--quick", "--only", "step/gru/h128/", "--only", "train/", "--json", report);
        Assert.True(r.ExitCode == 0, r.StdErr);
        BenchReport read = BenchCompareCommand.Load(report);
        Assert.Equal(["step/gru/h128/b1/f32", "step/gru/h128/b1/bf16", "step/gru/h128/b1/int8", "train/lstm/2x256/t64/b32/f32"], read.Workloads.Select(w => w.Name));
        foreach (WorkloadResult w in read.Workloads)
        {
            Assert.Equal(SuiteSettings.Quick.Samples, w.Samples.Length);
            Assert.All(w.Samples, s => Assert.True(s > 0));
            Assert.Contains(w.Kernel, new[] { "Scalar", "Vector128", "Vector256", "Vector512" });
        }
        Assert.Equal(0, read.Workloads[0].AllocBytesPerOp);
        Assert.True(read.Machine.LogicalCores > 0);
        Assert.False(string.IsNullOrEmpty(read.Machine.Dotnet));
        Assert.Equal("standard", read.Suite);
        Assert.Contains("step/gru/h128/b1/f32", r.StdOut); // the table is printed too

        var same = CliRunner.Run("bench", "compare", report, report);
        Assert.True(same.ExitCode == 0, same.StdOut + same.StdErr);
        Assert.Contains("0 slower, 0 faster, 4 same", same.StdOut);
    }

    [Fact]
    public void JsonAloneWritesTheReportToStdout()
    {
        var r = CliRunner.Run("bench", "--suite", "gate", "--quick", "--only", "step/rnn-tanh", "--json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using JsonDocument doc = JsonDocument.Parse(r.StdOut);
        Assert.Equal("step/rnn-tanh/h128/b1/f32", doc.RootElement.GetProperty("workloads")[0].GetProperty("name").GetString());
        Assert.Contains("step/rnn-tanh", r.StdErr); // the table went to stderr
    }

    [Fact]
    public void FixedOpsRunsEveryGateWorkloadWithoutTiming()
    {
        var r = CliRunner.Run("bench", "--suite", "gate", "--fixed-ops", "1");
        Assert.True(r.ExitCode == 0, r.StdErr);
        string[] lines = r.StdOut.Trim().Split('\n');
        // The workloads the perf gate's committed baseline counts, each once, in order: its name, the count, the kernel;
        // no time, since instruction counts are the measurement.
        string root = GoldenData.FindRepoRoot() ?? throw new InvalidOperationException("no Rnn.slnx above the test binaries");
        using JsonDocument baseline = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "perf", "instruction-baseline.json")));
        var expected = new List<string>();
        foreach (JsonProperty workload in baseline.RootElement.GetProperty("workloads").EnumerateObject()) expected.Add(workload.Name);
        Assert.True(expected.Count >= 8, $"the baseline lists {expected.Count} workloads");
        Assert.Equal(expected.Count, lines.Length);
        for (int i = 0; i < lines.Length; i++)
            Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(expected[i])}: 1 ops, kernel (Scalar|Vector128|Vector256|Vector512)$", lines[i].TrimEnd('\r'));
    }

    [Theory]
    [InlineData(new[] { "bench", "--suite", "nightly" }, "--suite 'nightly'")]
    [InlineData(new[] { "bench", "--suite", "standard", "--hidden", "64" }, "--hidden")]
    [InlineData(new[] { "bench", "--suite", "standard", "--only", "transformer" }, "--only transformer")]
    [InlineData(new[] { "bench", "--quick" }, "--quick")]
    [InlineData(new[] { "bench", "--suite", "gate", "--fixed-ops", "-1" }, "--fixed-ops")]
    [InlineData(new[] { "bench", "--json", "out.json" }, "--json")]
    [InlineData(new[] { "bench", "compare", "missing-a.json", "missing-b.json" }, "missing-a.json")]
    [InlineData(new[] { "bench", "compare", "a.json", "b.json", "--threshold", "lots" }, "--threshold")]
    public void BadUsageExitsWithTwoAndOneLine(string[] args, string mustMention) => CliRunner.AssertFails(args, mustMention);

    [Fact]
    public void CompareNamesAFileThatIsNotAReport()
    {
        using var tmp = new TempDirectory();
        string notJson = tmp.File("notes.json"), other = tmp.File("other.json");
        File.WriteAllText(notJson, "step: 3 µs");
        File.WriteAllText(other, """{"format":"rnn-bench-report/1","workloads":[]}""");
        CliRunner.AssertFails(["bench", "compare", notJson, other], "notes.json");
        CliRunner.AssertFails(["bench", "compare", other, notJson], "notes.json");
    }
}
