namespace Rnn.Benchmarks;

/// <summary>
/// One unidirectional layer's weights in PyTorch state_dict layout, shared by every implementation under test:
/// weight_ih (G·H × I), weight_hh (G·H × H), bias_ih (G·H), bias_hh (G·H); gate blocks in PyTorch order
/// (LSTM i, f, g, o; GRU r, z, n). G = 4 for LSTM, 3 for GRU.
/// </summary>
internal sealed class RnnWeights
{
    public CellType Cell { get; }
    public int InputSize { get; }
    public int HiddenSize { get; }
    public int Gates => Cell == CellType.Lstm ? 4 : 3;
    public float[] WeightIh { get; }
    public float[] WeightHh { get; }
    public float[] BiasIh { get; }
    public float[] BiasHh { get; }

    private RnnWeights(CellType cell, int inputSize, int hiddenSize)
    {
        Cell = cell;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        int gh = Gates * hiddenSize;
        WeightIh = new float[gh * inputSize];
        WeightHh = new float[gh * hiddenSize];
        BiasIh = new float[gh];
        BiasHh = new float[gh];
    }

    /// <summary>Uniform(-1/√H, 1/√H), PyTorch's default initialisation, from a fixed seed.</summary>
    public static RnnWeights Random(CellType cell, int inputSize, int hiddenSize, int seed = 1234)
    {
        var w = new RnnWeights(cell, inputSize, hiddenSize);
        var rng = new Random(seed);
        float bound = 1f / MathF.Sqrt(hiddenSize);
        Fill(w.WeightIh, rng, bound);
        Fill(w.WeightHh, rng, bound);
        Fill(w.BiasIh, rng, bound);
        Fill(w.BiasHh, rng, bound);
        return w;
    }

    /// <summary>Uniform(-bound, bound) values, for weights and for inputs.</summary>
    public static void Fill(Span<float> values, Random rng, float bound)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (float)(rng.NextDouble() * 2 - 1) * bound;
    }

    /// <summary>FLOPs of the two matrix products of one step for one stream: 2 · G·H · (I + H).</summary>
    public static double StepFlops(CellType cell, int inputSize, int hiddenSize) =>
        2.0 * (cell == CellType.Lstm ? 4 : 3) * hiddenSize * (inputSize + hiddenSize);
}
