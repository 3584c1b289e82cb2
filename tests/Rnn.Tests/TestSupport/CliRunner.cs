using System.Diagnostics;

namespace Rnn.Tests.TestSupport;

/// <summary>Runs the `rnn` CLI in a child process, as a user would, capturing its exit code and output.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static Result Run(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "rnn.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(cli);
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("RNN_KERNEL_PATH");
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"rnn {string.Join(' ', args)} did not finish in 5 minutes");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result Run(params string[] args) => Run(null, args);

    /// <summary>The CLI's contract for bad input: exit code 2 and one "error:" line on stderr that mentions
    /// <paramref name="mustMention"/> (a file, an option or a value).</summary>
    public static void AssertFails(string[] args, string mustMention)
    {
        Result r = Run(args);
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode} for {string.Join(' ', args)}: {r.StdErr}");
        string[] lines = r.StdErr.Trim().Split('\n');
        Assert.StartsWith("error:", lines[0]);
        Assert.Single(lines);
        Assert.Contains(mustMention, r.StdErr);
        Assert.DoesNotContain("(Parameter '", r.StdErr); // a C# parameter name means nothing to a command-line user
    }
}
