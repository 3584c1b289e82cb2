using System.Text;
using System.Text.Json;
using Rnn.Cli.Commands.Bench;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Cli.Bench;

/// <summary>Reports survive writing and reading exactly; BenchmarkDotNet's full JSON export reads as a report.</summary>
public class BenchReportJsonTests
{
    [Fact]
    public void ASuiteReportRoundTripsEverySampleExactly()
    {
        var rng = new Random(5);
        double[] samples = SyntheticTimings.Draw(rng, 2913.123456789, 25);
        var report = new BenchReport
        {
            Suite = "standard",
            CreatedUtc = "2026-12-05T09:30:00Z",
            Commit = "0123abcd",
            CommitSource = "git",
            DefaultKernel = "Vector512",
            Machine = new MachineInfo
            {
                Cpu = "AMD EPYC 9R45", LogicalCores = 2, LoadAverage = [3.5, 2.25, 1],
                Caches = [new CacheInfo(1, "Data", 49152, "0"), new CacheInfo(2, "Unified", 1048576, "0")],
                Os = "Linux", Dotnet = ".NET 10.0.12",
            },
            Workloads =
            [
                new WorkloadResult
                {
                    Name = "step/lstm/h128/b1/f32", Kind = "step", Cell = "lstm", Input = 128, Hidden = 128, Layers = 1, Batch = 1,
                    SequenceLength = 1, Precision = "f32", Kernel = "Vector512", OpsPerSample = 6000, Samples = samples, AllocBytesPerOp = 0,
                },
                new WorkloadResult { Name = "step/lstm/h128/b1/int8", Precision = "int8", Error = "not supported here" },
            ],
        };
        using var stream = new MemoryStream();
        report.Write(stream);
        using JsonDocument doc = JsonDocument.Parse(stream.ToArray());
        BenchReport back = BenchReport.Read(doc.RootElement, "r.json");

        Assert.Equal(samples, back.Workloads[0].Samples); // bit-exact: compare must see what was measured
        Assert.Equal(report.Workloads[0] with { Samples = [] }, back.Workloads[0] with { Samples = [] });
        Assert.Equal("not supported here", back.Workloads[1].Error);
        Assert.Empty(back.Workloads[1].Samples);
        Assert.Equal(report.Commit, back.Commit);
        Assert.Equal(report.Machine.Cpu, back.Machine.Cpu);
        Assert.Equal(report.Machine.Caches, back.Machine.Caches);
        Assert.Equal(report.Machine.LoadAverage, back.Machine.LoadAverage);
        Assert.Equal(samples[12], doc.RootElement.GetProperty("workloads")[0].GetProperty("samples")[12].GetDouble());
    }

