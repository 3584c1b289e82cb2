using System.Buffers;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Kernels.Int8;
using Rnn.Runtime.Layers;

namespace Rnn.Runtime;

/// <summary>
/// Step-by-step inference for one or many independent streams (e.g. one per audio channel or user),
/// each with its own state, advanced together by <see cref="Step(ReadOnlySpan{float}, Span{float})"/> or alone by <see cref="StepOne"/>.
/// Buffers are rented at creation and returned on <see cref="Dispose"/>; a step allocates nothing.
/// Unidirectional models only: a reverse direction needs the future. A stream belongs to one thread at a time: a call
/// made while another thread's call runs throws <see cref="InvalidOperationException"/>, and Dispose waits for a
/// running call to finish before returning the buffers.
/// </summary>
public sealed partial class RnnStream : IDisposable
{
    private readonly RnnModel _model;
    private int _padded;
    private float[] _h, _c, _gx, _gh, _xh; // state: [layer][stream][H]; _xh: [x; h] rows of a fused step
    private ExclusiveUse _use;
    private bool _descending;
    private Int8Kernel _int8Kernel;
    private QuantizedRows? _quantizedX, _quantizedH; // int8 only: each step's inputs and hidden states

    /// <summary>Independent streams held.</summary>
    public int StreamCount { get; }

    /// <summary>How this stream stores the weights it reads each step.</summary>
    public WeightPrecision Precision { get; }
    /// <summary>The model this stream runs (dispose it after the stream).</summary>
    public RnnModel Model => _model;

