using System.Diagnostics;

namespace Rnn.Tests.TestSupport;

/// <summary>Runs the `rnn` CLI in a child process, as a user would, capturing its exit code and output.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static Result Run(IReadOnlyDictionary<string, string>? environment, params string[] args) => Run(environment, null, args);

    /// <summary>Runs with <paramref name="input"/> piped to standard input (then closed); a child that stops reading
    /// early (refusing too much input) ends the pipe, which is not an error here.</summary>
    public static Result RunWithInput(byte[] input, params string[] args) => Run(null, input, args);

    private static Result Run(IReadOnlyDictionary<string, string>? environment, byte[]? input, string[] args)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "rnn.dll");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null, UseShellExecute = false,
        };
        psi.ArgumentList.Add(cli);
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("RNN_KERNEL_PATH");
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        Task writer = input is null ? Task.CompletedTask : Task.Run(() =>
        {
            try
            {
                using Stream stdin = p.StandardInput.BaseStream;
                stdin.Write(input);
            }
            catch (IOException) { } // the child closed its end
        });
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"rnn {string.Join(' ', args)} did not finish in 5 minutes");
        }
        writer.Wait(TimeSpan.FromSeconds(30));
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result Run(params string[] args) => Run(null, args);

    /// <summary>The CLI's contract for bad input: exit code 2 and one "error:" line on stderr that mentions
    /// <paramref name="mustMention"/> (a file, an option or a value).</summary>
    public static void AssertFails(string[] args, string mustMention) => AssertFails(Run(args), args, mustMention);

    /// <summary><see cref="AssertFails(string[], string)"/> for a run already made (one with input, say).</summary>
    public static void AssertFails(Result r, string[] args, string mustMention)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode} for {string.Join(' ', args)}: {r.StdErr}");
        string[] lines = r.StdErr.Trim().Split('\n');
        Assert.StartsWith("error:", lines[0]);
        Assert.Single(lines);
        Assert.Contains(mustMention, r.StdErr);
        Assert.DoesNotContain("(Parameter '", r.StdErr); // a C# parameter name means nothing to a command-line user
    }
}
