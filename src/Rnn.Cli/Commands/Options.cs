using System.CommandLine;
using Rnn.Runtime;

namespace Rnn.Cli.Commands;

/// <summary>Option parsing helpers shared by commands.</summary>
internal static class Options
{
    public static CellKind? ParseCell(string? text) => text is null ? null : ParseCellOrThrow(text);

    private static CellKind ParseCellOrThrow(string text)
    {
        try { return CellKinds.Parse(text); }
        catch (ArgumentException) { throw new UsageException($"--cell '{text}' is not a cell kind: expected lstm, gru, rnn-tanh or rnn-relu."); }
    }

    public static void RequireExisting(string? path, string option)
    {
        if (path is null) return;
        if (!File.Exists(path)) throw new FileNotFoundException($"{option}: file '{path}' does not exist.", path);
    }

    public static void RequirePositive(int value, string option)
    {
        if (value <= 0) throw new UsageException($"{option} must be a positive number, got {value}.");
    }

    public static Option<int> Int(string name, string description, int defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };
}
