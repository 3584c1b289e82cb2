using Rnn.Runtime.Kernels;
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
        if (Directory.Exists(path)) throw new UsageException($"{option}: '{path}' is a folder, not a file.");
        if (!File.Exists(path)) throw new FileNotFoundException($"{option}: file '{path}' does not exist.", path);
    }

    /// <summary>
    /// Checked before any work, so a run that cannot write one of its outputs writes none of them: the temporary file
    /// the write will use is really created (and removed) beside the target, which also finds a read-only folder.
    /// </summary>
    /// <param name="createFolder">Make a missing folder first (a training run's checkpoint: <c>--out out/m.safetensors</c>
    /// on a fresh clone), instead of refusing.</param>
    public static void RequireWritableFile(string? path, string option, bool createFolder = false)
    {
        if (path is null) return;
        string full = AtomicFileWriter.FollowLinks(Path.GetFullPath(path));
        if (Directory.Exists(full)) throw new UsageException($"{option}: '{path}' is a folder; expected a file to write.");
        string? folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
        {
            if (!createFolder) throw new UsageException($"{option}: cannot write '{path}': folder '{folder}' does not exist.");
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"{option}: cannot create the folder '{folder}' for '{path}': {e.Message}");
            }
        }
        try
        {
            AtomicFileWriter.CheckWritable(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: cannot write '{path}': {e.Message}");
        }
    }

    /// <summary>An output folder (created if missing) and the files that will be written into it, each proven writable
    /// (or, for a folder still to be made, its parent).</summary>
    public static void RequireOutputFolder(string path, string option, params ReadOnlySpan<string> fileNames)
    {
        if (File.Exists(path)) throw new UsageException($"{option}: '{path}' is a file; expected a folder (created if missing).");
        foreach (string name in fileNames)
        {
            string target = Path.Combine(path, name);
            if (Directory.Exists(target)) throw new UsageException($"{option}: '{target}' is a folder; cannot write {name} there.");
            if (Directory.Exists(path)) RequireWritableFile(target, option);
        }
        if (!Directory.Exists(path))
        {
            // The folders to make start below the nearest one that exists: a file can be made there, so a folder can too.
            string probe = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
            while (Path.GetDirectoryName(probe) is { } up && !Directory.Exists(up)) probe = up;
            RequireWritableFile(probe, option);
        }
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

    /// <summary>How a training run's shards map onto threads, for its start-up line: at most one thread per shard.</summary>
    public static string ShardsOnThreads(int shards, int threads)
    {
        int used = Math.Min(shards, threads);
        return $"{shards} shard{(shards == 1 ? "" : "s")} on {used} thread{(used == 1 ? "" : "s")}" +
               (threads > shards ? $" (--threads {threads}: one per shard at most)" : "");
    }

    /// <summary>--precision: f32 (exact), bf16 (half the weight bytes), int8 (a quarter), as the runtime's WeightPrecision.</summary>
    public static Option<string> Precision() =>
        new("--precision") { Description = "weights read per step: f32 (exact) | bf16 (half the bytes, ~1e-3 off) | int8 (a quarter, ~1e-2 off)", DefaultValueFactory = _ => "f32" };

    public static WeightPrecision ParsePrecision(string text) => text.ToLowerInvariant() switch
    {
        "f32" or "float32" => WeightPrecision.Float32,
        "bf16" or "bfloat16" => WeightPrecision.BFloat16,
        "int8" or "i8" => WeightPrecision.Int8,
        _ => throw new UsageException($"--precision '{text}' is not f32, bf16 or int8."),
    };

    public static Option<int> Int(string name, string description, int defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };
}
