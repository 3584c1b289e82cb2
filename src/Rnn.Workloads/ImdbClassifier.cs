using Rnn.Runtime.Kernels;
using Rnn.Runtime;
using Rnn.Training.Checkpoints;
using Rnn.Workloads.Data;
using Rnn.Training.Models;

namespace Rnn.Workloads;

/// <summary>
/// A trained IMDB model on the inference runtime: embedding lookup → <see cref="RnnSession"/> over the padded
/// review → Dense on the last step → sigmoid. Tokenises raw text with the settings saved in the checkpoint.
/// Not thread-safe.
/// </summary>
public sealed class ImdbClassifier : IDisposable
{
    private readonly InferenceModel _model;
    private readonly RnnSession _session;
    private readonly float[] _x, _y, _last;
    private readonly int[] _row;

    public KerasImdbTokenizer Tokenizer { get; }
    public int MaxLength { get; }
    public int MaxBatch { get; }
    public RunState Run { get; }

    private ImdbClassifier(InferenceModel model, KerasImdbTokenizer tokenizer, int maxLength, int maxBatch, RunState run, WeightPrecision precision)
    {
        _model = model;
        Tokenizer = tokenizer;
        MaxLength = maxLength;
        MaxBatch = maxBatch;
        Run = run;
        _session = model.Recurrent.CreateSession(maxLength, maxBatch, precision);
        _x = new float[maxLength * maxBatch * model.Config.EmbeddingSize];
        _y = new float[maxLength * maxBatch * model.Config.HiddenSize];
        _last = new float[maxBatch * model.Config.HiddenSize];
        _row = new int[maxLength];
    }

    /// <summary>The longest review (in word ids) a checkpoint may ask for; IMDB's longest has about 2,500 words.</summary>
    public const int MaxReviewLength = 100_000;

    /// <summary>The most a batch's buffers may take (a whole default batch of 64 at IMDB's sizes is a few MB).</summary>
    public const double BufferBudgetBytes = 256.0 * (1 << 20);

    public static ImdbClassifier Load(string path, int maxBatch = 64, WeightPrecision precision = WeightPrecision.Float32)
    {
        Checkpoint.Loaded loaded = Checkpoint.Load(path, ImdbTrainer.Workload);
        var (tokenizer, maxLength) = ImdbTokenization.Read(loaded.Run, path);
        if (maxLength > MaxReviewLength)
            throw new Rnn.Runtime.RnnFormatException($"{path}: maxlen {maxLength} is more than the {MaxReviewLength} word ids a review may have.", path);
        SequenceModelConfig c = loaded.Model.Config;
        if (c.Output != OutputMode.ManyToOne || c.OutputSize != 1 || c.VocabularySize != tokenizer.VocabularySize)
            throw new Rnn.Runtime.RnnFormatException(
                $"{path}: expected a one-logit classifier over {tokenizer.VocabularySize} word ids, found output {c.Output}/{c.OutputSize} over {c.VocabularySize}.", path);
        // A batch's buffers are maxlen × batch × (embedding, outputs, the session's gate projections): small tensors can
        // still ask for gigabytes through maxlen. So the batch shrinks to keep them within BufferBudgetBytes (one review
        // at a time at worst), and a single review that cannot fit the memory available is refused before allocating.
        double rowBytes = 4.0 * maxLength * (c.EmbeddingSize + c.HiddenSize * (2.0 + 4 * c.NumLayers));
        maxBatch = (int)Math.Clamp(Math.Floor(BufferBudgetBytes / rowBytes), 1, maxBatch);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (rowBytes > available)
            throw new Rnn.Runtime.RnnFormatException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{path}: maxlen {maxLength} (embedding {c.EmbeddingSize}, hidden {c.HiddenSize}) needs about {rowBytes / (1 << 30):F1} GiB of buffers for one review, more than the {available / (double)(1 << 30):F1} GiB available."), path);
        return new ImdbClassifier(loaded.Model.ToInference(), tokenizer, maxLength, maxBatch, loaded.Run, precision);
    }

    /// <summary>rows is (batch, MaxLength) ids, batch-first as data sets give them; logits is (batch).</summary>
    public void Logits(ReadOnlySpan<int> rows, int batch, Span<float> logits)
    {
        if (batch <= 0 || batch > MaxBatch) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"batch must be 1..{MaxBatch}.");
        int T = MaxLength, E = _model.Config.EmbeddingSize, H = _model.Config.HiddenSize;
        if (rows.Length != batch * T) throw new ArgumentException($"rows must hold batch {batch} x maxlen {T} = {batch * T} ids, got {rows.Length}.", nameof(rows));
        if (logits.Length < batch) throw new ArgumentException($"logits has {logits.Length} floats, expected batch {batch}.", nameof(logits));
        Span<float> x = _x.AsSpan(0, T * batch * E);
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < T; t++)
                _model.Embedding.Row(rows[b * T + t]).CopyTo(x.Slice((t * batch + b) * E, E)); // (T, B, E) time-major
        Span<float> y = _y.AsSpan(0, T * batch * H);
        _session.Run(x, y, T, batch);
        Span<float> last = _last.AsSpan(0, batch * H);
        y.Slice((T - 1) * batch * H, batch * H).CopyTo(last);
        _model.Dense.Forward(last, logits[..batch], batch);
    }

    /// <summary>P(positive) of a raw review, tokenised and padded as in training.</summary>
    /// <exception cref="ArgumentException">The review has no word the model's vocabulary knows: there is nothing to score.</exception>
    public float Probability(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int[] ids = new int[KerasImdbTokenizer.MaxIdCount(text.Length)];
        int count = Tokenizer.Encode(text, ids, out int outOfVocabulary, out int unknown);
        // Scored anyway, such a review would be padding and start/oov ids alone: a number that says nothing about it.
        if (count - 1 - outOfVocabulary == 0)
        {
            int words = count - 1 + (Tokenizer.UnknownWords == UnknownWordHandling.Skip ? unknown : 0);
            throw new ArgumentException(words == 0
                ? "the review has no words to score."
                : $"none of the review's {words} words is among the model's {Tokenizer.VocabularySize} known words: there is nothing to score.");
        }
        KerasSequencePadding.PadSequence(ids.AsSpan(0, count), _row);
        Span<float> logit = stackalloc float[1];
        Logits(_row, 1, logit);
        return 1f / (1f + MathF.Exp(-logit[0]));
    }

    /// <summary>Accuracy counts and mean BCE over the first <paramref name="count"/> rows of <paramref name="data"/>.</summary>
    public ImdbMetrics Evaluate(ImdbDataset data, int count = int.MaxValue)
    {
        if (data.MaxLength != MaxLength)
            throw new ArgumentException($"the data set has reviews of {data.MaxLength} ids but the model was trained on {MaxLength}.");
        count = Math.Min(count, data.Count);
        var logits = new float[MaxBatch];
        var labels = new float[MaxBatch];
        var tally = new ImdbMetricsTally();
        for (int first = 0; first < count; first += MaxBatch)
        {
            int n = Math.Min(MaxBatch, count - first);
            Logits(data.Tokens.Slice(first * MaxLength, n * MaxLength), n, logits);
            for (int i = 0; i < n; i++) labels[i] = data.Labels[first + i];
            tally.Add(logits.AsSpan(0, n), labels.AsSpan(0, n));
        }
        return tally.Result();
    }

    public void Dispose()
    {
        _session.Dispose();
        _model.Dispose();
    }
}
