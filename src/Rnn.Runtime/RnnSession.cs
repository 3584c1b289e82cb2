using System.Buffers;
using Rnn.Runtime.IO;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Kernels.Int8;
using Rnn.Runtime.Layers;

namespace Rnn.Runtime;

/// <summary>
/// Runs whole (batches of) sequences through a model, as PyTorch's module forward does. All buffers are
/// rented once, for the maximum sequence length and batch given at creation, and returned on
/// <see cref="Dispose"/>: <see cref="Run(ReadOnlySpan{float}, Span{float}, int, int, ReadOnlySpan{int}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, bool)"/> allocates nothing. A session belongs to one thread at a time: a Run made
/// while another thread's Run is in progress throws <see cref="InvalidOperationException"/>, and Dispose waits for a
/// running Run to finish before returning the buffers.
/// </summary>
public sealed partial class RnnSession : IDisposable
{
    private readonly RnnModel _model;
    private readonly int _padded;
    private readonly int _productStride;
    private readonly bool _groupedRecurrence;
    private float[] _gx, _gh, _h, _c, _layerA, _layerB, _product, _staging;
    private bool[] _inactive;
    private ExclusiveUse _use;
    private Int8Kernel _int8Kernel;
    private QuantizedRows? _quantizedInput, _quantizedH; // int8 only: a chunk's layer input, one step's h
    private readonly int _chunkSteps;

    /// <summary>Steps whose input projection is one product (see <see cref="ProjectionChunkBytes"/>).</summary>
    internal int ProjectionChunkSteps => _chunkSteps;

    /// <summary>
    /// The input projection runs a chunk of steps at a time, as many as keep the chunk's gate pre-activations within
    /// this many bytes (at least one step): they are still in cache when the recurrence reads them, where one product
    /// of all T·B rows sends megabytes of them out to memory and back at batch 16 and more (LSTM H = 256, T = 100:
    /// 6.5 MB at batch 16, 26 MB at 64), and each chunk still has rows enough to amortize reading W_ih again. Measured
    /// on a Xeon with 2 MiB of L2 (perf/README.md): 1 MiB beat 256 KiB (float32 batch 16: 5 % slower there) and 4 MiB.
    /// </summary>
    internal const int ProjectionChunkBytes = 1024 * 1024;

    /// <summary>The longest sequence a Run may pass.</summary>
    public int MaxSequenceLength { get; }

    /// <summary>The largest batch a Run may pass.</summary>
    public int MaxBatch { get; }

    /// <summary>The model this session runs (dispose it after the session).</summary>
    public RnnModel Model => _model;

    /// <summary>How this session stores the weights: bfloat16 applies to the recurrent weights alone (its input
    /// projection stays float32), int8 to both.</summary>
    public WeightPrecision Precision { get; }

