using Rnn.Runtime.Kernels;
using Rnn.Runtime;
using Rnn.Training.Models;
using Rnn.Training.Random;

namespace Rnn.Workloads;

/// <summary>
/// Generates characters from a trained char model with the runtime's streaming API, one step per character:
/// embedding row → <see cref="RnnStream"/> step → Dense → softmax at a temperature, optionally restricted to the
/// top k logits, drawn with a seeded generator (same seed, same text). Allocates nothing per character.
/// Not thread-safe.
/// </summary>
public sealed class CharSampler : IDisposable
{
    private readonly InferenceModel _model;
    private readonly RnnStream _stream;
    private readonly DeterministicRandom _random;
    private readonly float[] _hidden, _logits, _sorted;
    private bool _fed;

    /// <param name="temperature">Divides the logits: below 1 sharper, above 1 flatter; 0 picks the most likely character.</param>
    /// <param name="topK">Draw only among the k most likely characters; 0 for all.</param>
    /// <param name="precision">How the recurrent stream stores its weights (int8: a quarter of the bytes).</param>
    public CharSampler(InferenceModel model, ulong seed, float temperature = 1f, int topK = 0, WeightPrecision precision = WeightPrecision.Float32)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(temperature >= 0) || float.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be finite and >= 0.");
        ArgumentOutOfRangeException.ThrowIfNegative(topK);
        if (model.Config.Output != OutputMode.ManyToMany)
            throw new ArgumentException("sampling needs a language model (one prediction per step), not a classifier.", nameof(model));
        _model = model;
        _stream = model.Recurrent.CreateStream(1, precision);
        _random = new DeterministicRandom(seed);
        Temperature = temperature;
        TopK = topK;
        _hidden = new float[model.Recurrent.HiddenSize];
        _logits = new float[model.Dense.OutputSize];
        _sorted = new float[_logits.Length];
    }

    public float Temperature { get; }
    public int TopK { get; }
    public int VocabularySize => _logits.Length;

    /// <summary>The logits after the last <see cref="Feed"/>.</summary>
    public ReadOnlySpan<float> Logits => _logits;

    /// <summary>Forgets the text fed so far (zero state).</summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _stream.Reset();
        _fed = false;
    }

    /// <summary>Advances the state by one character and computes the next character's logits.</summary>
    public void Feed(int id)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _stream.Step(_model.Embedding.Row(id), _hidden);
        _model.Dense.Forward(_hidden, _logits, 1);
        _fed = true;
    }

    /// <summary>Draws the next character from the current logits (feed at least one character first).</summary>
    public int Sample()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_fed) throw new InvalidOperationException("Feed at least one character (the prime) before sampling.");
        ReadOnlySpan<float> logits = _logits;
        int best = 0;
        for (int i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        // 0, or so small that 1/T overflows (a subnormal T): the limit is the argmax.
        if (Temperature == 0f || float.IsInfinity(1f / Temperature)) return best;

        float threshold = float.NegativeInfinity;
        if (TopK > 0 && TopK < logits.Length)
        {
            logits.CopyTo(_sorted);
            _sorted.AsSpan().Sort();
            threshold = _sorted[^TopK]; // ties with the k-th value stay in: deterministic either way
        }
        // p_i ∝ exp((l_i − max) / T), computed twice rather than stored: V is small and this keeps one buffer.
        float max = logits[best], inverseT = 1f / Temperature;
        double total = 0;
        for (int i = 0; i < logits.Length; i++)
            if (logits[i] >= threshold) total += Math.Exp((logits[i] - max) * inverseT);
        double u = _random.NextDouble() * total, cumulative = 0;
        int last = best;
        for (int i = 0; i < logits.Length; i++)
        {
            if (logits[i] < threshold) continue;
            cumulative += Math.Exp((logits[i] - max) * inverseT);
            last = i;
            if (u < cumulative) return i;
        }
        return last; // rounding left u at the very top
    }

    /// <summary>Draws a character and feeds it back: the next character of the generated text.</summary>
    public int Next()
    {
        int id = Sample();
        Feed(id);
        return id;
    }

    /// <summary>Returns the stream's buffers; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _disposed = true;
        _stream.Dispose();
    }

    private bool _disposed;
}
