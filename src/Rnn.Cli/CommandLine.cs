using System.CommandLine;
using System.Text.Json;
using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Cli;

/// <summary>Exit codes and error reporting shared by every command: one clear line on stderr, exit 2 for bad input.</summary>
internal static class CommandLine
{
    public const int Ok = 0;
    public const int UsageError = 2;

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
            // Escaped: a message can quote bytes from a file (a dtype, a name), which must not reach the terminal as
            // control sequences or as a second line.
            Console.Error.WriteLine($"error: {TextSafety.Escape(WithoutParameterNames(e.Message))}");
            return UsageError;
        }
    }

    /// <summary>ArgumentException appends " (Parameter 'x')", a C# name that means nothing to a command-line user; a
    /// message that wraps another's carries it too, so every one goes.</summary>
    private static string WithoutParameterNames(string message)
    {
        const string Start = " (Parameter '";
        for (int at = message.IndexOf(Start, StringComparison.Ordinal); at >= 0; at = message.IndexOf(Start, at, StringComparison.Ordinal))
        {
            int end = message.IndexOf("')", at + Start.Length, StringComparison.Ordinal);
            if (end < 0) break;
            message = message.Remove(at, end + 2 - at);
        }
        return message;
    }
}

/// <summary>The one-JSON-object-per-run output of --json: an object written by the callback, then a newline.</summary>
internal static class JsonLine
{
    public static void Write(Action<Utf8JsonWriter> body)
    {
        using Stream stdout = Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stdout))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        stdout.WriteByte((byte)'\n');
    }

    /// <summary>JSON has no NaN: a figure that was never measured is null.</summary>
    public static void Number(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value)) writer.WriteNumber(name, value);
        else writer.WriteNull(name);
    }
}

/// <summary>A bad option value or combination, reported to the user as is.</summary>
internal sealed class UsageException(string message) : Exception(message);
