using System.CommandLine;
using System.Globalization;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;

namespace Rnn.Cli.Commands.Bench;

/// <summary>
/// <c>rnn bench --suite NAME [--json [FILE]] [--quick] [--only TEXT] [--fixed-ops N]</c>: runs a fixed set of workloads
/// (see <see cref="BenchSuites"/>) and prints a table, or writes a report with every sample for <c>rnn bench compare</c>.
/// <c>--fixed-ops N</c> runs each workload exactly N operations with no clock at all, for instruction counting.
/// </summary>
internal sealed class BenchSuiteCommand
{
    private readonly Option<string?> _suite = new("--suite") { Description = $"run a fixed set of workloads: {string.Join(" | ", BenchSuites.Names)} (with --json FILE: a report for 'rnn bench compare')" };
    private readonly Option<bool> _quick = new("--quick") { Description = "with --suite: fewer, shorter samples (a smoke run; too few to see a small change)" };
    private readonly Option<string[]> _only = new("--only") { Description = "with --suite: only the workloads whose names contain this text (repeatable)", AllowMultipleArgumentsPerToken = false };
    private readonly Option<int?> _fixedOps = new("--fixed-ops") { Description = "with --suite: run each workload exactly N operations after 2 warm-up ones, no timing (for instruction counts)" };

    /// <summary>Adds the suite's options to the bench command.</summary>
    public void AddTo(Command bench)
    {
        bench.Options.Add(_suite);
        bench.Options.Add(_quick);
        bench.Options.Add(_only);
        bench.Options.Add(_fixedOps);
    }

    /// <summary>Whether this invocation asks for a suite; the single-workload options then must not be given.</summary>
    public bool IsRequested(ParseResult r) => r.GetValue(_suite) is not null;

    /// <summary>Whether a suite-only option was given without --suite.</summary>
    public string? StrayOption(ParseResult r) =>
        r.GetValue(_quick) ? "--quick" : r.GetValue(_only) is { Length: > 0 } ? "--only" : r.GetValue(_fixedOps) is not null ? "--fixed-ops" : null;

    /// <summary>
    /// Runs the suite. <paramref name="jsonGiven"/>/<paramref name="jsonPath"/>: --json given (alone: the report on
    /// stdout; with a file: the report written there, the table still printed).
    /// </summary>
    public int Run(ParseResult r, bool jsonGiven, string? jsonPath)
    {
        IReadOnlyList<SuiteWorkload> suite = BenchSuites.Get(r.GetValue(_suite)!);
        string[] only = r.GetValue(_only) ?? [];
        var selected = new List<SuiteWorkload>();
        foreach (SuiteWorkload w in suite)
            if (only.Length == 0 || Array.Exists(only, o => w.Name.Contains(o, StringComparison.OrdinalIgnoreCase)))
                selected.Add(w);
        if (selected.Count == 0)
            throw new UsageException($"--only {string.Join(" --only ", only)} matches no workload of suite '{r.GetValue(_suite)}'.");

        if (r.GetValue(_fixedOps) is { } fixedOps)
        {
            if (fixedOps < 0) throw new UsageException($"--fixed-ops must be 0 or more, got {fixedOps}.");
            if (jsonGiven) throw new UsageException("--fixed-ops times nothing, so it writes no --json report.");
            if (r.GetValue(_quick)) throw new UsageException("--fixed-ops and --quick do not go together: --fixed-ops times nothing.");
            foreach (SuiteWorkload w in selected)
            {
                string kernel = SuiteRunner.RunFixed(w, fixedOps);
                Console.WriteLine($"{w.Name}: {fixedOps} ops, kernel {kernel}");
            }
            return CommandLine.Ok;
        }

        Options.RequireWritableFile(jsonPath, "--json");
        SuiteSettings settings = r.GetValue(_quick) ? SuiteSettings.Quick : SuiteSettings.Default;
        (string? commit, string commitSource) = CommitInfo.Find();
        MachineInfo machine = MachineInfo.Current();
        // With the report on stdout, the table goes to stderr so the JSON stays parseable.
        TextWriter table = jsonGiven && jsonPath is null ? Console.Error : Console.Out;
        table.WriteLine($"suite {r.GetValue(_suite)}{(settings == SuiteSettings.Quick ? " (quick)" : "")}: {selected.Count} workloads, {settings.Samples} samples each; " +
                        $"{machine.Cpu}, {machine.LogicalCores} cores, load {string.Join(" ", machine.LoadAverage)}; commit {commit ?? "unknown"}");
        table.WriteLine($"{"workload",-40} {"median",12} {"min",12} {"kernel",-10} alloc B/op");
        var results = new List<WorkloadResult>(selected.Count);
        foreach (SuiteWorkload w in selected)
        {
            WorkloadResult result = SuiteRunner.Time(w, settings);
            results.Add(result);
            if (result.Error is not null) table.WriteLine($"{w.Name,-40} skipped: {result.Error}");
            else
            {
                double min = result.Samples.Min();
                table.WriteLine($"{w.Name,-40} {Duration(result.Median),12} {Duration(min),12} {result.Kernel,-10} {result.AllocBytesPerOp.ToString("0.#", CultureInfo.InvariantCulture)}");
            }
        }
        var report = new BenchReport
        {
            Suite = r.GetValue(_suite),
            CreatedUtc = BenchReport.Now(),
            Commit = commit,
            CommitSource = commitSource,
            DefaultKernel = KernelPaths.Default.ToString(),
            Machine = machine,
            Workloads = results,
        };
        if (jsonPath is not null)
        {
            // Written beside the target and renamed over it: an interrupted run leaves the old report whole.
            string temporary = jsonPath + ".tmp";
            using (FileStream file = File.Create(temporary)) report.Write(file);
            File.Move(temporary, jsonPath, overwrite: true);
            table.WriteLine($"wrote {jsonPath}");
        }
        else if (jsonGiven)
        {
            using Stream stdout = Console.OpenStandardOutput();
            report.Write(stdout);
            stdout.WriteByte((byte)'\n');
        }
        return CommandLine.Ok;
    }

    /// <summary>ns, µs, ms or s with 3-4 significant digits.</summary>
    public static string Duration(double nanoseconds)
    {
        if (double.IsNaN(nanoseconds)) return "-";
        (double value, string unit) = nanoseconds switch
        {
            < 1e3 => (nanoseconds, "ns"),
            < 1e6 => (nanoseconds / 1e3, "µs"),
            < 1e9 => (nanoseconds / 1e6, "ms"),
            _ => (nanoseconds / 1e9, "s"),
        };
        string format = value < 10 ? "0.000" : value < 100 ? "0.00" : "0.0";
        return value.ToString(format, CultureInfo.InvariantCulture) + " " + unit;
    }
}