    [Theory]
    [InlineData("""{"format":"something/9","workloads":[]}""", "not an rnn bench report")]
    [InlineData("""{"format":"rnn-bench-report/1"}""", "no 'workloads' array")]
    [InlineData("""{"format":"rnn-bench-report/1","workloads":[{"name":"a","samples":[1,-2]}]}""", "samples[1] is -2")]
    [InlineData("""{"format":"rnn-bench-report/1","workloads":[{"name":"a"}]}""", "no 'samples' array")]
    [InlineData("""{"format":"rnn-bench-report/1","workloads":[{"samples":[1]}]}""", "workloads[0] has no 'name'")]
    [InlineData("""{"format":"rnn-bench-report/1","workloads":[{"name":"a","unit":"ms","samples":[1]}]}""", "unit 'ms'")]
    public void BadReportsAreNamed(string json, string expected)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        var e = Assert.Throws<RnnFormatException>(() => BenchReport.Read(doc.RootElement, "bad.json"));
        Assert.Contains("bad.json", e.Message);
        Assert.Contains(expected, e.Message);
    }

    /// <summary>The shape of BenchmarkDotNet 0.15's full JSON export, trimmed to two cases (one run in two jobs) and a
    /// few iterations: samples are Result-stage workload iterations, nanoseconds / operations.</summary>
    private const string BenchmarkDotNetExport = """
    {
      "Title": "Rnn.Benchmarks.StepBenchmarks-20261205-093000",
      "HostEnvironmentInfo": { "BenchmarkDotNetCaption": "BenchmarkDotNet", "BenchmarkDotNetVersion": "0.15.8",
        "OsVersion": "Debian GNU/Linux 12 (bookworm)", "ProcessorName": "AMD EPYC 9R45", "PhysicalProcessorCount": 1,
        "PhysicalCoreCount": 1, "LogicalCoreCount": 2, "RuntimeVersion": ".NET 10.0.12 (10.0.1225.60609)", "Architecture": "X64" },
      "Benchmarks": [
        { "DisplayInfo": "StepBenchmarks.Ours: Short(IterationCount=15) [Cell=Lstm, Size=128]", "Namespace": "Rnn.Benchmarks",
          "Type": "StepBenchmarks", "Method": "Ours", "MethodTitle": "Ours", "Parameters": "Cell=Lstm&Size=128",
          "FullName": "Rnn.Benchmarks.StepBenchmarks.Ours(Cell: Lstm, Size: 128)",
          "Statistics": { "OriginalValues": [2900.0, 3000.0], "N": 2, "Median": 2950.0 },
          "Measurements": [
            { "IterationMode": "Overhead", "IterationStage": "Actual", "LaunchIndex": 1, "IterationIndex": 1, "Operations": 65536, "Nanoseconds": 65536.0 },
            { "IterationMode": "Workload", "IterationStage": "Warmup", "LaunchIndex": 1, "IterationIndex": 1, "Operations": 65536, "Nanoseconds": 400000000.0 },
            { "IterationMode": "Workload", "IterationStage": "Actual", "LaunchIndex": 1, "IterationIndex": 1, "Operations": 65536, "Nanoseconds": 190119936.0 },
            { "IterationMode": "Workload", "IterationStage": "Result", "LaunchIndex": 1, "IterationIndex": 1, "Operations": 65536, "Nanoseconds": 190054400.0 },
            { "IterationMode": "Workload", "IterationStage": "Result", "LaunchIndex": 1, "IterationIndex": 2, "Operations": 65536, "Nanoseconds": 196608000.0 }
          ] },
        { "DisplayInfo": "TrainingBenchmarks.Ours: Short [Threads=1]", "Type": "TrainingBenchmarks", "Method": "Ours",
          "FullName": "Rnn.Benchmarks.TrainingBenchmarks.Ours(Threads: 1)",
          "Measurements": [ { "IterationMode": "Workload", "IterationStage": "Result", "Operations": 1, "Nanoseconds": 70000000.0 } ] },
        { "DisplayInfo": "TrainingBenchmarks.Ours: DefaultMalloc [Threads=1]", "Type": "TrainingBenchmarks", "Method": "Ours",
          "FullName": "Rnn.Benchmarks.TrainingBenchmarks.Ours(Threads: 1)",
          "Statistics": { "OriginalValues": [71000000.0, 72000000.0] } }
      ]
    }
    """;

    [Fact]
    public void BenchmarkDotNetFullExportReadsAsReport()
    {
        using JsonDocument doc = JsonDocument.Parse(BenchmarkDotNetExport);
        Assert.True(BenchmarkDotNetJson.IsExport(doc.RootElement));
        BenchReport r = BenchmarkDotNetJson.Read(doc.RootElement, "bdn.json");
        Assert.Equal(3, r.Workloads.Count);
        Assert.Equal("Rnn.Benchmarks.StepBenchmarks.Ours(Cell: Lstm, Size: 128)", r.Workloads[0].Name);
        Assert.Equal([190054400.0 / 65536, 196608000.0 / 65536], r.Workloads[0].Samples);
        // One case in two jobs: told apart by their display names. Without measurements, OriginalValues are the samples.
        Assert.Equal("TrainingBenchmarks.Ours: Short [Threads=1]", r.Workloads[1].Name);
        Assert.Equal([70000000.0], r.Workloads[1].Samples);
        Assert.Equal("TrainingBenchmarks.Ours: DefaultMalloc [Threads=1]", r.Workloads[2].Name);
        Assert.Equal([71000000.0, 72000000.0], r.Workloads[2].Samples);
        Assert.Equal("AMD EPYC 9R45", r.Machine.Cpu);
        Assert.Equal(2, r.Machine.LogicalCores);
    }

    [Fact]
    public void CompareReadsBothKindsAndFailsOnlyOnASlowdown()
    {
        using var tmp = new TempDirectory();
        var rng = new Random(11);
        string Write(string name, double floor)
        {
            var report = new BenchReport
            {
                Suite = "test",
                Workloads = [new WorkloadResult { Name = "step/gru/h128/b1/f32", Samples = SyntheticTimings.Draw(rng, floor, 25) }],
            };
            string path = tmp.File(name);
            using (FileStream f = File.Create(path)) report.Write(f);
            return path;
        }
        string a = Write("a.json", 3000), same = Write("same.json", 3000), slow = Write("slow.json", 3600);
        var text = new StringWriter();
        Assert.Equal(0, BenchCompareCommand.Run(a, same, "5%", text));
        Assert.Contains("same", text.ToString());
        text = new StringWriter();
        Assert.Equal(BenchCompareCommand.Slower, BenchCompareCommand.Run(a, slow, "5%", text));
        Assert.Matches(@"step/gru/h128/b1/f32 .* 1\.[12]\d\dx +slower \(p = ", text.ToString());
        // A 20 % slowdown passes a 50 % threshold.
        Assert.Equal(0, BenchCompareCommand.Run(a, slow, "50%", new StringWriter()));

        string bdn = tmp.File("bdn.json");
        File.WriteAllText(bdn, BenchmarkDotNetExport, Encoding.UTF8);
        text = new StringWriter();
        Assert.Equal(0, BenchCompareCommand.Run(bdn, bdn, "5%", text));
        Assert.Contains("3 same", text.ToString());
    }
}
