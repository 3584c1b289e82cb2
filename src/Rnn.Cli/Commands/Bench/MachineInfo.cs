using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Rnn.Cli.Commands.Bench;

/// <summary>One CPU cache as Linux describes it under /sys/devices/system/cpu/cpu0/cache.</summary>
internal sealed record CacheInfo(int Level, string Type, long SizeBytes, string? SharedWith);

/// <summary>Where a report was measured: CPU, cores, caches, load, runtime, and which code (the commit).</summary>
internal sealed record MachineInfo
{
    public string? Cpu { get; init; }
    public int LogicalCores { get; init; }
    public CacheInfo[] Caches { get; init; } = [];

    /// <summary>The 1-, 5- and 15-minute load averages from /proc/loadavg when the run started (others' work slows ours).</summary>
    public double[] LoadAverage { get; init; } = [];
    public string? Os { get; init; }
    public string? Dotnet { get; init; }

    /// <summary>Describes this machine and process now.</summary>
    public static MachineInfo Current() => new()
    {
        Cpu = CpuModel(),
        LogicalCores = Environment.ProcessorCount,
        Caches = Caches0(),
        LoadAverage = LoadAverageNow(),
        Os = RuntimeInformation.OSDescription,
        Dotnet = RuntimeInformation.FrameworkDescription,
    };

    /// <summary>"model name" from /proc/cpuinfo (x64 Linux), else the architecture.</summary>
    private static string CpuModel()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is int colon and > 0)
                    return line[(colon + 1)..].Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static CacheInfo[] Caches0()
    {
        const string Root = "/sys/devices/system/cpu/cpu0/cache";
        var caches = new List<CacheInfo>();
        try
        {
            if (!Directory.Exists(Root)) return [];
            string[] indexes = Directory.GetDirectories(Root, "index*");
            Array.Sort(indexes, StringComparer.Ordinal);
            foreach (string dir in indexes)
            {
                string? level = ReadTrimmed(Path.Combine(dir, "level")), type = ReadTrimmed(Path.Combine(dir, "type")),
                        size = ReadTrimmed(Path.Combine(dir, "size"));
                if (level is null || type is null || size is null || !int.TryParse(level, CultureInfo.InvariantCulture, out int l)) continue;
                caches.Add(new CacheInfo(l, type, ParseSize(size), ReadTrimmed(Path.Combine(dir, "shared_cpu_list"))));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return [.. caches];
    }

    /// <summary>sysfs sizes read "48K", "1024K", "32768K" or "32M".</summary>
    private static long ParseSize(string text)
    {
        long scale = 1;
        if (text.EndsWith('K')) { scale = 1024; text = text[..^1]; }
        else if (text.EndsWith('M')) { scale = 1024 * 1024; text = text[..^1]; }
        return long.TryParse(text, CultureInfo.InvariantCulture, out long n) ? n * scale : -1;
    }

    private static double[] LoadAverageNow()
    {
        string? text = ReadTrimmed("/proc/loadavg");
        if (text is null) return [];
        string[] parts = text.Split(' ');
        var load = new List<double>();
        for (int i = 0; i < Math.Min(3, parts.Length); i++)
            if (double.TryParse(parts[i], CultureInfo.InvariantCulture, out double v)) load.Add(v);
        return [.. load];
    }

    private static string? ReadTrimmed(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path).Trim() : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}

/// <summary>Which code a report measured.</summary>
internal static class CommitInfo
{
    /// <summary>The variable that names the commit when the binary runs outside its checkout (CI, a copied binary).</summary>
    public const string EnvironmentVariable = "RNN_COMMIT";

    /// <summary>
    /// RNN_COMMIT if set; else the commit the binary was built from, if the build was given one
    /// (<c>-p:SourceRevisionId=$(git rev-parse HEAD)</c>, which .NET appends to the informational version after '+');
    /// else <c>git rev-parse HEAD</c> in the current folder (with "-dirty" when tracked files changed); else null.
    /// </summary>
    public static (string? Commit, string Source) Find()
    {
        string? env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env)) return (env.Trim(), "env:" + EnvironmentVariable);
        string? version = typeof(CommitInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (version is not null && version.IndexOf('+') is int plus and >= 0 && plus + 1 < version.Length)
            return (version[(plus + 1)..], "build");
        string? head = Git("rev-parse HEAD");
        if (head is not null)
            return (Git("status --porcelain --untracked-files=no") is { Length: > 0 } ? head + "-dirty" : head, "git");
        return (null, "unknown");
    }

    private static string? Git(string arguments)
    {
        try
        {
            var psi = new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using Process? p = Process.Start(psi);
            if (p is null) return null;
            string output = p.StandardOutput.ReadToEnd().Trim();
            p.StandardError.ReadToEnd();
            if (!p.WaitForExit(5000)) { p.Kill(); return null; }
            return p.ExitCode == 0 ? output : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException) { return null; }
    }
}
