using System.Text.Json.Serialization;

namespace Rnn.Training.Models;

/// <summary>Source-generated JSON for checkpoint metadata: no reflection, so it works under NativeAOT and trimming.</summary>
[JsonSourceGenerationOptions(WriteIndented = false, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(SequenceModelConfig))]
[JsonSerializable(typeof(RunState))]
internal sealed partial class TrainingJsonContext : JsonSerializerContext;