    internal RnnStream(RnnModel model, int streams, WeightPrecision precision = WeightPrecision.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(streams);
        int gateWidth = model.Cell.GateCount() * model.HiddenSize;
        if ((double)streams * (gateWidth + 64 + model.InputSize + model.HiddenSize) * model.NumLayers > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(streams), streams, $"{streams} streams of this model need buffers larger than an array can be.");
        if (model.Bidirectional)
            throw new InvalidOperationException(
                "A bidirectional model cannot run step by step: its reverse direction reads the sequence from the end. Use RnnSession.Run.");
        if (model.Architecture.Reverse)
            throw new InvalidOperationException(
                "A reverse model (ONNX direction = \"reverse\") cannot run step by step: it reads the sequence from the end. Use RnnSession.Run.");
        model.AcquireLease(); // the weights outlive the model's Dispose until this stream's
        try
        {
            _model = model;
            StreamCount = streams;
            Precision = precision;
            _h = _c = _gx = _gh = _xh = [];
            Rent(model, streams, precision);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private void Rent(RnnModel model, int streams, WeightPrecision precision)
    {
        int gates = model.Cell.GateCount() * model.HiddenSize;
        // bf16 products write whole 64-column groups; float32 ones whole 16-column panels.
        _padded = precision == WeightPrecision.BFloat16
            ? PackedMatrixBf16.PaddedWidth(gates)
            : model.LayerWeights(0, 0).RecurrentWeights.PaddedN;
        var pool = ArrayPool<float>.Shared;
        int state = model.NumLayers * streams * model.HiddenSize;
        _h = pool.Rent(state);
        _c = pool.Rent(state);
        _gx = pool.Rent(streams * _padded);
        RecurrentLayerWeights first = model.LayerWeights(0, 0);
        _gh = pool.Rent(Math.Max(Math.Max(streams * _padded, RecurrentStep.ScratchLength(first, streams)),
            RecurrentStep.Bf16ScratchLength(first, streams, _padded)));
        int widest = model.HiddenSize;
        for (int l = 0; l < model.NumLayers; l++) widest = Math.Max(widest, model.LayerWeights(l, 0).InputSize);
        _xh = pool.Rent(streams * (widest + model.HiddenSize));
        if (precision == WeightPrecision.Int8)
        {
            _int8Kernel = Int8Kernels.For(model.KernelPath);
            _quantizedX = new QuantizedRows(streams, widest);
            _quantizedH = new QuantizedRows(streams, model.HiddenSize);
        }
        for (int l = 0; l < model.NumLayers; l++) // pack now, not in the first step
        {
            RecurrentLayerWeights w = model.LayerWeights(l, 0);
            bool resetFirst = w.Variant.ResetBeforeProduct;
            if (precision == WeightPrecision.BFloat16)
            {
                if (model.Cell == CellKind.Gru) { _ = w.InputWeightsBf16; _ = w.RecurrentWeightsBf16; }
                else _ = w.StepWeightsBf16;
                if (RoundedBf16Gemm(streams, w))
                {
                    if (model.Cell == CellKind.Gru) { _ = w.InputWeightsBf16Rounded; _ = w.RecurrentWeightsBf16Rounded; }
                    else _ = w.StepWeightsBf16Rounded;
                }
                if (resetFirst) { _ = w.ResetGateWeightsBf16; _ = w.CandidateWeightsBf16; }
            }
            else if (precision == WeightPrecision.Int8)
            {
                if (model.Cell == CellKind.Gru) { _ = w.InputWeightsInt8; _ = w.RecurrentWeightsInt8; }
                else _ = w.StepWeightsInt8;
                if (resetFirst) { _ = w.ResetGateWeightsInt8; _ = w.CandidateWeightsInt8; }
            }
            else if (model.Cell != CellKind.Gru) _ = w.StepWeights;
            else if (streams == 1)
            {
                _ = w.InputWeightsGrouped; _ = w.RecurrentWeightsGrouped;
                if (resetFirst) { _ = w.ResetGateWeightsGrouped; _ = w.CandidateWeightsGrouped; }
            }
            else if (resetFirst) { _ = w.ResetGateWeights; _ = w.CandidateWeights; }
        }
        ClearState();
    }

    /// <summary>input is (streams, I); output is (streams, H), the last layer's new hidden state.</summary>
    public void Step(ReadOnlySpan<float> input, Span<float> output)
    {
        _use.Enter(this);
        try
        {
            ObjectDisposedException.ThrowIf(_model.IsDisposed, _model);
            CheckSizes(input.Length, output.Length, StreamCount);
            Advance(0, StreamCount, input, output);
        }
        finally
        {
            _use.Leave();
        }
    }

    /// <summary>Advances only <paramref name="stream"/>: input is (I), output is (H).</summary>
    public void StepOne(int stream, ReadOnlySpan<float> input, Span<float> output)
    {
        _use.Enter(this);
        try
        {
            ObjectDisposedException.ThrowIf(_model.IsDisposed, _model);
            CheckStream(stream);
            CheckSizes(input.Length, output.Length, 1);
            Advance(stream, 1, input, output);
        }
        finally
        {
            _use.Leave();
        }
    }

    private void Advance(int first, int count, ReadOnlySpan<float> input, Span<float> output)
    {
        // Every other call reads the weights last panel first, so it starts on what the previous call left in L2.
        bool descending = _descending = !_descending;
        RnnModel m = _model;
        int H = m.HiddenSize, P = _padded, S = StreamCount;
        KernelPath path = m.KernelPath;
        ReadOnlySpan<float> x = input;
        Span<float> gx = _gx.AsSpan(0, count * P);
        for (int l = 0; l < m.NumLayers; l++)
        {
            RecurrentLayerWeights w = m.LayerWeights(l, 0);
            Span<float> h = _h.AsSpan((l * S + first) * H, count * H);
            Span<float> c = _c.AsSpan((l * S + first) * H, count * H);
            bool rounded = Precision == WeightPrecision.BFloat16 && RoundedBf16Gemm(count, w);
            if (Precision == WeightPrecision.BFloat16 && !rounded)
                StepBf16(path, w, count, x, h, c, gx);
            else if (Precision == WeightPrecision.Int8)
                StepInt8(path, w, count, x, h, c, gx, descending);
            else if (w.Cell == CellKind.Gru)
            {
                bool grouped = StreamCount == 1; // one row: the grouped copies, packed at creation
                PackedMatrix wih = rounded ? w.InputWeightsBf16Rounded : grouped ? w.InputWeightsGrouped : w.InputWeights;
                PackedMatrix? whh = rounded ? w.RecurrentWeightsBf16Rounded : grouped ? w.RecurrentWeightsGrouped : null;
                Gemm.Multiply(path, x, count, w.InputSize, wih, w.InputBias, gx, P, accumulate: false, descending);
                RecurrentStep.Run(path, w, count, gx, P, _gh, h, c, default, descending, whh);
            }
            else
            {
                int k = w.InputSize + H;
                Span<float> xh = _xh.AsSpan(0, count * k);
                for (int s = 0; s < count; s++)
                {
                    x.Slice(s * w.InputSize, w.InputSize).CopyTo(xh.Slice(s * k));
                    h.Slice(s * H, H).CopyTo(xh.Slice(s * k + w.InputSize));
                }
                Gemm.Multiply(path, xh, count, k, rounded ? w.StepWeightsBf16Rounded : w.StepWeights, w.InputBias, gx, P, accumulate: false, descending);
                RecurrentStep.Pointwise(path, w, count, gx, P, h, c);
            }
            x = h;
        }
        x.CopyTo(output);
    }

    /// <summary>
    /// From this many streams in one call (LSTM and Elman; GRU from one fewer), a bfloat16 step runs the float32 GEMM over
    /// the weights rounded to bfloat16 (<see cref="RecurrentLayerWeights.StepWeightsBf16Rounded"/>) instead of
    /// <see cref="StepBf16"/>'s product per stream; not for a reset-first GRU, whose split products keep the bfloat16
    /// kernel. Measured on the Xeon at H = 256 (µs per step, kernel against GEMM): LSTM 3 streams 40.6 / 42.8–43.4, 4
    /// 54.0 / 50.4, 8 108 / 71.4; GRU 2 21.3 / 22.8–23.2, 3 31.6 / 25.7–26.9.
    /// </summary>
    internal const int Bf16GemmStreams = 4;

    private static bool RoundedBf16Gemm(int count, RecurrentLayerWeights w) =>
        count >= (w.Cell == CellKind.Gru ? Bf16GemmStreams - 1 : Bf16GemmStreams) && !w.Variant.ResetBeforeProduct;

    /// <summary>One layer's step with bfloat16 weights: one matrix-vector product per stream and weight matrix.</summary>
    private void StepBf16(KernelPath path, RecurrentLayerWeights w, int count, ReadOnlySpan<float> x, Span<float> h, Span<float> c, Span<float> gx)
    {
        int H = _model.HiddenSize, P = _padded, I = w.InputSize;
        if (w.Cell == CellKind.Gru)
        {
            // The input products here; the recurrent half (r gates W_hn h alone) is the session's bf16 step.
            for (int s = 0; s < count; s++)
                GemvBf16.Multiply(path, x.Slice(s * I, I), w.InputWeightsBf16, w.InputBias, gx.Slice(s * P, P));
            RecurrentStep.RunBf16(path, w, count, gx, P, _gh, P, h, c, default);
            return;
        }
        Span<float> xh = _xh.AsSpan(0, I + H);
        for (int s = 0; s < count; s++)
        {
            x.Slice(s * I, I).CopyTo(xh);
            h.Slice(s * H, H).CopyTo(xh.Slice(I));
            GemvBf16.Multiply(path, xh, w.StepWeightsBf16, w.InputBias, gx.Slice(s * P, P));
        }
        RecurrentStep.Pointwise(path, w, count, gx, P, h, c);
    }

    /// <summary>
    /// One layer's step with int8 weights: x and h quantized per stream, each with its own scale; LSTM and Elman in one
    /// pass over [W_ih | W_hh], GRU as an input product then the session's int8 recurrent step.
    /// </summary>
    private void StepInt8(KernelPath path, RecurrentLayerWeights w, int count, ReadOnlySpan<float> x, Span<float> h, Span<float> c,
        Span<float> gx, bool descending)
    {
        int H = _model.HiddenSize, P = _padded, I = w.InputSize;
        QuantizedRows qx = _quantizedX!, qh = _quantizedH!;
        qx.Quantize(x, count, I, I);
        if (w.Cell == CellKind.Gru)
        {
            GemvInt8.Multiply(_int8Kernel, w.InputWeightsInt8, count, qx.Bytes, qx.Stride, qx.Scales, default, 0, default,
                w.InputBias, gx, P, accumulate: false, descending);
            RecurrentStep.RunInt8(path, _int8Kernel, w, count, gx, P, _gh, P, h, c, default, qh, descending);
            return;
        }
        qh.Quantize(h, count, H, H);
        GemvInt8.Multiply(_int8Kernel, w.StepWeightsInt8, count, qx.Bytes, qx.Stride, qx.Scales, qh.Bytes, qh.Stride, qh.Scales,
            w.InputBias, gx, P, accumulate: false, descending);
        RecurrentStep.Pointwise(path, w, count, gx, P, h, c);
    }

    /// <summary>Zeroes the state of every stream.</summary>
    public void Reset()
    {
        _use.Enter(this);
        try { ClearState(); }
        finally { _use.Leave(); }
    }

    private void ClearState()
    {
        int state = _model.NumLayers * StreamCount * _model.HiddenSize;
        _h.AsSpan(0, state).Clear();
        _c.AsSpan(0, state).Clear();
    }

    /// <summary>Zeroes the state of one stream, leaving the others as they are.</summary>
    public void Reset(int stream)
    {
        _use.Enter(this);
        try
        {
            CheckStream(stream);
            int H = _model.HiddenSize;
            for (int l = 0; l < _model.NumLayers; l++)
            {
                _h.AsSpan((l * StreamCount + stream) * H, H).Clear();
                _c.AsSpan((l * StreamCount + stream) * H, H).Clear();
            }
        }
        finally
        {
            _use.Leave();
        }
    }

    /// <summary>The hidden state (H) of layer <paramref name="layer"/> for <paramref name="stream"/>; writable, and valid
    /// until the stream is disposed (its buffers go back to the pool).</summary>
    public Span<float> Hidden(int layer, int stream)
    {
        ObjectDisposedException.ThrowIf(_use.IsClosed, this);
        CheckStream(stream);
        if ((uint)layer >= (uint)_model.NumLayers)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"Layer must be 0..{_model.NumLayers - 1}.");
        return _h.AsSpan((layer * StreamCount + stream) * _model.HiddenSize, _model.HiddenSize);
    }

    /// <summary>The LSTM cell state (H) of layer <paramref name="layer"/> for <paramref name="stream"/>; writable, and
    /// valid until the stream is disposed.</summary>
    public Span<float> CellState(int layer, int stream)
    {
        ObjectDisposedException.ThrowIf(_use.IsClosed, this);
        if (_model.Cell != CellKind.Lstm)
            throw new InvalidOperationException($"A {_model.Cell.ToName()} cell has no cell state.");
        CheckStream(stream);
        if ((uint)layer >= (uint)_model.NumLayers)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"Layer must be 0..{_model.NumLayers - 1}.");
        return _c.AsSpan((layer * StreamCount + stream) * _model.HiddenSize, _model.HiddenSize);
    }

