using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Layers;
using Rnn.Training.Clipping;
using Rnn.Training.Optimizers;
using Rnn.Training.Parallel;
using Rnn.Training.Parameters;

namespace Rnn.Training.Models;

/// <summary>The outcome of one optimizer step.</summary>
public readonly record struct StepResult(double Loss, float GradientNorm, bool Applied);

/// <summary>
/// Data-parallel training of a <see cref="SequenceModel"/>: a batch is cut into a fixed number of shards
/// (independent of the thread count), each shard's gradient is computed by its own replica, and the gradients are
/// summed in shard order, then clipped and applied once. Same seed and data → the same weights, bit for bit, with
/// any number of threads. Allocates nothing per step after the first.
/// Every input is checked (ids, targets, labels, lengths) before any shard runs, so a rejected call changes nothing.
/// A step whose loss or gradient norm is not finite is not applied (<see cref="StepResult.Applied"/> is false), as a
/// guard against one bad batch poisoning Adam's moments. One caller at a time: the trainer runs its own workers.
/// </summary>
public sealed class ShardedTrainer : IDisposable
{
    private readonly SequenceModel _model;
    private readonly ModelReplica[] _replicas;
    private readonly ShardWorkers _workers;
    private readonly double[] _shardLoss;
    private readonly Action<int> _languageModelShard, _classifierShard;
    private ModelReplica[]? _evalReplicas;

    // The current job, read by the shard callbacks (fields, so that no closure is allocated per step).
    private int[] _ids = [], _targets = [];
    private float[] _labels = [], _logits = [];
    private int _steps, _rows;
    private bool _training;
    private ulong _dropoutSeed;
    private float _scale;
    private ModelReplica[] _active;
    private bool _disposed;

    public Optimizer Optimizer { get; }
    public float ClipNorm { get; }
    public int Batch { get; }
    public int MaxSteps { get; }
    public int Shards => _replicas.Length;
    public int Threads => _workers.ThreadCount;
    public KernelPath KernelPath { get; }

