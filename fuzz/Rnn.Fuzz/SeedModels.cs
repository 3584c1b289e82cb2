using System.Text;
using Rnn.Workloads;

namespace Rnn.Fuzz;

/// <summary>
/// The tiny real models the checkpoint seeds and the checkpoint-meta target start from, made by the project's own
/// trainers (one IMDB epoch on four reviews, one char-rnn step), so every field is as the writers write it.
/// </summary>
internal static class SeedModels
{
    /// <summary>The char-rnn seed's training text; CharLmTrainer.Resume reads it back, so it is part of the harness.</summary>
    public const string CharText = "To be, or not to be: that is the question.\nWhether 'tis nobler in the mind to suffer\n";
    public const string Prime = "To ";
    public const string Review = "a good film, not a bad one";
    public const long ResumeSteps = 3;

    /// <summary>A word index small enough to read: ranks 1..8, one missing rank (7) as real indexes may have gaps.</summary>
    public const string WordIndexJson = """{"the": 1, "a": 2, "film": 3, "good": 4, "bad": 5, "not": 6, "one": 8}""";

    /// <summary>The parsed <see cref="WordIndexJson"/> (made on first use: under AFL nothing instrumented may run before
    /// SharpFuzz maps the coverage memory).</summary>
    public static Rnn.Workloads.Data.ImdbWordIndex WordIndex() => Rnn.Workloads.Data.ImdbWordIndex.Parse(Encoding.UTF8.GetBytes(WordIndexJson), "seed");

    private static readonly string[] Reviews =
    [
        """{"id": 0, "rating": 1, "label": 0, "text": "a bad film, not good"}""",
        """{"id": 1, "rating": 2, "label": 0, "text": "bad.<br /><br />The film is BAD"}""",
        """{"id": 2, "rating": 9, "label": 1, "text": "a good film"}""",
        """{"id": 3, "rating": 10, "label": 1, "text": "good, good \u00e9 one"}""",
    ];

    public static string WriteCharText(ScratchFolder scratch)
    {
        string path = scratch.File("text.txt");
        if (!File.Exists(path)) File.WriteAllText(path, CharText, new UTF8Encoding(false));
        return path;
    }

    /// <summary>Writes the IMDB data folder (train.jsonl, test.jsonl, imdb_word_index.json) and returns it.</summary>
    public static string WriteImdbData(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "imdb_word_index.json"), WordIndexJson);
        string lines = string.Join('\n', Reviews) + "\n";
        File.WriteAllText(Path.Combine(folder, "train.jsonl"), lines);
        File.WriteAllText(Path.Combine(folder, "test.jsonl"), lines);
        return folder;
    }

    /// <summary>An `imdb train` checkpoint: LSTM, embed 3, hidden 4, maxlen 6, vocabulary 12, one epoch of two batches.</summary>
    public static string TrainImdb(ScratchFolder scratch)
    {
        string path = scratch.File("seed-imdb.safetensors");
        if (File.Exists(path)) return path;
        string data = WriteImdbData(scratch.File("imdb-data"));
        var settings = new ImdbSettings
        {
            VocabularySize = 12, MaxLength = 6, Embed = 3, Hidden = 4, Batch = 2, Epochs = 1, Threads = 1, Shards = 1, Seed = 7,
        };
        using ImdbTrainer trainer = ImdbTrainer.Load(data, settings);
        trainer.Run(path);
        return path;
    }

    /// <summary>A `charlm train` checkpoint: GRU, 2 layers, embed 3, hidden 4, seq 4, batch 2, one step.</summary>
    public static string TrainCharLm(ScratchFolder scratch, string cell = "gru")
    {
        string path = scratch.File($"seed-charlm-{cell}.safetensors");
        if (File.Exists(path)) return path;
        var settings = new CharLmSettings
        {
            Cell = cell, Hidden = 4, Layers = 2, Embed = 3, SeqLength = 4, Batch = 2, Steps = 1, Threads = 1, Shards = 1,
            EvalEvery = 1, EvalChunks = 1, ValidationFraction = 0.2, Seed = 5,
        };
        using CharLmTrainer trainer = CharLmTrainer.Create(WriteCharText(scratch), settings);
        trainer.Train(path);
        return path;
    }
}
