using Rnn.Tests.TestSupport;
using Rnn.Training.Models;
using Rnn.Workloads;

namespace Rnn.Tests.Workloads;

[Collection(AllocationCollection.Name)]
public class CharSamplerTests
{
    private static readonly SequenceModelConfig Config = new()
    {
        VocabularySize = 20, OutputSize = 20, EmbeddingSize = 8, Cell = "lstm", HiddenSize = 16, NumLayers = 2,
    };

    private static int[] Generate(InferenceModel model, ulong seed, float temperature, int topK, int count)
    {
        using var sampler = new CharSampler(model, seed, temperature, topK);
        sampler.Feed(3);
        var ids = new int[count];
        for (int i = 0; i < count; i++) ids[i] = sampler.Next();
        return ids;
    }

    [Fact]
    public void SameSeedSameTextOtherSeedOtherText()
    {
        using InferenceModel model = SequenceModel.Create(Config, seed: 4).ToInference();
        int[] a = Generate(model, 7, 1f, 0, 200), b = Generate(model, 7, 1f, 0, 200), c = Generate(model, 8, 1f, 0, 200);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.True(a.Distinct().Count() > 5, "an untrained model at temperature 1 should draw many different symbols");
    }

    [Fact]
    public void TemperatureZeroAndTopOneBothPickTheMostLikelySymbol()
    {
        using InferenceModel model = SequenceModel.Create(Config, seed: 4).ToInference();
        using var sampler = new CharSampler(model, 1, temperature: 0f);
        using var topOne = new CharSampler(model, 2, temperature: 1.5f, topK: 1);
        sampler.Feed(5);
        topOne.Feed(5);
        for (int i = 0; i < 50; i++)
        {
            ReadOnlySpan<float> logits = sampler.Logits;
            int argmax = 0;
            for (int v = 1; v < logits.Length; v++) if (logits[v] > logits[argmax]) argmax = v;
            int greedy = sampler.Next(), top = topOne.Next();
            Assert.Equal(argmax, greedy);
            Assert.Equal(greedy, top);
        }
    }

    [Fact]
    public void TopKDrawsOnlyAmongTheKMostLikely()
    {
        using InferenceModel model = SequenceModel.Create(Config, seed: 6).ToInference();
        using var sampler = new CharSampler(model, 3, temperature: 2f, topK: 3);
        sampler.Feed(1);
        int notTheArgmax = 0;
        for (int i = 0; i < 100; i++)
        {
            float[] sorted = sampler.Logits.ToArray();
            Array.Sort(sorted);
            float third = sorted[^3];
            float[] logits = sampler.Logits.ToArray();
            int id = sampler.Next();
            Assert.True(logits[id] >= third, $"drew symbol {id} with logit {logits[id]}, below the 3rd largest {third}");
            if (logits[id] < sorted[^1]) notTheArgmax++;
        }
        // At temperature 2 the second and third symbols are drawn too: a sampler stuck on the argmax is not top-k.
        Assert.True(notTheArgmax > 10, $"only {notTheArgmax} of 100 draws were not the most likely symbol");
    }

    [Fact]
    public void SamplingACharacterAllocatesNothing()
    {
        using InferenceModel model = SequenceModel.Create(Config, seed: 4).ToInference();
        using var sampler = new CharSampler(model, 7, temperature: 0.8f, topK: 5);
        sampler.Feed(2);
        for (int i = 0; i < 50; i++) sampler.Next();
        Assert.Equal(0, AllocatedBytes.Least(() => { for (int i = 0; i < 1000; i++) sampler.Next(); }));
    }

    [Fact]
    public void SamplingBeforeAnyInputIsRefused()
    {
        using InferenceModel model = SequenceModel.Create(Config, seed: 4).ToInference();
        using var sampler = new CharSampler(model, 7);
        Assert.Throws<InvalidOperationException>(() => sampler.Sample());
    }
}