    /// <param name="shards">How many parts each batch is cut into; part of the run's definition, unlike threads.</param>
    public ShardedTrainer(SequenceModel model, Optimizer optimizer, int maxSteps, int batch, int shards, int threads,
        float clipNorm, KernelPath? path = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSteps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shards);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (batch % shards != 0)
            throw new ArgumentException($"Batch {batch} must be a multiple of the shard count {shards}.", nameof(shards));
        if (!(clipNorm >= 0) || float.IsInfinity(clipNorm))
            throw new ArgumentOutOfRangeException(nameof(clipNorm), clipNorm, "The clip norm must be 0 (off) or a finite positive norm.");
        // The optimizer must step the master's own parameters, or training would silently change nothing.
        if (optimizer.Parameters.Count != model.Parameters.Count)
            throw new ArgumentException($"The optimizer holds {optimizer.Parameters.Count} parameters, the model {model.Parameters.Count}: it must be built over model.Parameters.", nameof(optimizer));
        for (int i = 0; i < model.Parameters.Count; i++)
            if (!ReferenceEquals(optimizer.Parameters[i], model.Parameters[i]))
                throw new ArgumentException($"The optimizer's parameter {i} ('{optimizer.Parameters[i].Name}') is not the model's '{model.Parameters[i].Name}': build it over model.Parameters.", nameof(optimizer));
        _model = model;
        Optimizer = optimizer;
        MaxSteps = maxSteps;
        Batch = batch;
        ClipNorm = clipNorm;
        KernelPath = path ?? KernelPaths.Default;
        _replicas = new ModelReplica[shards];
        for (int s = 0; s < shards; s++) _replicas[s] = new ModelReplica(model, maxSteps, batch / shards, KernelPath);
        for (int i = 0; i < model.Parameters.Count; i++)
            if (model.Parameters[i].Name != _replicas[0].Parameters[i].Name)
                throw new InvalidOperationException($"Replica parameter {i} is '{_replicas[0].Parameters[i].Name}', master has '{model.Parameters[i].Name}'.");
        _workers = new ShardWorkers(Math.Clamp(threads, 1, shards));
        _shardLoss = new double[shards];
        _languageModelShard = LanguageModelShard;
        _classifierShard = ClassifierShard;
        _active = _replicas;
    }

    /// <summary>
    /// The hidden (and cell) state carried between truncated-BPTT chunks, for every lane: saved with a checkpoint so
    /// that a resumed run continues exactly where it stopped.
    /// </summary>
    public float[] ExportCarriedState()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var state = new float[_replicas.Length * _replicas[0].CarriedStateLength];
        for (int s = 0; s < _replicas.Length; s++)
            _replicas[s].CopyCarriedState(state.AsSpan(s * _replicas[s].CarriedStateLength, _replicas[s].CarriedStateLength));
        return state;
    }

    /// <summary>Restores what <see cref="ExportCarriedState"/> gave (a checkpoint's carried state).</summary>
    public void ImportCarriedState(ReadOnlySpan<float> state)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int each = _replicas[0].CarriedStateLength;
        if (state.Length != _replicas.Length * each)
            throw new ArgumentException($"Carried state has {state.Length} floats, this trainer needs {_replicas.Length * each} (batch and model must match the checkpoint's).");
        for (int s = 0; s < _replicas.Length; s++) _replicas[s].RestoreCarriedState(state.Slice(s * each, each));
    }

    /// <summary>Zeroes the carried state of every lane (start of an epoch).</summary>
    public void ResetState()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var r in _replicas) r.ResetState();
    }

    /// <summary>
    /// One truncated-BPTT step of the language model: ids and targets are (T, Batch) time-major, the state carried
    /// from the previous chunk is used and updated. Returns the mean cross-entropy (nats per character).
    /// </summary>
    public StepResult TrainLanguageModel(int[] ids, int[] targets, int T, ulong dropoutSeed)
    {
        CheckChunk(ids, targets, T, nameof(TrainLanguageModel));
        SetJob(ids, targets, T, training: true, dropoutSeed, _replicas);
        _workers.Run(_languageModelShard, _replicas.Length);
        return ApplyGradients(SumLoss() / (T * Batch));
    }

    /// <summary>Mean cross-entropy of a chunk without training; the evaluation state is separate from training's.</summary>
    public double EvaluateLanguageModel(int[] ids, int[] targets, int T)
    {
        CheckChunk(ids, targets, T, nameof(EvaluateLanguageModel));
        SetJob(ids, targets, T, training: false, 0, EvaluationReplicas());
        _workers.Run(_languageModelShard, _replicas.Length);
        return SumLoss() / (T * Batch);
    }

    /// <summary>Zeroes the evaluation lanes' carried state (start of a validation pass).</summary>
    public void ResetEvaluationState()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var r in EvaluationReplicas()) r.ResetState();
    }

    /// <summary>One step of the classifier: ids is (Batch, T) batch-first, labels (Batch) 0/1. Returns the mean BCE.</summary>
    public StepResult TrainClassifier(int[] ids, float[] labels, int T, ulong dropoutSeed)
    {
        CheckClassifier(ids, labels, T, nameof(TrainClassifier));
        SetJob(ids, [], T, training: true, dropoutSeed, _replicas);
        _labels = labels;
        _logits = EnsureLogits();
        _workers.Run(_classifierShard, _replicas.Length);
        return ApplyGradients(SumLoss() / Batch);
    }

    /// <summary>Logits (Batch) of a batch without training; returns the mean BCE.</summary>
    public double EvaluateClassifier(int[] ids, float[] labels, int T, Span<float> logits)
    {
        CheckClassifier(ids, labels, T, nameof(EvaluateClassifier));
        if (logits.Length < Batch) throw new ArgumentException($"logits has {logits.Length} floats, expected batch {Batch}.", nameof(logits));
        SetJob(ids, [], T, training: false, 0, EvaluationReplicas());
        _labels = labels;
        _logits = EnsureLogits();
        _workers.Run(_classifierShard, _replicas.Length);
        _logits.AsSpan(0, Batch).CopyTo(logits);
        return SumLoss() / Batch;
    }

    /// <summary>The logits (Batch) of the last <see cref="TrainClassifier"/> or <see cref="EvaluateClassifier"/> call,
    /// computed before that step's update (a training step's accuracy comes free from them).</summary>
    public ReadOnlySpan<float> ClassifierLogits => _logits.AsSpan(0, Math.Min(_logits.Length, Batch));

    private float[] EnsureLogits() => _logits.Length >= Batch ? _logits : new float[Batch];

    private void SetJob(int[] ids, int[] targets, int T, bool training, ulong seed, ModelReplica[] replicas)
    {
        _ids = ids;
        _targets = targets;
        _steps = T;
        _training = training;
        _dropoutSeed = seed;
        _rows = T * Batch;
        _scale = 1f / (targets.Length > 0 ? T * Batch : Batch);
        _active = replicas;
    }

    private void LanguageModelShard(int shard)
    {
        ModelReplica r = _active[shard];
        _shardLoss[shard] = r.LanguageModelStep(_ids, _targets, _steps, Batch, shard * r.Lanes, _training, _dropoutSeed, _scale);
    }

    private void ClassifierShard(int shard)
    {
        ModelReplica r = _active[shard];
        int first = shard * r.Lanes;
        _shardLoss[shard] = r.ClassifierStep(_ids, _labels, _steps, first, r.Lanes, _training, _dropoutSeed, _scale,
            _logits.AsSpan(first, r.Lanes));
    }

    private double SumLoss()
    {
        double sum = 0;
        foreach (double l in _shardLoss) sum += l; // shard order: the same sum whatever ran where
        return sum;
    }

    private StepResult ApplyGradients(double loss)
    {
        ParameterSet master = _model.Parameters;
        for (int i = 0; i < master.Count; i++)
        {
            Span<float> g = master[i].Grad;
            _replicas[0].Parameters[i].Grad.CopyTo(g);
            for (int s = 1; s < _replicas.Length; s++)
                System.Numerics.Tensors.TensorPrimitives.Add(g, _replicas[s].Parameters[i].Grad, g);
            foreach (var r in _replicas) Array.Clear(r.Parameters[i].Grad);
        }
        float norm = ClipNorm > 0
            ? GradientClipping.ClipGradNorm(master, ClipNorm)
            : (float)GradientClipping.TotalNorm(master);
        bool apply = float.IsFinite(norm) && double.IsFinite(loss);
        if (apply) Optimizer.Step();
        // The master's gradients are overwritten (not added to) by the next step's reduction, so they are not cleared:
        // like PyTorch's .grad before zero_grad, they hold this step's reduced, clipped gradient until then.
        return new StepResult(loss, norm, apply);
    }

    private ModelReplica[] EvaluationReplicas()
    {
        if (_evalReplicas is null)
        {
            _evalReplicas = new ModelReplica[_replicas.Length];
            for (int s = 0; s < _replicas.Length; s++) _evalReplicas[s] = new ModelReplica(_model, MaxSteps, _replicas[s].Lanes, KernelPath);
        }
        return _evalReplicas;
    }

    private void CheckChunk(int[] ids, int[] targets, int T, string call)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(targets);
        if (_model.Config.Output != OutputMode.ManyToMany)
            throw new InvalidOperationException($"{call} needs a language model (an output per step); this model has one output per sequence.");
        if (T <= 0 || T > MaxSteps) throw new ArgumentOutOfRangeException(nameof(T), T, $"Chunk length must be 1..{MaxSteps}.");
        if (ids.Length < T * Batch || targets.Length < T * Batch)
            throw new ArgumentException($"ids and targets need (T {T} x batch {Batch}) = {T * Batch} entries; got {ids.Length} and {targets.Length}.");
        Embedding.CheckIds(ids.AsSpan(0, T * Batch), _model.Config.VocabularySize);
        int classes = _model.Config.OutputSize;
        for (int i = 0; i < T * Batch; i++)
            if ((uint)targets[i] >= (uint)classes && targets[i] != Losses.SoftmaxCrossEntropyLoss.DefaultIgnoreIndex)
                throw new ArgumentOutOfRangeException(nameof(targets), targets[i], $"targets[{i}] = {targets[i]} is not a class: must be 0..{classes - 1} (or {Losses.SoftmaxCrossEntropyLoss.DefaultIgnoreIndex} to ignore).");
    }

    private void CheckClassifier(int[] ids, float[] labels, int T, string call)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(labels);
        if (_model.Config.Output != OutputMode.ManyToOne || _model.Config.OutputSize != 1)
            throw new InvalidOperationException($"{call} needs a binary classifier (one output per sequence); this model has {_model.Config.Output} outputs of width {_model.Config.OutputSize}.");
        if (T <= 0 || T > MaxSteps) throw new ArgumentOutOfRangeException(nameof(T), T, $"Sequence length must be 1..{MaxSteps}.");
        if (ids.Length < T * Batch || labels.Length < Batch)
            throw new ArgumentException($"ids need (batch {Batch} x T {T}) = {T * Batch} entries and labels {Batch}; got {ids.Length} and {labels.Length}.");
        Embedding.CheckIds(ids.AsSpan(0, T * Batch), _model.Config.VocabularySize);
    }

    /// <summary>Stops the workers and frees the replicas; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _workers.Dispose();
        foreach (var r in _replicas) r.Dispose();
        if (_evalReplicas is not null) foreach (var r in _evalReplicas) r.Dispose();
    }
}
