using System.Numerics.Tensors;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Training.Layers;
using Rnn.Training.Losses;
using Rnn.Training.Parameters;
using Rnn.Training.Recurrent;

namespace Rnn.Training.Models;

/// <summary>
/// One shard's worker: the layers of a <see cref="SequenceModel"/> over the master's values, with gradients
/// and a workspace of its own, sized once for (T, lanes). Shards of a batch run on different threads and
/// their gradients are summed in shard order, so results do not depend on the thread count.
/// </summary>
internal sealed class ModelReplica : IDisposable
{
    private readonly SequenceModelConfig _config;
    private readonly EmbeddingTrainer _embedding;
    private readonly RecurrentStackTrainer _recurrent;
    private readonly DenseTrainer _dense;
    private readonly float[] _x, _y, _dy, _dx, _logits, _dlogits, _last, _h, _c, _hn, _cn;
    private readonly int[] _ids, _targets;

    public int MaxSteps { get; }
    public int Lanes { get; }
    public ParameterSet Parameters { get; } = new();

    public ModelReplica(SequenceModel master, int maxSteps, int lanes, KernelPath path)
    {
        SequenceModelConfig c = _config = master.Config;
        MaxSteps = maxSteps;
        Lanes = lanes;
        _embedding = new EmbeddingTrainer(Shared(master.Embedding));
        _recurrent = new RecurrentStackTrainer(c.RecurrentArchitecture(), maxSteps, lanes, path,
            interLayerDropout: c.Dropout, inputDropout: c.InputDropout, recurrentDropout: c.RecurrentDropout,
            sharedValues: master.Recurrent, dropoutOnOutput: true);
        _dense = new DenseTrainer(Shared(master.DenseWeight), Shared(master.DenseBias), path);
        Parameters.Add(_embedding.Weight);
        foreach (Parameter p in _recurrent.Parameters) Parameters.Add(p);
        Parameters.Add(_dense.Weight);
        Parameters.Add(_dense.Bias);

        int rows = maxSteps * lanes, H = c.HiddenSize, state = c.NumLayers * lanes * H;
        int headRows = c.Output == OutputMode.ManyToMany ? rows : lanes;
        _ids = new int[rows];
        _targets = new int[rows];
        _x = new float[rows * c.EmbeddingSize];
        _dx = new float[rows * c.EmbeddingSize];
        _y = new float[rows * H];
        _dy = new float[rows * H];
        _last = new float[lanes * H];
        _logits = new float[headRows * c.OutputSize];
        _dlogits = new float[headRows * c.OutputSize];
        _h = new float[state];
        _c = new float[state];
        _hn = new float[state];
        _cn = new float[state];
    }

    private static Parameter Shared(Parameter master) => new(master.Name, master.Shape, master.Value);

    /// <summary>Floats of carried state (h and c of every layer and lane).</summary>
    public int CarriedStateLength => _h.Length + _c.Length;

    /// <summary>Copies the carried state out (checkpoints), or back in (resume).</summary>
    public void CopyCarriedState(Span<float> destination)
    {
        _h.CopyTo(destination);
        _c.CopyTo(destination.Slice(_h.Length));
    }

    public void RestoreCarriedState(ReadOnlySpan<float> source)
    {
        source.Slice(0, _h.Length).CopyTo(_h);
        source.Slice(_h.Length, _c.Length).CopyTo(_c);
    }

    /// <summary>Zeroes the carried state of every lane (a new pass over the data, or a new batch of sequences).</summary>
    public void ResetState()
    {
        Array.Clear(_h);
        Array.Clear(_c);
    }

