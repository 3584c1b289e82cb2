using System.CommandLine;
using Rnn.Runtime;
using Rnn.Runtime.IO;

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

    /// <summary>
    /// Reads an optional .npy tensor that must have exactly <paramref name="expected"/> shape; no path gives an empty
    /// array. The error names the file, the tensor, both shapes and, if given, what the dimensions mean.
    /// </summary>
    public static float[] ReadNpyOrEmpty(string? path, string name, int[] expected, string? meaning = null)
    {
        if (path is null) return [];
        NpyArray a = Npy.Read(path);
        if (!a.Shape.AsSpan().SequenceEqual(expected))
            throw new RnnFormatException(
                $"{path}: {name} has shape {PyTorchStateDict.Show(a.Shape)}, expected {PyTorchStateDict.Show(expected)}{(meaning is null ? "" : $" ({meaning})")}.", path);
        return a.Data;
    }

    public static Option<int> Int(string name, string description, int defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };
}
