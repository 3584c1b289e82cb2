using Rnn.Workloads.Data;

namespace Rnn.Fuzz.Targets;

/// <summary>
/// An IMDB JSON-lines split (`imdb train/eval --data`): ImdbDataset.Load reads every line, tokenises the text the
/// Keras way with a fixed small word index and pads it, then the rows are read back.
/// </summary>
internal sealed class ImdbJsonLinesTarget : FuzzTarget
{
    private ImdbWordIndex? _index;

    public override string Name => "imdb-jsonl";
    public override string Description => "ImdbDataset.Load of a train.jsonl (JSON lines reader, Keras tokenizer, padding)";

    public override void Run(ReadOnlySpan<byte> input, ScratchFolder scratch)
        => ImdbRows.LoadAndWalk(scratch.Write("train.jsonl", input), _index ??= SeedModels.WordIndex());
}

/// <summary>Loads a split through ImdbDataset and touches every row, as training and evaluation do.</summary>
internal static class ImdbRows
{
    public static void LoadAndWalk(string path, ImdbWordIndex index)
    {
        var options = new ImdbLoadOptions { VocabularySize = 10, MaxLength = 8, WordIndex = index };
        ImdbDataset data = ImdbDataset.Load(path, ImdbSplit.Train, options);
        for (int i = 0; i < data.Count; i++)
        {
            ReadOnlySpan<int> row = data.GetRow(i);
            foreach (int id in row)
                if ((uint)id >= (uint)options.VocabularySize)
                    throw new InvalidOperationException($"row {i} holds id {id}, outside the vocabulary of {options.VocabularySize}.");
        }
    }
}
