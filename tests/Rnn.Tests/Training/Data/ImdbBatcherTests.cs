using Rnn.Tests.TestSupport;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Rnn.Training.Data;

namespace Rnn.Tests.Training.Data;

[Collection(AllocationCollection.Name)]
public class ImdbBatcherTests
{
    private const int Reviews = 23;
    private const int MaxLength = 4;

    private static readonly string[] Words = ["the", "and", "a", "of", "to", "is", "br", "movie", "don't", "it's", "great", "film", "café", "bad"];

    // Review i (label i % 2) is the two words Words[i % 14] Words[i / 14], so every row is distinct and identifies i.
    private static ImdbDataset Build(TempDirectory temp)
    {
        ImdbFixture.WriteWordIndex(temp.Path);
        using (var gzip = new GZipStream(File.Create(temp.File("train.jsonl.gz")), CompressionLevel.Fastest))
        {
            for (int i = 0; i < Reviews; i++)
            {
                var line = new MemoryStream();
                using (var writer = new Utf8JsonWriter(line))
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("id", i);
                    writer.WriteNumber("label", i % 2);
                    writer.WriteString("text", Words[i % Words.Length] + " " + Words[i / Words.Length]);
                    writer.WriteEndObject();
                }
                gzip.Write(line.ToArray());
                gzip.WriteByte((byte)'\n');
            }
        }
        return ImdbDataset.Load(temp.Path, ImdbSplit.Train, new ImdbLoadOptions { VocabularySize = 100, MaxLength = MaxLength });
    }

    private static int RowOf(ImdbDataset data, ReadOnlySpan<int> row)
    {
        for (int i = 0; i < data.Count; i++)
            if (data.GetRow(i).SequenceEqual(row)) return i;
        return -1;
    }

    [Fact]
    public void An_epoch_visits_every_row_once_with_its_label()
    {
        using var temp = new TempDirectory();
        var data = Build(temp);
        var batcher = new ImdbBatcher(data, batchSize: 5, shuffle: true, seed: 42);
        Assert.Equal(5, batcher.BatchesPerEpoch);
        var tokens = new int[5 * MaxLength];
        var labels = new float[5];
        var labelCounts = new int[2];
        var seen = new HashSet<int>();
        int rows = 0;
        for (int b = 0; b < batcher.BatchesPerEpoch; b++)
        {
            ImdbBatchInfo info = batcher.Next(tokens, labels);
            Assert.Equal(new ImdbBatchInfo(0, b, b == 4 ? 3 : 5, b == 4), info);
            for (int i = 0; i < info.Count; i++)
            {
                int row = RowOf(data, tokens.AsSpan(i * MaxLength, MaxLength));
                Assert.True(row >= 0);
                Assert.True(seen.Add(data.ReviewIds[row]));
                Assert.Equal(data.ReviewIds[row] % 2, labels[i]);
                labelCounts[(int)labels[i]]++;
            }
            for (int i = info.Count; i < 5; i++)
            {
                Assert.All(tokens.AsSpan(i * MaxLength, MaxLength).ToArray(), id => Assert.Equal(0, id));
                Assert.Equal(0, labels[i]);
            }
            rows += info.Count;
        }
        Assert.Equal(Reviews, rows);
        Assert.Equal(12, labelCounts[0]); // ids 0, 2, ..., 22
        Assert.Equal(11, labelCounts[1]);
        Assert.Equal(1, batcher.Epoch);
    }

    [Fact]
    public void Without_shuffle_batches_follow_dataset_order()
    {
        using var temp = new TempDirectory();
        var data = Build(temp);
        var batcher = new ImdbBatcher(data, batchSize: 4, shuffle: false);
        var tokens = new int[4 * MaxLength];
        var labels = new int[4];
        for (int b = 0; b < batcher.BatchesPerEpoch; b++)
        {
            ImdbBatchInfo info = batcher.Next(tokens, labels);
            for (int i = 0; i < info.Count; i++)
            {
                Assert.Equal(data.GetRow(b * 4 + i).ToArray(), tokens.AsSpan(i * MaxLength, MaxLength).ToArray());
                Assert.Equal(data.Labels[b * 4 + i], labels[i]);
            }
        }
    }

    [Fact]
    public void Permutation_depends_on_seed_and_epoch_and_seek_resumes()
    {
        using var temp = new TempDirectory();
        var data = Build(temp);
        int[] Epoch(ImdbBatcher batcher)
        {
            var tokens = new int[23 * MaxLength];
            var labels = new int[23];
            batcher.Next(tokens, labels);
            return tokens;
        }
        var a = new ImdbBatcher(data, 23, seed: 1);
        var b = new ImdbBatcher(data, 23, seed: 1);
        var c = new ImdbBatcher(data, 23, seed: 2);
        int[] a0 = Epoch(a), a1 = Epoch(a);
        Assert.Equal(a0, Epoch(b));
        Assert.NotEqual(a0, a1);
        Assert.NotEqual(a0, Epoch(c));
        var resumed = new ImdbBatcher(data, 23, seed: 1);
        resumed.Seek(1, 0);
        Assert.Equal(a1, Epoch(resumed));
    }

    [Fact]
    public void Drop_last_skips_the_partial_batch()
    {
        using var temp = new TempDirectory();
        var data = Build(temp);
        var batcher = new ImdbBatcher(data, 5, dropLast: true);
        Assert.Equal(4, batcher.BatchesPerEpoch);
        Assert.Throws<ArgumentException>(() => new ImdbBatcher(data, 24, dropLast: true));
    }

    [Fact]
    public void Wrong_span_sizes_are_rejected()
    {
        using var temp = new TempDirectory();
        var batcher = new ImdbBatcher(Build(temp), 5);
        var error = Assert.Throws<ArgumentException>(() => batcher.Next(new int[19], new float[5]));
        Assert.Contains("20", error.Message);
        Assert.Throws<ArgumentException>(() => batcher.Next(new int[20], new float[4]));
    }

    [Fact]
    public void Next_allocates_nothing_once_warm()
    {
        using var temp = new TempDirectory();
        var batcher = new ImdbBatcher(Build(temp), 5, seed: 3);
        var tokens = new int[5 * MaxLength];
        var labels = new float[5];
        for (int i = 0; i < 20; i++) batcher.Next(tokens, labels);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++) batcher.Next(tokens, labels); // crosses 40 epoch boundaries (reshuffles)
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
