using System.Text;
using Rnn.Tests.Workloads.Data;

namespace Rnn.Tests.Workloads;

/// <summary>Small synthetic data for the workload tests, written into a test's temp folder.</summary>
internal static class WorkloadFixtures
{
    private static readonly string[] Subjects = ["the cat", "a dog", "the old man", "my sister", "the king"];
    private static readonly string[] Verbs = ["sees", "likes", "follows", "calls", "finds"];
    private static readonly string[] Objects = ["the moon.", "a red ball.", "the river.", "his horse.", "the queen."];

    /// <summary>A text from a tiny grammar: learnable structure (words, spaces, sentence ends) in few characters.</summary>
    public static string GrammarText(int sentences, int seed = 3)
    {
        var random = new System.Random(seed);
        var text = new StringBuilder();
        for (int i = 0; i < sentences; i++)
        {
            text.Append(Subjects[random.Next(Subjects.Length)]).Append(' ')
                .Append(Verbs[random.Next(Verbs.Length)]).Append(' ')
                .Append(Objects[random.Next(Objects.Length)]).Append(i % 4 == 3 ? '\n' : ' ');
        }
        return text.ToString();
    }

    public static readonly string[] PositiveWords = ["good", "great", "excellent", "wonderful", "loved"];
    public static readonly string[] NegativeWords = ["bad", "awful", "terrible", "boring", "hated"];
    private static readonly string[] Neutral = ["the", "movie", "film", "plot", "actor", "was", "and", "a", "it", "this", "story", "scene", "i", "very"];

    /// <summary>
    /// An easy sentiment set in the jsonl.gz form: each review is neutral filler with two or three words of its own
    /// sentiment at random places. Writes train.jsonl.gz, test.jsonl.gz and imdb_word_index.json.
    /// </summary>
    public static void WriteSentimentData(string directory, int trainCount, int testCount, int seed = 11)
    {
        var random = new System.Random(seed);
        WriteSplit(Path.Combine(directory, "train.jsonl.gz"), trainCount, random);
        WriteSplit(Path.Combine(directory, "test.jsonl.gz"), testCount, random);
        var index = new StringBuilder("{");
        int rank = 1;
        foreach (string w in Neutral.Concat(PositiveWords).Concat(NegativeWords).Append("unused"))
            index.Append(rank == 1 ? "" : ", ").Append('"').Append(w).Append("\": ").Append(rank++);
        File.WriteAllText(Path.Combine(directory, "imdb_word_index.json"), index.Append('}').ToString());
    }

    private static void WriteSplit(string path, int count, System.Random random)
    {
        var reviews = new List<(int, int, int, string)>(count);
        for (int i = 0; i < count; i++)
        {
            int label = i % 2;
            var words = new List<string>();
            int length = 8 + random.Next(8);
            for (int w = 0; w < length; w++) words.Add(Neutral[random.Next(Neutral.Length)]);
            string[] sentiment = label == 1 ? PositiveWords : NegativeWords;
            for (int k = 2 + random.Next(2); k > 0; k--) words.Insert(random.Next(words.Count + 1), sentiment[random.Next(sentiment.Length)]);
            reviews.Add((i / 2, label == 1 ? 8 : 2, label, string.Join(' ', words) + "."));
        }
        ImdbFixture.WriteJsonLinesFile(path, reviews);
    }
}
