using System.Text.Json.Serialization;
using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Training.Models;

/// <summary>What the recurrent network reads and what it predicts.</summary>
public enum OutputMode
{
    /// <summary>A prediction at every step (language model): Dense over every output.</summary>
    ManyToMany,
    /// <summary>One prediction per sequence (classification): Dense over the last step's output.</summary>
    ManyToOne,
}

/// <summary>
/// Embedding(vocabulary, embed) → recurrent stack → Dense(output): the architecture of both workloads.
/// Stored as JSON in checkpoints, so field names are part of the file format.
/// </summary>
public sealed record SequenceModelConfig
{
    public int VocabularySize { get; init; }
    public int EmbeddingSize { get; init; }
    public string Cell { get; init; } = "lstm";
    public int HiddenSize { get; init; }
    public int NumLayers { get; init; } = 1;
    public int OutputSize { get; init; }
    public OutputMode Output { get; init; } = OutputMode.ManyToMany;

    /// <summary>Dropout between recurrent layers and before the Dense layer (char-rnn's placement).</summary>
    public float Dropout { get; init; }

    /// <summary>Keras `dropout`: one mask per sequence on the recurrent stack's input.</summary>
    public float InputDropout { get; init; }

    /// <summary>Keras `recurrent_dropout`: one mask per sequence on h before the recurrent product.</summary>
    public float RecurrentDropout { get; init; }

    [JsonIgnore]
    public CellKind CellKind => CellKinds.Parse(Cell);

    public RnnArchitecture RecurrentArchitecture() =>
        new(CellKind, EmbeddingSize, HiddenSize, NumLayers, Bidirectional: false, HasBias: true, Prefix: SequenceModel.RecurrentPrefix);

    /// <summary>Largest hidden size and layer count a configuration may state: a corrupt or hostile one is refused
    /// before anything is allocated for it.</summary>
    public const int MaxHiddenSize = 1 << 16, MaxLayers = 1024;

    /// <summary>Every parameter the configuration implies, in double (a hostile configuration passes long's range).</summary>
    public double ParameterCount()
    {
        double g = CellKind.GateCount(), h = HiddenSize, recurrent = 0;
        for (int l = 0; l < NumLayers; l++) recurrent += g * h * ((l == 0 ? EmbeddingSize : h) + h) + 2 * g * h;
        return (double)VocabularySize * EmbeddingSize + recurrent + (double)OutputSize * h + OutputSize;
    }

    public void Validate()
    {
        Positive(VocabularySize, "vocabulary size");
        Positive(EmbeddingSize, "embedding size");
        Positive(HiddenSize, "hidden size");
        Positive(NumLayers, "layer count");
        Positive(OutputSize, "output size");
        // A config from a file may say "cell": null (found by fuzzing checkpoints).
        if (Cell is null) throw new ArgumentException("The model's cell is missing (null); expected lstm, gru, rnn-tanh or rnn-relu.");
        if (HiddenSize > MaxHiddenSize) throw new ArgumentException($"The model's hidden size {HiddenSize} is more than the {MaxHiddenSize} allowed.");
        if (NumLayers > MaxLayers) throw new ArgumentException($"The model's layer count {NumLayers} is more than the {MaxLayers} allowed.");
        _ = CellKind;
        Rate(Dropout, "dropout");
        Rate(InputDropout, "input dropout");
        Rate(RecurrentDropout, "recurrent dropout");
    }

    private static void Positive(int value, string what)
    {
        if (value <= 0) throw new ArgumentException($"The model's {what} must be positive, got {value}.");
    }

    private static void Rate(float value, string what)
    {
        if (!(value >= 0f && value < 1f)) throw new ArgumentException($"The model's {what} must be in [0, 1), got {value}.");
    }
}