    /// <summary>
    /// Language model, one truncated-BPTT chunk. ids and targets are (T, B) time-major over the whole batch;
    /// this replica takes lanes [firstLane, firstLane + Lanes). The state carried from the previous chunk is the
    /// initial state; the gradient stops at the chunk boundary. Loss gradients are scaled by 1 / totalRows so that
    /// the shards' gradients add up to the gradient of the batch mean. Returns this shard's summed loss.
    /// </summary>
    public double LanguageModelStep(ReadOnlySpan<int> ids, ReadOnlySpan<int> targets, int T, int batch, int firstLane,
        bool training, ulong dropoutSeed, float gradientScale)
    {
        int B = Lanes, H = _config.HiddenSize, V = _config.OutputSize, rows = T * B;
        Span<int> myIds = _ids.AsSpan(0, rows);
        Gather(ids, myIds, T, batch, firstLane, B);
        Span<float> x = _x.AsSpan(0, rows * _config.EmbeddingSize), y = _y.AsSpan(0, rows * H);
        _embedding.Forward(myIds, x);
        _recurrent.Forward(x, y, T, B, default, _h, _config.CellKind == Runtime.CellKind.Lstm ? _c : default, _hn,
            _config.CellKind == Runtime.CellKind.Lstm ? _cn : default, training, dropoutSeed, firstLane);
        Span<float> logits = _logits.AsSpan(0, rows * V), dlogits = _dlogits.AsSpan(0, rows * V);
        _dense.Forward(y, logits, rows);

        Span<int> myT = _targets.AsSpan(0, rows);
        Gather(targets, myT, T, batch, firstLane, B);
        double loss = training
            ? SoftmaxCrossEntropyLoss.ForwardBackward(logits, myT, V, dlogits, LossReduction.Sum)
            : SoftmaxCrossEntropyLoss.Forward(logits, myT, V, LossReduction.Sum);
        if (training)
        {
            TensorPrimitives.Multiply(dlogits, gradientScale, dlogits);
            Span<float> dy = _dy.AsSpan(0, rows * H), dx = _dx.AsSpan(0, rows * _config.EmbeddingSize);
            _dense.Backward(y, dlogits, dy, rows);
            _recurrent.Backward(dy, default, default, dx);
            _embedding.Backward(myIds, dx);
        }
        // Carry the state into the next chunk; no gradient crosses the boundary (truncated BPTT).
        _hn.CopyTo(_h, 0);
        _cn.CopyTo(_c, 0);
        return loss;
    }

    /// <summary>
    /// Classifier, one batch of whole sequences. ids is (batch, T) batch-first as data sets give them, labels (batch)
    /// are 0/1; this replica takes rows [firstRow, firstRow + count). logitsOut (count) receives the logits.
    /// Returns this shard's summed binary cross-entropy.
    /// </summary>
    public double ClassifierStep(ReadOnlySpan<int> ids, ReadOnlySpan<float> labels, int T, int firstRow, int count,
        bool training, ulong dropoutSeed, float gradientScale, Span<float> logitsOut)
    {
        int B = count, H = _config.HiddenSize, rows = T * B;
        Span<int> myIds = _ids.AsSpan(0, rows);
        for (int t = 0; t < T; t++)
            for (int b = 0; b < B; b++)
                myIds[t * B + b] = ids[(firstRow + b) * T + t];
        Span<float> x = _x.AsSpan(0, rows * _config.EmbeddingSize), y = _y.AsSpan(0, rows * H);
        _embedding.Forward(myIds, x);
        _recurrent.Forward(x, y, T, B, training: training, dropoutSeed: dropoutSeed, firstExample: firstRow);
        Span<float> last = _last.AsSpan(0, B * H);
        y.Slice((T - 1) * B * H, B * H).CopyTo(last);
        Span<float> logits = _logits.AsSpan(0, B), dlogits = _dlogits.AsSpan(0, B);
        _dense.Forward(last, logits, B);
        logits.CopyTo(logitsOut);
        ReadOnlySpan<float> myLabels = labels.Slice(firstRow, B);
        double loss = training
            ? BinaryCrossEntropyWithLogitsLoss.ForwardBackward(logits, myLabels, dlogits, LossReduction.Sum)
            : BinaryCrossEntropyWithLogitsLoss.Forward(logits, myLabels, LossReduction.Sum);
        if (training)
        {
            TensorPrimitives.Multiply(dlogits, gradientScale, dlogits);
            Span<float> dy = _dy.AsSpan(0, rows * H), dx = _dx.AsSpan(0, rows * _config.EmbeddingSize);
            dy.Clear();
            _dense.Backward(last, dlogits, dy.Slice((T - 1) * B * H, B * H), B);
            _recurrent.Backward(dy, default, default, dx);
            _embedding.Backward(myIds, dx);
        }
        return loss;
    }

    /// <summary>Copies lanes [first, first + lanes) of a (T, batch) time-major array into a (T, lanes) one.</summary>
    private static void Gather(ReadOnlySpan<int> source, Span<int> destination, int T, int batch, int first, int lanes)
    {
        for (int t = 0; t < T; t++) source.Slice(t * batch + first, lanes).CopyTo(destination.Slice(t * lanes, lanes));
    }

    public void Dispose() => _recurrent.Dispose();
}
