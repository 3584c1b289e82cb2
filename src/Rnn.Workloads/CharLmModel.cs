using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Training.Checkpoints;
using Rnn.Workloads.Data;
using Rnn.Training.Models;

namespace Rnn.Workloads;

/// <summary>A trained char model ready to generate: the runtime objects and the vocabulary saved with them.</summary>
public sealed class CharLmModel : IDisposable
{
    private CharLmModel(InferenceModel inference, CharVocabulary vocabulary, RunState run)
    {
        Inference = inference;
        Vocabulary = vocabulary;
        Run = run;
    }

    public InferenceModel Inference { get; }
    public CharVocabulary Vocabulary { get; }
    public RunState Run { get; }

    public static CharLmModel Load(string path)
    {
        Checkpoint.Loaded loaded = Checkpoint.Load(path, CharLmTrainer.Workload);
        if (!loaded.Run.Extra.TryGetValue(CharLmTrainer.VocabularyKey, out string? text))
            throw new RnnFormatException($"{path}: no '{CharLmTrainer.VocabularyKey}' in the run state; not a char model checkpoint.", path);
        CharVocabulary vocabulary;
        try { vocabulary = CharVocabulary.FromMetadataString(text); }
        catch (ArgumentException e) { throw new RnnFormatException($"{path}: invalid vocabulary: {e.Message}", path, inner: e); }
        if (vocabulary.Count != loaded.Model.Config.VocabularySize)
            throw new RnnFormatException($"{path}: vocabulary has {vocabulary.Count} symbols but the model {loaded.Model.Config.VocabularySize}.", path);
        return new CharLmModel(loaded.Model.ToInference(), vocabulary, loaded.Run);
    }

    /// <summary>Ids of <paramref name="text"/>; a character the model never saw is an error naming it.</summary>
    public int[] EncodePrime(string text)
    {
        var ids = new int[CharVocabulary.CountSymbols(text)];
        int i = 0;
        foreach (System.Text.Rune r in text.EnumerateRunes())
        {
            if (!Vocabulary.TryGetId(r, out ids[i++]))
                throw new ArgumentException($"--prime: character '{r}' (U+{r.Value:X4}) is not in the model's vocabulary of {Vocabulary.Count} characters.");
        }
        return ids;
    }

    public void Dispose() => Inference.Dispose();
}