    private void CheckStream(int stream)
    {
        if ((uint)stream >= (uint)StreamCount)
            throw new ArgumentOutOfRangeException(nameof(stream), stream, $"Stream must be 0..{StreamCount - 1}.");
    }

    private void CheckSizes(int inputLength, int outputLength, int streams)
    {
        if (inputLength != streams * _model.InputSize)
            throw new ArgumentException(
                $"input has {inputLength} floats, expected streams {streams} x input {_model.InputSize} = {streams * _model.InputSize}.", "input");
        if (outputLength != streams * _model.HiddenSize)
            throw new ArgumentException(
                $"output has {outputLength} floats, expected streams {streams} x hidden {_model.HiddenSize} = {streams * _model.HiddenSize}.", "output");
    }

    /// <summary>Returns the state and buffers to the pool: spans from <see cref="Hidden"/> and <see cref="CellState"/> are
    /// invalid afterwards, and every method throws <see cref="ObjectDisposedException"/>. A call running on another
    /// thread finishes first; then the stream's lease on the model's weights is returned.</summary>
    public void Dispose()
    {
        if (!_use.Close()) return;
        var pool = ArrayPool<float>.Shared;
        foreach (float[] buffer in (ReadOnlySpan<float[]>)[_h, _c, _gx, _gh, _xh])
            if (buffer.Length > 0) pool.Return(buffer);
        _h = _c = _gx = _gh = _xh = [];
        _model.ReleaseLease();
    }
}
