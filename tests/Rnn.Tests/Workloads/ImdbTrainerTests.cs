using Rnn.Workloads;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Workloads;

public class ImdbTrainerTests
{
    private static readonly ImdbSettings Small = new()
    {
        VocabularySize = 30, MaxLength = 20, Embed = 16, Hidden = 16, Batch = 16, Epochs = 2, LearningRate = 1e-2, Threads = 2, Seed = 5,
    };

    [Fact]
    public void LearnsAnEasySentimentAndTheRuntimeModelAgrees()
    {
        using var tmp = new TempDirectory();
        WorkloadFixtures.WriteSentimentData(tmp.Path, trainCount: 320, testCount: 100);
        string path = tmp.File("imdb.safetensors");
        ImdbSummary summary;
        using (ImdbTrainer trainer = ImdbTrainer.Load(tmp.Path, Small))
        {
            Assert.Equal(20, trainer.StepsPerEpoch);
            var epochs = new List<ImdbEpochReport>();
            summary = trainer.Run(path, onEpoch: epochs.Add);
            Assert.Equal(2, epochs.Count);
        }
        Assert.Equal(100, summary.Test.Count);
        Assert.True(summary.Test.Accuracy > 0.8, $"test accuracy {summary.Test.Accuracy:P1} on an easy synthetic sentiment");

        // The checkpoint, run by the inference runtime on the same reviews, scores the same.
        using ImdbClassifier classifier = ImdbClassifier.Load(path);
        var test = Rnn.Workloads.Data.ImdbDataset.Load(tmp.Path, Rnn.Workloads.Data.ImdbSplit.Test,
            new() { VocabularySize = classifier.Tokenizer.VocabularySize, MaxLength = classifier.MaxLength, WordIndex = classifier.Tokenizer.WordIndex });
        test.Shuffle(Small.Seed + 1);
        ImdbMetrics runtime = classifier.Evaluate(test);
        Assert.Equal(summary.Test with { Loss = 0 }, runtime with { Loss = 0 });
        Assert.Equal(summary.Test.Loss, runtime.Loss, 4);

        float positive = classifier.Probability("the movie was great and the actor was wonderful i loved it");
        float negative = classifier.Probability("the movie was awful and boring, a terrible plot. hated it");
        Assert.InRange(positive, 0f, 1f);
        Assert.True(positive > 0.5f && negative < 0.5f, $"P(positive) {positive:F3} for a positive text, {negative:F3} for a negative one");
    }

    [Fact]
    public void TooFewReviewsForABatchIsReported()
    {
        using var tmp = new TempDirectory();
        WorkloadFixtures.WriteSentimentData(tmp.Path, trainCount: 10, testCount: 4);
        var e = Assert.Throws<ArgumentException>(() => ImdbTrainer.Load(tmp.Path, Small));
        Assert.Contains("fewer than one batch", e.Message);
    }
}
