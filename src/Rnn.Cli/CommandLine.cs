using System.CommandLine;
using Rnn.Runtime.IO;

namespace Rnn.Cli;

/// <summary>Exit codes and error reporting shared by every command: one clear line on stderr, exit 2 for bad input.</summary>
internal static class CommandLine
{
    public const int Ok = 0;
    public const int UsageError = 2;
    public const int Failure = 1;

    public static int Invoke(RootCommand root, string[] args)
    {
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine($"error: {error.Message}");
            Console.Error.WriteLine("Run with --help for usage.");
            return UsageError;
        }
        return parsed.Invoke();
    }

    /// <summary>Runs a command body, turning the errors a user can fix into one line and exit code 2.</summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is RnnFormatException or ArgumentException or FileNotFoundException
                                      or DirectoryNotFoundException or InvalidOperationException or UsageException
                                      or PlatformNotSupportedException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return UsageError;
        }
    }
}

/// <summary>A bad option value or combination, reported to the user as is.</summary>
internal sealed class UsageException(string message) : Exception(message);
