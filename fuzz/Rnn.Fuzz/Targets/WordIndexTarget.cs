using Rnn.Workloads.Data;
using Rnn.Workloads;

namespace Rnn.Fuzz.Targets;

/// <summary>
/// imdb_word_index.json (`imdb train --data`): ImdbWordIndex.Parse, a review tokenised with it, ids decoded back,
/// and the index written into run state and read back as `imdb predict` does from a checkpoint.
/// </summary>
internal sealed class WordIndexTarget : FuzzTarget
{
    public override string Name => "word-index";
    public override string Description => "ImdbWordIndex.Parse, KerasImdbTokenizer encode/decode, ImdbTokenization write/read";

    public override void Run(ReadOnlySpan<byte> input, ScratchFolder scratch)
    {
        ImdbWordIndex index = ImdbWordIndex.Parse(input, "imdb_word_index.json");
        var tokenizer = new KerasImdbTokenizer(index, vocabularySize: 20, unknownWords: UnknownWordHandling.OutOfVocabulary);
        _ = tokenizer.Decode(tokenizer.Encode(SeedModels.Review));
        // What training saves and `imdb predict` reads back must tokenise alike (both skip unknown words).
        int[] ids = new KerasImdbTokenizer(index, vocabularySize: 20).Encode(SeedModels.Review);
        var run = new Rnn.Training.Models.RunState();
        ImdbTokenization.Write(run.Extra, index, vocabularySize: 20, maxLength: 8);
        var (read, maxLength) = ImdbTokenization.Read(run, "checkpoint");
        if (read.WordIndex.Count != index.Count || maxLength != 8)
            throw new InvalidOperationException($"the word index did not survive the checkpoint: {index.Count} words written, {read.WordIndex.Count} read.");
        if (!ids.AsSpan().SequenceEqual(read.Encode(SeedModels.Review)))
            throw new InvalidOperationException("the word index read back from run state tokenises the review differently.");
    }
}
