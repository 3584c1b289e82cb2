using Rnn.Tests.TestSupport;
using Rnn.Workloads.Data;

namespace Rnn.Tests.Workloads.Data;

[Collection(AllocationCollection.Name)]
public class CharBatcherTests
{
    // A stream whose symbol at position p is p makes every expected value a position.
    private static int[] Positions(int length) => Enumerable.Range(0, length).ToArray();

    [Fact]
    public void Lanes_are_contiguous_and_chunks_are_time_major()
    {
        const int batch = 4, seq = 5;
        var batcher = new CharBatcher(Positions(101), batch, seq);
        Assert.Equal(25, batcher.LaneLength); // (101 - 1) / 4
        Assert.Equal(5, batcher.BatchesPerEpoch);
        var inputs = new int[seq * batch];
        var targets = new int[seq * batch];
        for (int chunk = 0; chunk < batcher.BatchesPerEpoch; chunk++)
        {
            batcher.Next(inputs, targets);
            for (int t = 0; t < seq; t++)
                for (int b = 0; b < batch; b++)
                {
                    int position = b * 25 + chunk * seq + t;
                    Assert.Equal(position, inputs[t * batch + b]);
                    Assert.Equal(position + 1, targets[t * batch + b]);
                }
        }
    }

    [Fact]
    public void Each_lane_continues_across_chunks()
    {
        const int batch = 3, seq = 7;
        var stream = new int[500];
        var random = new System.Random(1);
        for (int i = 0; i < stream.Length; i++) stream[i] = random.Next(50);
        var batcher = new CharBatcher(stream, batch, seq);
        var inputs = new int[seq * batch];
        var targets = new int[seq * batch];
        var previousTargets = new int[seq * batch];
        batcher.Next(inputs, previousTargets);
        for (int chunk = 1; chunk < batcher.BatchesPerEpoch; chunk++)
        {
            CharBatchInfo info = batcher.Next(inputs, targets);
            Assert.False(info.ResetState);
            for (int b = 0; b < batch; b++)
            {
                // First input of chunk j+1 in lane b == target of the last step of chunk j in lane b.
                Assert.Equal(previousTargets[(seq - 1) * batch + b], inputs[0 * batch + b]);
                for (int t = 0; t + 1 < seq; t++) Assert.Equal(targets[t * batch + b], inputs[(t + 1) * batch + b]);
            }
            targets.CopyTo(previousTargets, 0);
        }
    }

    [Fact]
    public void Epochs_wrap_with_a_reset_signal()
    {
        const int batch = 2, seq = 3;
        var batcher = new CharBatcher(Positions(20), batch, seq); // lane 9, 3 chunks
        var inputs = new int[seq * batch];
        var targets = new int[seq * batch];
        var infos = new List<CharBatchInfo>();
        for (int i = 0; i < 7; i++) infos.Add(batcher.Next(inputs, targets));
        Assert.Equal(
            new[]
            {
                new CharBatchInfo(0, 0, true, false), new CharBatchInfo(0, 1, false, false), new CharBatchInfo(0, 2, false, true),
                new CharBatchInfo(1, 0, true, false), new CharBatchInfo(1, 1, false, false), new CharBatchInfo(1, 2, false, true),
                new CharBatchInfo(2, 0, true, false),
            },
            infos);
        // After the wrap, lane 1 is back at its start.
        Assert.Equal(9, inputs[1]);
    }

    [Fact]
    public void Seek_resumes_at_the_same_batch()
    {
        var stream = Positions(1000);
        var a = new CharBatcher(stream, 4, 10);
        var b = new CharBatcher(stream, 4, 10);
        var ia = new int[40]; var ta = new int[40]; var ib = new int[40]; var tb = new int[40];
        for (int i = 0; i < 30; i++) a.Next(ia, ta);
        b.Seek(a.Epoch, a.Chunk);
        Assert.Equal(a.Next(ia, ta), b.Next(ib, tb));
        Assert.Equal(ia, ib);
        Assert.Equal(ta, tb);
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_the_sizes()
    {
        var tooShort = Assert.Throws<ArgumentException>(() => new CharBatcher(Positions(20), 4, 5));
        Assert.Contains("21", tooShort.Message);
        var batcher = new CharBatcher(Positions(100), 2, 3);
        var wrong = Assert.Throws<ArgumentException>(() => batcher.Next(new int[5], new int[6]));
        Assert.Contains("6", wrong.Message);
        Assert.Contains("got 5", wrong.Message);
    }

    [Fact]
    public void Next_allocates_nothing()
    {
        var batcher = new CharBatcher(Positions(10_000), 8, 16);
        var inputs = new int[128];
        var targets = new int[128];
        for (int i = 0; i < 200; i++) batcher.Next(inputs, targets);
        Assert.Equal(0, AllocatedBytes.Least(() => { for (int i = 0; i < 1000; i++) batcher.Next(inputs, targets); }));
    }

    [Fact]
    public void Works_on_a_corpus_split()
    {
        var corpus = CharCorpus.FromText(string.Concat(Enumerable.Repeat("abcdefghij", 50)), 0.2);
        var batcher = new CharBatcher(corpus.Train, 4, 8);
        var inputs = new int[32];
        var targets = new int[32];
        batcher.Next(inputs, targets);
        // Lane 1 starts at (400 - 1) / 4 = 99 → 'j'; its target is the next letter 'a'.
        Assert.Equal(corpus.Vocabulary.Encode("j")[0], inputs[1]);
        Assert.Equal(corpus.Vocabulary.Encode("a")[0], targets[1]);
    }
}
