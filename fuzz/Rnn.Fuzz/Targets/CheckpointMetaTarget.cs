using System.Text;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Training.Checkpoints;

namespace Rnn.Fuzz.Targets;

/// <summary>
/// The JSON a checkpoint carries in its metadata, fuzzed on its own: the input is the workload, the config JSON, the
/// run-state JSON and the optimizer step, separated by NUL bytes (a missing part leaves its key out). The harness
/// writes them with the real tensors of the matching seed model (IMDB for "imdb", char-rnn otherwise), so a mutation
/// of the config meets tensors that no longer fit it, which is where a reader that trusts the config allocates what
/// it claims; then every checkpoint reader runs as in <see cref="CheckpointTarget"/>.
/// </summary>
internal sealed class CheckpointMetaTarget : FuzzTarget
{
    private static readonly string[] Keys = [Checkpoint.WorkloadKey, Checkpoint.ConfigKey, Checkpoint.RunKey, Checkpoint.OptimizerStepKey];
    private SafeTensorsWriter? _imdb, _charLm;

    public override string Name => "checkpoint-meta";
    public override string Description => "checkpoint metadata (workload \\0 config JSON \\0 run JSON \\0 step) with a seed model's tensors";

    public override void Run(ReadOnlySpan<byte> input, ScratchFolder scratch)
    {
        _imdb ??= TensorsOf(SeedModels.TrainImdb(scratch));
        _charLm ??= TensorsOf(SeedModels.TrainCharLm(scratch));

        var values = new string[Keys.Length];
        int count = 0;
        for (ReadOnlySpan<byte> rest = input; count < Keys.Length; count++)
        {
            int end = rest.IndexOf((byte)0);
            values[count] = Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
            if (end < 0) { count++; break; }
            rest = rest[(end + 1)..];
        }
        SafeTensorsWriter writer = values[0] == "imdb" ? _imdb : _charLm;
        writer.Metadata.Clear();
        writer.Metadata["format"] = "pt";
        // Metadata values are JSON strings, so invalid UTF-8 cannot reach the readers through a real file: it was replaced.
        for (int i = 0; i < count; i++) writer.Metadata[Keys[i]] = values[i];

        string path = scratch.File("meta.safetensors");
        writer.Save(path);
        CheckpointTarget.LoadEveryWay(path, scratch);
    }

    /// <summary>Splits a seed checkpoint's metadata into this target's input format (for the seed corpus).</summary>
    public static byte[] InputOf(string checkpointPath)
    {
        using SafeTensorsFile file = SafeTensorsFile.Open(checkpointPath);
        var text = new StringBuilder();
        for (int i = 0; i < Keys.Length; i++)
        {
            if (i > 0) text.Append('\0');
            text.Append(file.Metadata.TryGetValue(Keys[i], out string? value) ? value : "");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static SafeTensorsWriter TensorsOf(string checkpointPath)
    {
        using SafeTensorsFile file = SafeTensorsFile.Open(checkpointPath);
        var writer = new SafeTensorsWriter();
        writer.AddAll(file);
        return writer;
    }
}