    /// <summary>Buffers for sequences of up to <paramref name="maxSequenceLength"/> steps and batches of up to
    /// <paramref name="maxBatch"/>; <paramref name="projectionChunkSteps"/> (tests) sets the steps per input-projection
    /// chunk, null as many as fit <see cref="ProjectionChunkBytes"/>.</summary>
    internal RnnSession(RnnModel model, int maxSequenceLength, int maxBatch, WeightPrecision precision = WeightPrecision.Float32,
        int? projectionChunkSteps = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSequenceLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        if ((double)maxSequenceLength * maxBatch * Math.Max(model.Cell.GateCount() * model.HiddenSize + 64, model.OutputSize) > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(maxSequenceLength), maxSequenceLength,
                $"sequences of {maxSequenceLength} steps x batch {maxBatch} need buffers larger than an array can be.");
        model.AcquireLease(); // the weights outlive the model's Dispose until this session's
        _model = model;
        MaxSequenceLength = maxSequenceLength;
        MaxBatch = maxBatch;
        Precision = precision;
        _gx = _gh = _h = _c = _layerA = _layerB = _product = _staging = [];
        _inactive = [];
        try
        {
            _padded = model.LayerWeights(0, 0).RecurrentWeights.PaddedN;
            _chunkSteps = (int)Math.Clamp(projectionChunkSteps ?? ProjectionChunkBytes / ((long)maxBatch * _padded * sizeof(float)), 1, maxSequenceLength);
            _groupedRecurrence = precision == WeightPrecision.Float32 && maxBatch == 1;
            _productStride = precision == WeightPrecision.BFloat16 ? PackedMatrixBf16.PaddedWidth(model.Cell.GateCount() * model.HiddenSize) : 0;
            Rent(model, maxSequenceLength, maxBatch, precision);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private void Rent(RnnModel model, int maxSequenceLength, int maxBatch, WeightPrecision precision)
    {
        int rows = maxSequenceLength * maxBatch, chunkRows = _chunkSteps * maxBatch;
        var pool = ArrayPool<float>.Shared;
        RecurrentLayerWeights first = model.LayerWeights(0, 0);
        _gx = pool.Rent(chunkRows * _padded);
        // A batch-first input's chunk, gathered into time-major rows (one product for the chunk, not one per sequence).
        _staging = maxBatch > 1 ? pool.Rent(chunkRows * model.InputSize) : [];
        _gh = pool.Rent(Math.Max(maxBatch * _padded, RecurrentStep.ScratchLength(first, maxBatch)));
        _h = pool.Rent(maxBatch * model.HiddenSize);
        _c = pool.Rent(maxBatch * model.HiddenSize);
        _layerA = model.NumLayers > 1 ? pool.Rent(rows * model.OutputSize) : [];
        _layerB = model.NumLayers > 2 ? pool.Rent(rows * model.OutputSize) : [];
        _inactive = ArrayPool<bool>.Shared.Rent(maxBatch);
        // A batch-1 recurrence is a matrix-vector product per step, faster over the grouped layout (packed now, once
        // per model, not in the first run).
        if (_groupedRecurrence)
            for (int l = 0; l < model.NumLayers; l++)
                for (int d = 0; d < model.Directions; d++) _ = model.LayerWeights(l, d).RecurrentWeightsGrouped;
        bool resetFirst = first.Variant.ResetBeforeProduct;
        if (resetFirst) // a reset-first GRU's split recurrent weights, packed now, not in the first run
            for (int l = 0; l < model.NumLayers; l++)
                for (int d = 0; d < model.Directions; d++)
                {
                    RecurrentLayerWeights w = model.LayerWeights(l, d);
                    if (precision == WeightPrecision.BFloat16) { _ = w.ResetGateWeightsBf16; _ = w.CandidateWeightsBf16; }
                    else if (precision == WeightPrecision.Int8) { _ = w.ResetGateWeightsInt8; _ = w.CandidateWeightsInt8; }
                    else if (_groupedRecurrence) { _ = w.ResetGateWeightsGrouped; _ = w.CandidateWeightsGrouped; }
                    else { _ = w.ResetGateWeights; _ = w.CandidateWeights; }
                }
        if (precision == WeightPrecision.BFloat16)
        {
            _product = pool.Rent(RecurrentStep.Bf16ScratchLength(first, maxBatch, _productStride));
            for (int l = 0; l < model.NumLayers; l++) // pack now, not in the first run
                for (int d = 0; d < model.Directions; d++)
                {
                    RecurrentLayerWeights w = model.LayerWeights(l, d);
                    _ = w.RecurrentWeightsBf16;
                    if (RoundedBf16Gemm(maxBatch, w)) _ = w.RecurrentWeightsBf16Rounded;
                }
        }
        if (precision == WeightPrecision.Int8)
        {
            _int8Kernel = Int8Kernels.For(model.KernelPath);
            int widest = 0;
            for (int l = 0; l < model.NumLayers; l++)
            {
                widest = Math.Max(widest, model.Architecture.LayerInputSize(l));
                for (int d = 0; d < model.Directions; d++) { _ = model.LayerWeights(l, d).InputWeightsInt8; _ = model.LayerWeights(l, d).RecurrentWeightsInt8; }
            }
            _quantizedInput = new QuantizedRows(chunkRows, widest);
            _quantizedH = new QuantizedRows(maxBatch, model.HiddenSize);
        }
    }

    /// <summary>
    /// input is (T, B, I), or (B, T, I) with <paramref name="batchFirst"/>; output is (T, B, D·H) or (B, T, D·H),
    /// the last layer's outputs with the forward direction in [0, H) and the reverse one in [H, 2H).
    /// lengths (B), if given, are each sequence's own length in a padded batch (1..T): outputs past it are zero
    /// and its final state is the one at its own last step, as PyTorch's packed sequences give.
    /// h0, c0, hn, cn are (L·D, B, H) with index l·D + d; empty h0/c0 mean zeros, empty hn/cn are not written.
    /// output may not overlap input, h0 or c0 (they are read while it is written); hn and cn may be h0 and c0 themselves.
    /// </summary>
    public void Run(ReadOnlySpan<float> input, Span<float> output, int sequenceLength, int batch,
        ReadOnlySpan<int> lengths = default, ReadOnlySpan<float> h0 = default, ReadOnlySpan<float> c0 = default,
        Span<float> hn = default, Span<float> cn = default, bool batchFirst = false)
    {
        _use.Enter(this);
        try
        {
            ObjectDisposedException.ThrowIf(_model.IsDisposed, _model);
            Validate(input, output, sequenceLength, batch, lengths, h0, c0, hn, cn);
            RunValidated(input, output, sequenceLength, batch, lengths, h0, c0, hn, cn, batchFirst);
        }
        finally
        {
            _use.Leave();
        }
    }

    private void RunValidated(ReadOnlySpan<float> input, Span<float> output, int sequenceLength, int batch,
        ReadOnlySpan<int> lengths, ReadOnlySpan<float> h0, ReadOnlySpan<float> c0, Span<float> hn, Span<float> cn, bool batchFirst)
    {
        RnnModel m = _model;
        int T = sequenceLength, B = batch, H = m.HiddenSize, D = m.Directions, L = m.NumLayers, P = _padded;
        int stateSize = B * H;
        Span<float> h = _h.AsSpan(0, stateSize), c = _c.AsSpan(0, stateSize);
        Span<bool> inactive = _inactive.AsSpan(0, B);
        KernelPath path = m.KernelPath;
        ReadOnlySpan<float> layerInput = input;

        for (int l = 0; l < L; l++)
        {
            bool last = l == L - 1;
            bool inBatchFirst = batchFirst && l == 0, outBatchFirst = batchFirst && last;
            Span<float> layerOutput = last ? output : (l % 2 == 0 ? _layerA : _layerB).AsSpan(0, T * B * D * H);
            int inputSize = m.Architecture.LayerInputSize(l);
            for (int d = 0; d < D; d++)
            {
                RecurrentLayerWeights w = m.LayerWeights(l, d);
                int stateIndex = l * D + d;
                LoadState(h, h0, stateIndex, stateSize);
                if (m.Cell == CellKind.Lstm) LoadState(c, c0, stateIndex, stateSize);

                bool forward = d == 0 && !m.Architecture.Reverse;
                int chunk = Math.Min(T, _chunkSteps), tLow = 0;
                Span<float> gx = default;
                for (int s = 0; s < T; s++)
                {
                    int t = forward ? s : T - 1 - s;
                    if (s % chunk == 0)
                    {
                        // The next chunk's input projection: steps [tLow, tLow + n), rows (t − tLow)·B + b of gx.
                        int n = Math.Min(chunk, T - s);
                        tLow = forward ? s : T - s - n;
                        gx = _gx.AsSpan(0, n * B * P);
                        ProjectInput(path, w, layerInput, inputSize, inBatchFirst, T, B, tLow, n, gx);
                    }
                    bool anyInactive = false;
                    if (!lengths.IsEmpty)
                        for (int b = 0; b < B; b++) anyInactive |= inactive[b] = t >= lengths[b];
                    int gxOffset = (t - tLow) * B * P;
                    int ldgx = P;
                    // Odd steps read W_hh last panel first: each step starts where the previous one's reads are still in L2.
                    if (Precision == WeightPrecision.Int8)
                        RecurrentStep.RunInt8(path, _int8Kernel, w, B, gx.Slice(gxOffset), ldgx, _gh, P, h, c, anyInactive ? inactive : default,
                            _quantizedH!, descending: (s & 1) == 1);
                    else if (Precision == WeightPrecision.BFloat16 && !RoundedBf16Gemm(B, w))
                        RecurrentStep.RunBf16(path, w, B, gx.Slice(gxOffset), ldgx, _product, _productStride, h, c, anyInactive ? inactive : default);
                    else if (Precision == WeightPrecision.BFloat16)
                        RecurrentStep.Run(path, w, B, gx.Slice(gxOffset), ldgx, _gh, h, c, anyInactive ? inactive : default,
                            descending: (s & 1) == 1, w.RecurrentWeightsBf16Rounded);
                    else
                        RecurrentStep.Run(path, w, B, gx.Slice(gxOffset), ldgx, _gh, h, c, anyInactive ? inactive : default,
                            descending: (s & 1) == 1, _groupedRecurrence ? w.RecurrentWeightsGrouped : null);
                    for (int b = 0; b < B; b++)
                    {
                        int row = outBatchFirst ? b * T + t : t * B + b;
                        Span<float> dst = layerOutput.Slice(row * D * H + d * H, H);
                        if (anyInactive && inactive[b]) dst.Clear();
                        else h.Slice(b * H, H).CopyTo(dst);
                    }
                }
                if (!hn.IsEmpty) h.CopyTo(hn.Slice(stateIndex * stateSize, stateSize));
                if (!cn.IsEmpty) c.CopyTo(cn.Slice(stateIndex * stateSize, stateSize));
            }
            layerInput = layerOutput;
        }
    }

    /// <summary>
    /// gx rows (t − tLow)·B + b, for steps t in [tLow, tLow + n): the input projection of those steps, bias included,
    /// as one product of n·B rows (a batch-first input's rows gathered time-major first). int8 quantizes the rows here,
    /// each with its own scale, so each direction quantizes its chunks (the same bytes either way).
    /// </summary>
    private void ProjectInput(KernelPath path, RecurrentLayerWeights w, ReadOnlySpan<float> layerInput, int inputSize, bool batchFirst,
        int T, int B, int tLow, int n, Span<float> gx)
    {
        int rows = n * B;
        ReadOnlySpan<float> x;
        if (batchFirst && B > 1)
        {
            Span<float> staging = _staging.AsSpan(0, rows * inputSize);
            for (int t = 0; t < n; t++)
                for (int b = 0; b < B; b++)
                    layerInput.Slice((b * T + tLow + t) * inputSize, inputSize).CopyTo(staging.Slice((t * B + b) * inputSize, inputSize));
            x = staging;
        }
        else x = layerInput.Slice(tLow * B * inputSize, rows * inputSize);
        if (_quantizedInput is { } qx)
        {
            qx.Quantize(x, rows, inputSize, inputSize);
            GemvInt8.Multiply(_int8Kernel, w.InputWeightsInt8, rows, qx.Bytes, qx.Stride, qx.Scales, default, 0, default, w.InputBias, gx, _padded);
        }
        else Gemm.Multiply(path, x, rows, inputSize, w.InputWeights, w.InputBias, gx, _padded, accumulate: false);
    }

    /// <summary>
    /// From this batch on, a bfloat16 session runs its recurrence as the float32 GEMM over W_hh rounded to bfloat16
    /// (<see cref="RecurrentLayerWeights.RecurrentWeightsBf16Rounded"/>) instead of the bfloat16 kernel one row at a
    /// time: measured on the Xeon (LSTM H = 256, T = 100), the kernel wins at batch 2 (2.05 against 2.16 ms), the GEMM
    /// from 3 on (2.8–3.1 against 3.2 ms; at 16 12.4–13.6 against 16.7 ms).
    /// </summary>
    internal const int Bf16GemmBatch = 3;

    /// <summary>Whether this batch of a bfloat16 session takes the rounded float32 GEMM (not for a reset-first GRU,
    /// whose split products keep the bfloat16 kernel).</summary>
    private static bool RoundedBf16Gemm(int batch, RecurrentLayerWeights w) => batch >= Bf16GemmBatch && !w.Variant.ResetBeforeProduct;

    private static void LoadState(Span<float> state, ReadOnlySpan<float> initial, int index, int size)
    {
        if (initial.IsEmpty) state.Clear();
        else initial.Slice(index * size, size).CopyTo(state);
    }

    private void Validate(ReadOnlySpan<float> input, Span<float> output, int T, int B,
        ReadOnlySpan<int> lengths, ReadOnlySpan<float> h0, ReadOnlySpan<float> c0, Span<float> hn, Span<float> cn)
    {
        RnnArchitecture a = _model.Architecture;
        RecurrentArguments.CheckExtent(T, B, MaxSequenceLength, MaxBatch, "session", "sequenceLength", "batch");
        RecurrentArguments.CheckSequence(input.Length, T, B, a.InputSize, nameof(input), "input");
        RecurrentArguments.CheckSequence(output.Length, T, B, _model.OutputSize, nameof(output), "outputs");
        RecurrentArguments.CheckLengths(lengths, T, B);
        RecurrentArguments.CheckState(h0.Length, a, B, nameof(h0));
        RecurrentArguments.CheckState(hn.Length, a, B, nameof(hn));
        RecurrentArguments.CheckCellState(c0.Length, a, B, nameof(c0));
        RecurrentArguments.CheckCellState(cn.Length, a, B, nameof(cn));
        // Outputs are written while inputs are still being read (the reverse direction and later layers re-read them),
        // so they may not share memory; hn/cn may be exactly h0/c0 (read before any is written).
        if (output.Overlaps(input)) throw new ArgumentException("output overlaps input; give it its own memory.", nameof(output));
        if (output.Overlaps(h0) || output.Overlaps(c0)) throw new ArgumentException("output overlaps h0 or c0; give it its own memory.", nameof(output));
        if (hn.Overlaps(input) || hn.Overlaps(output) || cn.Overlaps(input) || cn.Overlaps(output) || (!hn.IsEmpty && hn.Overlaps(cn)))
            throw new ArgumentException("hn or cn overlaps input, output or each other; give them their own memory.", hn.Overlaps(input) || hn.Overlaps(output) ? nameof(hn) : nameof(cn));
        if ((hn.Overlaps(h0, out int hOffset) && hOffset != 0) || (cn.Overlaps(c0, out int cOffset) && cOffset != 0) || hn.Overlaps(c0) || cn.Overlaps(h0))
            throw new ArgumentException("hn/cn may be h0/c0 themselves, but not overlap them otherwise.", nameof(hn));
    }

    /// <summary>Returns the buffers to the pool (after a Run in progress on another thread finishes) and the session's
    /// lease on the model's weights; Run afterwards throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (!_use.Close()) return;
        var pool = ArrayPool<float>.Shared;
        foreach (float[] buffer in (ReadOnlySpan<float[]>)[_gx, _gh, _h, _c, _layerA, _layerB, _product, _staging])
            if (buffer.Length > 0) pool.Return(buffer);
        if (_inactive.Length > 0) ArrayPool<bool>.Shared.Return(_inactive);
        _gx = _gh = _h = _c = _layerA = _layerB = _product = _staging = [];
        _inactive = [];
        _model.ReleaseLease();
    }
}
