using System.Text.Json;
using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Cli.Commands.Bench;

/// <summary>
/// Reads BenchmarkDotNet's full JSON export (<c>--exporters json</c>, <c>*-report-full.json</c>) as a report: one
/// workload per benchmark case, named by its FullName (plus its DisplayInfo when one case runs in several jobs), whose
/// samples are the nanoseconds per operation of each measured iteration (IterationMode Workload, stage Result, the
/// iterations BenchmarkDotNet's own statistics use). Without per-iteration measurements (the brief export), the
/// statistics' OriginalValues are used.
/// </summary>
internal static class BenchmarkDotNetJson
{
    /// <summary>Whether <paramref name="root"/> looks like a BenchmarkDotNet export (it has a Benchmarks array).</summary>
    public static bool IsExport(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Benchmarks", out JsonElement b) && b.ValueKind == JsonValueKind.Array;

    public static BenchReport Read(JsonElement root, string path)
    {
        JsonElement benchmarks = root.GetProperty("Benchmarks");
        var fullNameCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (JsonElement b in benchmarks.EnumerateArray())
        {
            string fullName = String(b, "FullName") ?? "";
            fullNameCounts[fullName] = fullNameCounts.GetValueOrDefault(fullName) + 1;
        }
        var workloads = new List<WorkloadResult>();
        int index = 0;
        foreach (JsonElement b in benchmarks.EnumerateArray())
        {
            string where = $"{path}: Benchmarks[{index++}]";
            string? fullName = String(b, "FullName");
            if (string.IsNullOrEmpty(fullName)) throw new RnnFormatException($"{where} has no FullName.", path);
            string name = fullNameCounts[fullName] > 1 ? String(b, "DisplayInfo") ?? fullName : fullName;
            double[] samples = Samples(b, where, path);
            workloads.Add(new WorkloadResult { Name = name, Kind = "benchmarkdotnet", Samples = samples, OpsPerSample = 0 });
        }
        MachineInfo machine = new();
        if (root.TryGetProperty("HostEnvironmentInfo", out JsonElement host) && host.ValueKind == JsonValueKind.Object)
            machine = new MachineInfo
            {
                Cpu = String(host, "ProcessorName"),
                LogicalCores = host.TryGetProperty("LogicalCoreCount", out JsonElement c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0,
                Os = String(host, "OsVersion"),
                Dotnet = String(host, "RuntimeVersion"),
            };
        return new BenchReport { Suite = String(root, "Title"), Machine = machine, Workloads = workloads };
    }

    private static double[] Samples(JsonElement b, string where, string path)
    {
        var samples = new List<double>();
        if (b.TryGetProperty("Measurements", out JsonElement measurements) && measurements.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement m in measurements.EnumerateArray())
            {
                if (String(m, "IterationMode") != "Workload" || String(m, "IterationStage") != "Result") continue;
                if (!m.TryGetProperty("Operations", out JsonElement ops) || !ops.TryGetInt64(out long operations) || operations <= 0
                    || !m.TryGetProperty("Nanoseconds", out JsonElement ns) || !ns.TryGetDouble(out double nanoseconds) || !(nanoseconds > 0))
                    throw new RnnFormatException($"{where}: a Workload/Result measurement without positive Operations and Nanoseconds.", path);
                samples.Add(nanoseconds / operations);
            }
        }
        if (samples.Count == 0 && b.TryGetProperty("Statistics", out JsonElement stats) && stats.ValueKind == JsonValueKind.Object
            && stats.TryGetProperty("OriginalValues", out JsonElement values) && values.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement v in values.EnumerateArray())
                if (v.TryGetDouble(out double d) && d > 0) samples.Add(d);
        }
        // A benchmark that failed has neither: kept with no samples, so compare reports it instead of failing to read.
        return [.. samples];
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
