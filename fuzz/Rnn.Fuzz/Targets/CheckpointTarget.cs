using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Training.Checkpoints;
using Rnn.Workloads;

namespace Rnn.Fuzz.Targets;

/// <summary>
/// A training checkpoint (.safetensors with JSON config and run state in its metadata) through every reader a user
/// reaches: Checkpoint.Load, `imdb predict` (ImdbClassifier.Load, one prediction), `charlm sample` (CharLmModel.Load,
/// a prime encoded) and `charlm train --resume` (CharLmTrainer.Resume against the seeds' text, with and without
/// --steps).
/// </summary>
internal sealed class CheckpointTarget : FuzzTarget
{
    public override string Name => "checkpoint";
    public override string Description => "Checkpoint.Load, ImdbClassifier.Load, CharLmModel.Load, CharLmTrainer.Resume on a whole file";

    public override void Run(ReadOnlySpan<byte> input, ScratchFolder scratch)
        => LoadEveryWay(scratch.Write("model.safetensors", input), scratch);

    /// <summary>
    /// Each reader runs even when another refused the file: they check different things. Throws the last refusal
    /// when every reader refused (so a replay counts the file as refused).
    /// </summary>
    public static void LoadEveryWay(string path, ScratchFolder scratch)
    {
        RnnFormatException? refusal = null;
        bool accepted = false;
        try { _ = Checkpoint.Load(path); accepted = true; }
        catch (RnnFormatException e) { refusal = e; }
        try
        {
            using ImdbClassifier classifier = ImdbClassifier.Load(path, maxBatch: 1);
            accepted = true;
            // Documented: a review with no word the (here: a mutated) vocabulary knows is an ArgumentException saying so.
            try
            {
                float p = classifier.Probability(SeedModels.Review);
                if (!(p >= 0f && p <= 1f)) throw new InvalidOperationException($"imdb predict gave probability {p}.");
            }
            catch (ArgumentException e) when (e.GetType() == typeof(ArgumentException) && IsNothingToScore(e.Message)) { }
        }
        catch (RnnFormatException e) { refusal = e; }
        try
        {
            using CharLmModel model = CharLmModel.Load(path);
            accepted = true;
            // Documented: a prime character outside the model's (here: a mutated) vocabulary is an ArgumentException naming it.
            try { _ = model.EncodePrime(SeedModels.Prime); }
            catch (ArgumentException e) when (e.GetType() == typeof(ArgumentException) && e.Message.StartsWith("--prime: character", StringComparison.Ordinal)) { }
        }
        catch (RnnFormatException e) { refusal = e; }
        string text = SeedModels.WriteCharText(scratch);
        foreach (long? steps in (ReadOnlySpan<long?>)[null, SeedModels.ResumeSteps])
        {
            try
            {
                using CharLmTrainer trainer = CharLmTrainer.Resume(path, text, steps, epochs: null, threads: 1);
                accepted = true;
            }
            catch (Exception e) when (e is RnnFormatException || IsDocumentedResumeRefusal(e)) { refusal = e as RnnFormatException ?? refusal; }
        }
        if (!accepted && refusal is not null) throw refusal;
    }

    private static bool IsNothingToScore(string message)
        => message.StartsWith("none of the review's", StringComparison.Ordinal) || message.StartsWith("the review has no words", StringComparison.Ordinal);

    /// <summary>Resume's documented ArgumentExceptions: the run already ended, or --text is not the run's text.</summary>
    private static bool IsDocumentedResumeRefusal(Exception e)
        => e is ArgumentException a && a.GetType() == typeof(ArgumentException)
           && (a.Message.StartsWith("--text '", StringComparison.Ordinal) || a.Message.StartsWith("the run in '", StringComparison.Ordinal)
               || a.Message.StartsWith("--steps ends the run", StringComparison.Ordinal));
}
