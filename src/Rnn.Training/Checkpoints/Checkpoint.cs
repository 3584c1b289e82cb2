using System.Text.Json;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Training.Models;
using Rnn.Training.Optimizers;
using Rnn.Training.Parameters;

namespace Rnn.Training.Checkpoints;

/// <summary>
/// A training checkpoint in one safetensors file: the model's tensors under their PyTorch names (so
/// <c>model.load_state_dict</c> takes them after dropping the "optimizer." and "run." entries), the optimizer state as
/// "optimizer.{param}.{buffer}", the truncated-BPTT state carried between chunks as "run.carried_state", and the
/// configuration and run state as JSON in the header metadata.
/// The file is written to a temporary name and renamed, so a crash or a full disk never leaves a half-written
/// or missing checkpoint.
/// </summary>
public static class Checkpoint
{
    public const string OptimizerPrefix = "optimizer.";
    public const string ConfigKey = "rnn.config";
    public const string RunKey = "rnn.run";
    public const string OptimizerStepKey = "rnn.optimizer_step";
    public const string WorkloadKey = "rnn.workload";
    public const string CarriedStateName = "run.carried_state";

    /// <param name="carriedState">The truncated-BPTT state of every lane, if the run carries one.</param>
    public static void Save(string path, string workload, SequenceModel model, Optimizer? optimizer, RunState run,
        float[]? carriedState = null)
    {
        var writer = new SafeTensorsWriter();
        writer.Metadata["format"] = "pt";
        writer.Metadata[WorkloadKey] = workload;
        writer.Metadata[ConfigKey] = JsonSerializer.Serialize(model.Config, TrainingJsonContext.Default.SequenceModelConfig);
        writer.Metadata[RunKey] = JsonSerializer.Serialize(run, TrainingJsonContext.Default.RunState);
        foreach (Parameter p in model.Parameters) writer.Add(p.Name, p.Shape, p.Value);
        if (optimizer is not null)
        {
            writer.Metadata[OptimizerStepKey] = optimizer.StepCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var (name, data) in optimizer.ExportState()) writer.Add(OptimizerPrefix + name, [data.Length], data);
        }
        if (carriedState is not null) writer.Add(CarriedStateName, [carriedState.Length], carriedState);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        writer.Save(path);
    }

    /// <summary>What a checkpoint holds, read and checked in full before anything uses it.</summary>
    public sealed class Loaded
    {
        public required string Workload { get; init; }
        public required SequenceModel Model { get; init; }
        public required RunState Run { get; init; }
        public required long OptimizerStep { get; init; }
        public required List<(string Name, float[] Data)> OptimizerState { get; init; }
        public float[]? CarriedState { get; init; }
    }

    public static Loaded Load(string path, string? expectedWorkload = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        string workload = Meta(file, WorkloadKey);
        if (expectedWorkload is not null && workload != expectedWorkload)
            throw new RnnFormatException($"{path}: holds a '{workload}' model, not a '{expectedWorkload}' one.", path);
        SequenceModelConfig config = ParseJson(file, ConfigKey, TrainingJsonContext.Default.SequenceModelConfig);
        try { config.Validate(); }
        catch (ArgumentException e) { throw new RnnFormatException($"{path}: invalid configuration: {e.Message}", path, inner: e); }
        // Checked against the tensors actually stored before anything is allocated for the configuration.
        double stored = 0;
        foreach (string name in file.Names)
            if (name != CarriedStateName && !name.StartsWith(OptimizerPrefix, StringComparison.Ordinal)) stored += file.GetElementCount(name);
        // More than stored is refused here; fewer (tensors the configuration has no use for) is named below, tensor by tensor.
        if (config.ParameterCount() > stored)
            throw new RnnFormatException(
                $"{path}: its configuration ({config.Cell}, {config.NumLayers} x hidden {config.HiddenSize}, vocabulary {config.VocabularySize}, " +
                $"embed {config.EmbeddingSize}, outputs {config.OutputSize}) makes {config.ParameterCount():0} parameters, but the file stores {stored:0}.", path);
        RunState run = ParseJson(file, RunKey, TrainingJsonContext.Default.RunState);
        // JSON can say "extra": null or "random_state": null; every reader of the run state expects them present.
        if (run.Extra is null || run.RandomState is null)
            throw new RnnFormatException($"{path}: metadata '{RunKey}' has a null {(run.Extra is null ? "extra" : "random_state")}.", path);
        SequenceModel model = SequenceModel.FromTensors(config, file);
        var state = new List<(string, float[])>();
        foreach (string name in file.Names)
        {
            if (!name.StartsWith(OptimizerPrefix, StringComparison.Ordinal)) continue;
            float[] data = file.ReadFloat32(name);
            FiniteCheck.Ensure(data, path, name);
            state.Add((name.Substring(OptimizerPrefix.Length), data));
        }
        // A tensor this reader would not use means the file is not what its metadata says (edited, or another model's).
        var known = new HashSet<string>(StringComparer.Ordinal) { CarriedStateName };
        foreach (Parameter p in model.Parameters) known.Add(p.Name);
        foreach (string name in file.Names)
            if (!known.Contains(name) && !name.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
                throw new RnnFormatException(
                    $"{path}: unexpected tensor '{name}': a {workload} checkpoint of this configuration holds the model's {model.Parameters.Count} parameters, '{OptimizerPrefix}*' state and '{CarriedStateName}' only.", path, name);
        float[]? carried = file.Contains(CarriedStateName) ? file.ReadFloat32(CarriedStateName) : null;
        if (carried is not null) FiniteCheck.Ensure(carried, path, CarriedStateName);
        long step = 0;
        if (file.Metadata.TryGetValue(OptimizerStepKey, out string? s) &&
            !long.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out step))
            throw new RnnFormatException($"{path}: metadata '{OptimizerStepKey}' is '{s}', not a step count.", path);
        return new Loaded { Workload = workload, Model = model, Run = run, OptimizerStep = step, OptimizerState = state, CarriedState = carried };
    }

    private static string Meta(SafeTensorsFile file, string key) =>
        file.Metadata.TryGetValue(key, out string? value)
            ? value
            : throw new RnnFormatException($"{file.SourceName}: not a checkpoint of this tool (no '{key}' in the header metadata).", file.SourceName);

    private static T ParseJson<T>(SafeTensorsFile file, string key, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
    {
        string json = Meta(file, key);
        try
        {
            return JsonSerializer.Deserialize(json, info)
                   ?? throw new RnnFormatException($"{file.SourceName}: metadata '{key}' is empty.", file.SourceName);
        }
        catch (JsonException e)
        {
            throw new RnnFormatException($"{file.SourceName}: metadata '{key}' is not valid JSON: {e.Message}", file.SourceName, inner: e);
        }
    }
}
