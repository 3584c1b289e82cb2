using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Cli.Commands.Bench;

/// <summary>
/// <c>rnn bench compare BASE NEW [--threshold 5%]</c>: a table per workload (base and new medians, new / base, verdict)
/// from two suite reports or BenchmarkDotNet full JSON exports. Exit code 1 when a workload is slower beyond the
/// threshold and significantly so (see <see cref="BenchComparison"/>); 0 otherwise; 2 for unreadable input.
/// </summary>
internal static class BenchCompareCommand
{
    /// <summary>The exit code of a comparison that found a workload slower.</summary>
    public const int Slower = 1;

    public static Command Create()
    {
        var baseFile = new Argument<string>("base") { Description = "the report of the code before the change (rnn bench --suite … --json FILE, or a BenchmarkDotNet *-report-full.json)" };
        var newFile = new Argument<string>("new") { Description = "the report of the code after the change, same kind" };
        var threshold = new Option<string>("--threshold") { Description = "how much slower counts (relative, e.g. 5%); smaller changes are 'same'", DefaultValueFactory = _ => "5%" };
        var command = new Command("compare", "Compare two bench reports workload by workload (Mann-Whitney test, threshold); exit 1 if something got slower.")
        {
            baseFile, newFile, threshold,
        };
        command.SetAction(r => CommandLine.Guard(() => Run(r.GetValue(baseFile)!, r.GetValue(newFile)!, r.GetValue(threshold)!, Console.Out)));
        return command;
    }

    public static int Run(string basePath, string newPath, string thresholdText, TextWriter output)
    {
        double threshold = BenchComparison.ParseThreshold(thresholdText);
        Options.RequireExisting(basePath, "base");
        Options.RequireExisting(newPath, "new");
        BenchReport baseline = Load(basePath), current = Load(newPath);
        List<WorkloadComparison> rows = BenchComparison.Compare(baseline, current, threshold);

        output.WriteLine($"base: {Describe(baseline)}");
        output.WriteLine($"new:  {Describe(current)}");
        if (baseline.Machine.Cpu != current.Machine.Cpu)
            output.WriteLine($"note: different CPUs ({baseline.Machine.Cpu} vs {current.Machine.Cpu}): the ratios compare machines, not code.");
        int width = 8;
        foreach (WorkloadComparison row in rows) width = Math.Max(width, row.Name.Length);
        output.WriteLine($"{"workload".PadRight(width)} {"base",12} {"new",12} {"new/base",9}  verdict");
        int slower = 0, faster = 0, same = 0, missing = 0;
        foreach (WorkloadComparison row in rows)
        {
            string verdict = row.Verdict switch
            {
                Verdict.Slower => $"slower (p = {row.PSlower.ToString("0.#e0", CultureInfo.InvariantCulture)})",
                Verdict.Faster => $"faster (p = {row.PFaster.ToString("0.#e0", CultureInfo.InvariantCulture)})",
                Verdict.Same => "same",
                _ => "missing",
            };
            switch (row.Verdict)
            {
                case Verdict.Slower: slower++; break;
                case Verdict.Faster: faster++; break;
                case Verdict.Same: same++; break;
                default: missing++; break;
            }
            string ratio = double.IsFinite(row.Ratio) ? row.Ratio.ToString("0.000", CultureInfo.InvariantCulture) + "x" : "-";
            output.WriteLine($"{row.Name.PadRight(width)} {BenchSuiteCommand.Duration(row.BaseMedian),12} {BenchSuiteCommand.Duration(row.NewMedian),12} {ratio,9}  {verdict}{(row.Note is null ? "" : $" ({row.Note})")}");
        }
        string percent = (threshold * 100).ToString("0.###", CultureInfo.InvariantCulture);
        output.WriteLine($"{slower} slower, {faster} faster, {same} same, {missing} missing; threshold {percent}%, " +
                         $"one-sided Mann-Whitney test at alpha {BenchComparison.Alpha.ToString(CultureInfo.InvariantCulture)} (Perfolizer)");
        return slower > 0 ? Slower : CommandLine.Ok;
    }

    /// <summary>Reads a suite report or a BenchmarkDotNet export; errors name the file.</summary>
    public static BenchReport Load(string path)
    {
        ReadOnlyMemory<byte> bytes = File.ReadAllBytes(path);
        if (bytes.Span.StartsWith("\uFEFF"u8)) bytes = bytes[3..]; // a UTF-8 byte-order mark, as some tools write
        JsonDocument doc;
        try { doc = JsonDocument.Parse(bytes); }
        catch (JsonException e) { throw new RnnFormatException($"{path}: not valid JSON ({e.Message})", path); }
        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new RnnFormatException($"{path}: expected a JSON object (an rnn bench report or a BenchmarkDotNet export), found {root.ValueKind}.", path);
            return BenchmarkDotNetJson.IsExport(root) ? BenchmarkDotNetJson.Read(root, path) : BenchReport.Read(root, path);
        }
    }

    private static string Describe(BenchReport r)
    {
        string load = r.Machine.LoadAverage.Length > 0 ? $", load {string.Join(" ", r.Machine.LoadAverage)}" : "";
        return $"{r.Suite ?? "?"} {r.CreatedUtc ?? ""} commit {r.Commit ?? "unknown"}, {r.Machine.Cpu ?? "unknown CPU"}{load}";
    }
}
