using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Runtime.Kernels;
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
                throw new ArgumentException($"--prime: character '{Rnn.Runtime.TextSafety.Escape(r.ToString())}' (U+{r.Value:X4}) is not in the model's vocabulary of {Vocabulary.Count} characters.");
        }
        return ids;
    }

    /// <summary>
    /// Mean cross-entropy (nats per character) of predicting each of <paramref name="ids"/> from the ones before it, one
    /// stream from a zero state with its weights in <paramref name="precision"/>: the same text scored at float32 and at
    /// int8 shows what quantization costs.
    /// </summary>
    public double MeanLoss(ReadOnlySpan<int> ids, WeightPrecision precision)
    {
        if (ids.Length < 2) throw new ArgumentException($"scoring needs at least 2 characters, got {ids.Length}.", nameof(ids));
        using var sampler = new CharSampler(Inference, seed: 0, temperature: 1f, topK: 0, precision);
        double sum = 0;
        for (int i = 0; i + 1 < ids.Length; i++)
        {
            sampler.Feed(ids[i]);
            ReadOnlySpan<float> logits = sampler.Logits;
            float max = float.NegativeInfinity;
            foreach (float v in logits) max = MathF.Max(max, v);
            double total = 0;
            foreach (float v in logits) total += Math.Exp(v - max);
            sum += max + Math.Log(total) - logits[ids[i + 1]];
        }
        return sum / (ids.Length - 1);
    }

    public void Dispose() => Inference.Dispose();
}
