using Rnn.Training.Parameters;
using System.Numerics.Tensors;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Layers;

namespace Rnn.Training.Recurrent;

/// <summary>
/// Training-time forward and backward (BPTT) of a PyTorch-style recurrent stack (nn.RNN tanh/relu, nn.LSTM,
/// nn.GRU): stacked layers, bidirectional, time-major (T, B, ·), padded batches with per-sequence lengths
/// (packed-sequence semantics), gradients for the input, the initial states and every parameter.
/// <para>
/// <see cref="Forward"/> keeps what <see cref="Backward"/> needs (gate activations, every state, each layer's
/// input) in one workspace allocated at construction for (maxSequenceLength, maxBatch); neither call allocates.
/// The input projection of all steps is one matrix product before the recurrence; the backward recurrence only
/// computes the per-step gate gradients and dh_{t-1} = dG·W_hh, and the weight gradients of all steps follow as
/// single large products (dW_hh += dGᵀ·H_prev, dW_ih += dGᵀ·X, db = column sums of dG, dX = dG·W_ih).
/// </para>
/// <para>
/// Dropout (inverted, only when <c>training</c>): <c>interLayerDropout</c> on the outputs of every layer but the
/// last, fresh per step (PyTorch's <c>dropout</c>), and with <c>dropoutOnOutput</c> on the last layer's outputs too
/// (char-rnn's dropout before its Dense head: y is returned masked, and Backward masks dy); <c>inputDropout</c> on the stack input, one mask per sequence
/// (Keras' <c>dropout</c>); <c>recurrentDropout</c> on h_{t-1} inside the recurrent product only, one mask per
/// sequence (Keras' <c>recurrent_dropout</c>). Masks are a hash of (dropoutSeed, layer, direction, kind,
/// firstExample + b, step, unit): the same example gets the same mask however the batch is split; pass a new
/// seed for every training step (and every truncated-BPTT chunk) to get new masks.
/// </para>
/// Not thread-safe: one trainer per thread (they may share nothing but read-only inputs).
/// </summary>
public sealed class RecurrentStackTrainer : IDisposable
{
    private readonly LayerDirection[] _directions; // [layer * Directions + direction]
    private readonly Parameter[] _parameters;
    private readonly Workspace _ws = new();
    private readonly Region[] _input;        // per direction (T, B, I): the stack input as fed (masked with input dropout)
    private readonly Region[] _inputMask;    // per direction (B, I)
    private readonly Region[] _layerOutput;  // per layer but the last (T, B, D·H): the next layer's input as fed
    private readonly Region[] _interMask;    // per layer but the last, and the last with DropoutOnOutput (T, B, D·H)
    private readonly Region _gx, _gh, _dGx, _dGh, _dInputScratch, _dOutputMasked, _dh, _dc, _product;
    private readonly Region[] _dLayer;       // two (T, B, D·H) buffers: the gradient of a layer's output, ping-ponged
    private readonly int[] _lengths;
    private readonly bool[] _inactive;
    private readonly int _padded;

    // What the last Forward saw, for Backward.
    private int _T, _B;
    private bool _hasLengths, _forwardDone, _inputDropoutOn, _recurrentDropoutOn, _interDropoutOn;
    private bool _disposed;

    public RnnArchitecture Architecture { get; }
    public int MaxSequenceLength { get; }
    public int MaxBatch { get; }
    public KernelPath KernelPath { get; }
    public float InterLayerDropout { get; }

    /// <summary>Whether <see cref="InterLayerDropout"/> also masks the last layer's outputs.</summary>
    public bool DropoutOnOutput { get; }
    public float InputDropout { get; }
    public float RecurrentDropout { get; }

    /// <summary>Parameters in PyTorch's state_dict order: per layer, per direction, weight_ih, weight_hh, bias_ih, bias_hh.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Width of one output step: D·H.</summary>
    public int OutputSize => Architecture.Directions * Architecture.HiddenSize;

    /// <summary>
    /// Builds the stack with PyTorch's default initialisation U(-1/√H, 1/√H) from <paramref name="initSeed"/>
    /// (the same weights as <see cref="RnnModel.CreateRandom"/> with that seed) and allocates the workspace for
    /// sequences up to <paramref name="maxSequenceLength"/> steps and batches up to <paramref name="maxBatch"/>.
    /// </summary>
    public RecurrentStackTrainer(RnnArchitecture arch, int maxSequenceLength, int maxBatch, KernelPath path,
        float interLayerDropout = 0, float inputDropout = 0, float recurrentDropout = 0, ulong initSeed = 0,
        IReadOnlyList<Parameter>? sharedValues = null, bool dropoutOnOutput = false)
    {
        ArgumentNullException.ThrowIfNull(arch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(arch.InputSize, "arch.InputSize");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(arch.HiddenSize, "arch.HiddenSize");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(arch.NumLayers, "arch.NumLayers");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSequenceLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        CheckRate(interLayerDropout, nameof(interLayerDropout));
        CheckRate(inputDropout, nameof(inputDropout));
        CheckRate(recurrentDropout, nameof(recurrentDropout));
        KernelPaths.EnsureSupported(path);
        Architecture = arch;
        MaxSequenceLength = maxSequenceLength;
        MaxBatch = maxBatch;
        KernelPath = path;
        InterLayerDropout = interLayerDropout;
        DropoutOnOutput = dropoutOnOutput;
        InputDropout = inputDropout;
        RecurrentDropout = recurrentDropout;

        int L = arch.NumLayers, D = arch.Directions, H = arch.HiddenSize, I = arch.InputSize, G = arch.GateCount;
        int GH = G * H, DH = D * H;
        long T = maxSequenceLength, B = maxBatch, rows = T * B;
        TensorDictionary init = RnnModel.RandomStateDict(arch.Cell, I, H, L, arch.Bidirectional, initSeed);
        var parameters = new List<Parameter>();
        _directions = new LayerDirection[L * D];
        int saved = arch.Cell switch { CellKind.Lstm => LstmLayerPass.SavedWidth(H), CellKind.Gru => GruLayerPass.SavedWidth(H), _ => 0 };
        try
        {
            for (int l = 0; l < L; l++)
                for (int d = 0; d < D; d++)
                {
                    int inputs = arch.LayerInputSize(l);
                    Parameter wih = NewParameter(init, arch.WeightIh(l, d), "weight_ih", l, d, [GH, inputs], parameters, sharedValues);
                    Parameter whh = NewParameter(init, arch.WeightHh(l, d), "weight_hh", l, d, [GH, H], parameters, sharedValues);
                    Parameter? bih = arch.HasBias ? NewParameter(init, arch.BiasIh(l, d), "bias_ih", l, d, [GH], parameters, sharedValues) : null;
                    Parameter? bhh = arch.HasBias ? NewParameter(init, arch.BiasHh(l, d), "bias_hh", l, d, [GH], parameters, sharedValues) : null;
                    _directions[l * D + d] = new LayerDirection(arch.Cell, l, d, inputs, H, wih, whh, bih, bhh)
                    {
                        Saved = _ws.Reserve(rows * saved),
                        States = _ws.Reserve((T + 1) * B * H),
                        Cells = _ws.Reserve(arch.Cell.HasCellState() ? (T + 1) * B * H : 0),
                        MaskedStates = _ws.Reserve(recurrentDropout > 0 ? rows * H : 0),
                        RecurrentMask = _ws.Reserve(recurrentDropout > 0 ? B * H : 0),
                    };
                }
        }
        catch
        {
            foreach (var dir in _directions) dir?.Dispose();
            throw;
        }
        _parameters = parameters.ToArray();
        _padded = _directions[0].Packed.RecurrentWeights.PaddedN;

        int inputCopies = inputDropout > 0 ? D : 1;
        _input = new Region[inputCopies];
        _inputMask = new Region[inputCopies];
        for (int d = 0; d < inputCopies; d++)
        {
            _input[d] = _ws.Reserve(rows * I);
            _inputMask[d] = _ws.Reserve(inputDropout > 0 ? B * I : 0);
        }
        _layerOutput = new Region[L - 1];
        for (int l = 0; l < L - 1; l++) _layerOutput[l] = _ws.Reserve(rows * DH);
        _interMask = new Region[dropoutOnOutput ? L : L - 1];
        for (int l = 0; l < _interMask.Length; l++) _interMask[l] = _ws.Reserve(interLayerDropout > 0 ? rows * DH : 0);
        _dOutputMasked = _ws.Reserve(dropoutOnOutput && interLayerDropout > 0 ? rows * DH : 0);
        _gx = _ws.Reserve(rows * _padded);
        _gh = _ws.Reserve(arch.Cell == CellKind.Gru ? B * _padded : 0);
        _dGx = _ws.Reserve(rows * GH);
        _dGh = _ws.Reserve(arch.Cell == CellKind.Gru ? rows * GH : 0);
        _dInputScratch = _ws.Reserve(inputDropout > 0 ? rows * I : 0);
        _dLayer = L > 1 ? [_ws.Reserve(rows * DH), _ws.Reserve(L > 2 ? rows * DH : 0)] : [];
        _dh = _ws.Reserve(B * H);
        _dc = _ws.Reserve(B * H);
        _product = _ws.Reserve(B * PackedMatrix.RoundUp(H, PackedMatrix.PanelWidth));
        _ws.Commit();
        _lengths = new int[maxBatch];
        _inactive = new bool[maxBatch];
    }

    private static void CheckRate(float rate, string name)
    {
        if (!(rate >= 0f && rate < 1f))
            throw new ArgumentOutOfRangeException(name, rate, "A dropout rate must be in [0, 1).");
    }

    /// <summary>
    /// A parameter initialised from <paramref name="init"/>, or, with <paramref name="shared"/>, one that reads the
    /// values of the shared parameter at the same position (a data-parallel replica) with a gradient of its own.
    /// </summary>
    private static Parameter NewParameter(TensorDictionary init, string name, string kind, int layer, int direction, int[] shape,
        List<Parameter> list, IReadOnlyList<Parameter>? shared)
    {
        Parameter p;
        if (shared is null)
        {
            p = new Parameter(name, shape);
            init.Read(PyTorchStateDict.Name("", kind, layer, direction), p.Value);
        }
        else
        {
            Parameter source = list.Count < shared.Count ? shared[list.Count] : throw new ArgumentException($"Shared values lack parameter '{name}'.", nameof(shared));
            if (source.Name != name || !source.Shape.AsSpan().SequenceEqual(shape))
                throw new ArgumentException($"Shared parameter {list.Count} is '{source.Name}' {PyTorchStateDict.Show(source.Shape)}, expected '{name}' {PyTorchStateDict.Show(shape)}.", nameof(shared));
            p = new Parameter(name, shape, source.Value);
        }
        list.Add(p);
        return p;
    }

    /// <summary>Floats in the workspace (for sizing reports).</summary>
    public long WorkspaceFloats => _ws.TotalFloats;

    /// <summary>
    /// Copies the parameters in from PyTorch state_dict tensors named per <see cref="Architecture"/> (its prefix);
    /// every tensor must exist with its exact shape and hold finite values.
    /// </summary>
    public void LoadFrom(ITensorSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ObjectDisposedException.ThrowIf(_disposed, this);
        PyTorchStateDict.Validate(source, Architecture);
        ParameterLoading.ReadAll(source, _parameters);
    }

    /// <summary>The parameters as a PyTorch state_dict (copies), e.g. to build an <see cref="RnnModel"/> or save.</summary>
    public TensorDictionary ToStateDict()
    {
        var tensors = new TensorDictionary { SourceName = "trainer" };
        foreach (Parameter p in _parameters) tensors.Add(p.Name, (int[])p.Shape.Clone(), (float[])p.Value.Clone());
        return tensors;
    }

    /// <summary>
    /// x is (T, B, I), y is (T, B, D·H) (forward direction in [0, H), reverse in [H, 2H)). lengths (B), if given, are
    /// each sequence's length in 1..T: outputs past it are zero and its final state is the one at its own last step.
    /// h0, c0 (L·D, B, H), index l·D + d: empty means zeros. hn, cn (L·D, B, H) are written if not empty.
    /// With <paramref name="training"/> the dropouts are on, their masks keyed by <paramref name="dropoutSeed"/> and
    /// the example index <paramref name="firstExample"/> + b. Uses the current parameter values; keeps what
    /// <see cref="Backward"/> needs.
    /// </summary>
    public void Forward(ReadOnlySpan<float> x, Span<float> y, int T, int B, ReadOnlySpan<int> lengths = default,
        ReadOnlySpan<float> h0 = default, ReadOnlySpan<float> c0 = default, Span<float> hn = default, Span<float> cn = default,
        bool training = false, ulong dropoutSeed = 0, int firstExample = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        RnnArchitecture arch = Architecture;
        ValidateForward(x, y, T, B, lengths, h0, c0, hn, cn, firstExample);
        int L = arch.NumLayers, D = arch.Directions, H = arch.HiddenSize, I = arch.InputSize, DH = D * H;
        int rows = T * B, stateSize = B * H, P = _padded;
        KernelPath path = KernelPath;

        _forwardDone = false;
        _T = T;
        _B = B;
        _hasLengths = !lengths.IsEmpty;
        if (_hasLengths) lengths.CopyTo(_lengths);
        ReadOnlySpan<int> lens = _hasLengths ? _lengths.AsSpan(0, B) : default;
        _inputDropoutOn = training && InputDropout > 0;
        _recurrentDropoutOn = training && RecurrentDropout > 0;
        _interDropoutOn = training && InterLayerDropout > 0 && _interMask.Length > 0;

        foreach (LayerDirection dir in _directions) dir.Repack();

        // The stack input is kept (masked per direction under input dropout) for dW_ih of layer 0.
        if (_inputDropoutOn)
        {
            for (int d = 0; d < D; d++)
            {
                Span<float> mask = _ws.Span(_inputMask[d], B * I), fed = _ws.Span(_input[d], rows * I);
                for (int b = 0; b < B; b++)
                    DropoutMasks.Fill(mask.Slice(b * I, I), InputDropout, dropoutSeed, 0, d, DropoutKind.Input, (long)firstExample + b, 0);
                for (int t = 0; t < T; t++)
                    TensorPrimitives.Multiply(x.Slice(t * B * I, B * I), mask, fed.Slice(t * B * I, B * I));
            }
        }
        else
        {
            x.CopyTo(_ws.Span(_input[0], rows * I));
        }

        for (int l = 0; l < L; l++)
        {
            bool last = l == L - 1;
            Span<float> output = last ? y : _ws.Span(_layerOutput[l], rows * DH);
            int inputSize = arch.LayerInputSize(l);
            for (int d = 0; d < D; d++)
            {
                LayerDirection dir = _directions[l * D + d];
                ReadOnlySpan<float> input = LayerInput(l, d, rows);
                // Input projection of every step at once: one matrix product instead of T small ones.
                Span<float> gx = _ws.Span(_gx, rows * P);
                Gemm.Multiply(path, input, rows, inputSize, dir.Packed.InputWeights, dir.Packed.InputBias, gx, P, accumulate: false);

                int stateIndex = l * D + d;
                LoadState(_ws.Span(dir.States, (T + 1) * stateSize).Slice(dir.InitialSlot(T) * stateSize, stateSize), h0, stateIndex, stateSize);
                if (arch.Cell.HasCellState())
                    LoadState(_ws.Span(dir.Cells, (T + 1) * stateSize).Slice(dir.InitialSlot(T) * stateSize, stateSize), c0, stateIndex, stateSize);
                if (_recurrentDropoutOn)
                {
                    Span<float> mask = _ws.Span(dir.RecurrentMask, stateSize);
                    for (int b = 0; b < B; b++)
                        DropoutMasks.Fill(mask.Slice(b * H, H), RecurrentDropout, dropoutSeed, l, d, DropoutKind.Recurrent, (long)firstExample + b, 0);
                }

                Span<float> gh = _ws.Span(_gh);
                switch (arch.Cell)
                {
                    case CellKind.Lstm:
                        RecurrencePass<LstmLayerPass>.Forward(path, _ws, dir, T, B, gx, gh, output, DH, d * H, lens, _inactive, _recurrentDropoutOn);
                        break;
                    case CellKind.Gru:
                        RecurrencePass<GruLayerPass>.Forward(path, _ws, dir, T, B, gx, gh, output, DH, d * H, lens, _inactive, _recurrentDropoutOn);
                        break;
                    case CellKind.RnnRelu:
                        RecurrencePass<ElmanReluLayerPass>.Forward(path, _ws, dir, T, B, gx, gh, output, DH, d * H, lens, _inactive, _recurrentDropoutOn);
                        break;
                    default:
                        RecurrencePass<ElmanTanhLayerPass>.Forward(path, _ws, dir, T, B, gx, gh, output, DH, d * H, lens, _inactive, _recurrentDropoutOn);
                        break;
                }

                int final = dir.FinalSlot(T) * stateSize;
                if (!hn.IsEmpty) _ws.Span(dir.States, (T + 1) * stateSize).Slice(final, stateSize).CopyTo(hn.Slice(stateIndex * stateSize, stateSize));
                if (!cn.IsEmpty) _ws.Span(dir.Cells, (T + 1) * stateSize).Slice(final, stateSize).CopyTo(cn.Slice(stateIndex * stateSize, stateSize));
            }

            if (_interDropoutOn && l < _interMask.Length)
            {
                Span<float> mask = _ws.Span(_interMask[l], rows * DH);
                // The output's mask is keyed as layer L, the head it feeds.
                int key = last ? L : l;
                for (int t = 0; t < T; t++)
                    for (int b = 0; b < B; b++)
                        for (int d = 0; d < D; d++)
                            DropoutMasks.Fill(mask.Slice(((t * B + b) * D + d) * H, H), InterLayerDropout, dropoutSeed, key, d,
                                DropoutKind.InterLayer, (long)firstExample + b, t);
                TensorPrimitives.Multiply(output, mask, output);
            }
        }
        _forwardDone = true;
    }

    /// <summary>
    /// BPTT through the last <see cref="Forward"/>. dy is (T, B, D·H), the gradient of the loss w.r.t. y (ignored past
    /// each sequence's length); dhn, dcn (L·D, B, H) w.r.t. the final states (empty: zero). ACCUMULATES into every
    /// <see cref="Parameter.Grad"/>; overwrites dx (T, B, I), dh0 and dc0 (L·D, B, H) when given (empty: not computed),
    /// which may not overlap the incoming gradients. It differentiates the weights the Forward ran with: change them
    /// (an optimizer step) only after Backward.
    /// </summary>
    public void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> dhn = default, ReadOnlySpan<float> dcn = default,
        Span<float> dx = default, Span<float> dh0 = default, Span<float> dc0 = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_forwardDone) throw new InvalidOperationException("Backward needs a completed Forward first.");
        RnnArchitecture arch = Architecture;
        int T = _T, B = _B, L = arch.NumLayers, D = arch.Directions, H = arch.HiddenSize, I = arch.InputSize;
        int DH = D * H, GH = arch.GateCount * H, rows = T * B, stateSize = B * H;
        ValidateBackward(dy, dhn, dcn, dx, dh0, dc0, T, B);
        KernelPath path = KernelPath;
        ReadOnlySpan<int> lens = _hasLengths ? _lengths.AsSpan(0, B) : default;
        bool lstm = arch.Cell == CellKind.Lstm, gru = arch.Cell == CellKind.Gru;

        ReadOnlySpan<float> dOutput = dy; // gradient of the current layer's output (as fed to the layer above)
        if (_interDropoutOn && DropoutOnOutput)
        {
            // Forward returned Y ⊙ mask.
            Span<float> masked = _ws.Span(_dOutputMasked, rows * DH);
            TensorPrimitives.Multiply(dy, _ws.Span(_interMask[L - 1], rows * DH), masked);
            dOutput = masked;
        }
        for (int l = L - 1; l >= 0; l--)
        {
            int inputSize = arch.LayerInputSize(l);
            bool wantInputGrad = l > 0 || !dx.IsEmpty;
            Span<float> dInput = l > 0 ? _ws.Span(_dLayer[(L - 1 - l) % 2], rows * DH) : dx;
            if (l == 0 && _inputDropoutOn && wantInputGrad) dx.Clear();

            for (int d = 0; d < D; d++)
            {
                LayerDirection dir = _directions[l * D + d];
                int stateIndex = l * D + d;
                Span<float> dGx = _ws.Span(_dGx, rows * GH);
                Span<float> dGh = gru ? _ws.Span(_dGh, rows * GH) : default;
                Span<float> dh = _ws.Span(_dh, stateSize), dc = _ws.Span(_dc, stateSize), product = _ws.Span(_product);
                dir.RepackForBackward();
                LoadState(dh, dhn, stateIndex, stateSize);
                if (lstm) LoadState(dc, dcn, stateIndex, stateSize);

                switch (arch.Cell)
                {
                    case CellKind.Lstm:
                        RecurrencePass<LstmLayerPass>.Backward(path, _ws, dir, T, B, dOutput, DH, d * H, lens, _inactive, dh, dc, dGx, dGh, product, _recurrentDropoutOn);
                        break;
                    case CellKind.Gru:
                        RecurrencePass<GruLayerPass>.Backward(path, _ws, dir, T, B, dOutput, DH, d * H, lens, _inactive, dh, dc, dGx, dGh, product, _recurrentDropoutOn);
                        break;
                    case CellKind.RnnRelu:
                        RecurrencePass<ElmanReluLayerPass>.Backward(path, _ws, dir, T, B, dOutput, DH, d * H, lens, _inactive, dh, dc, dGx, dGh, product, _recurrentDropoutOn);
                        break;
                    default:
                        RecurrencePass<ElmanTanhLayerPass>.Backward(path, _ws, dir, T, B, dOutput, DH, d * H, lens, _inactive, dh, dc, dGx, dGh, product, _recurrentDropoutOn);
                        break;
                }
                if (!dh0.IsEmpty) dh.CopyTo(dh0.Slice(stateIndex * stateSize, stateSize));
                if (!dc0.IsEmpty) dc.CopyTo(dc0.Slice(stateIndex * stateSize, stateSize));

                // Weight gradients of all steps at once (rows past a sequence's length have dG = 0).
                ReadOnlySpan<float> dGrec = gru ? dGh : dGx;
                ReadOnlySpan<float> entering = _recurrentDropoutOn
                    ? _ws.Span(dir.MaskedStates, rows * H)
                    : _ws.Span(dir.States, (T + 1) * stateSize).Slice(dir.FirstEnteringSlot * stateSize, rows * H);
                ReadOnlySpan<float> input = LayerInput(l, d, rows);
                MatMul.Multiply(path, true, false, GH, H, rows, dGrec, GH, entering, H, dir.WeightHh.Grad, H, accumulate: true);
                MatMul.Multiply(path, true, false, GH, inputSize, rows, dGx, GH, input, inputSize, dir.WeightIh.Grad, inputSize, accumulate: true);
                if (dir.BiasIh is not null) AddColumnSums(dGx, rows, GH, dir.BiasIh.Grad);
                if (dir.BiasHh is not null) AddColumnSums(dGrec, rows, GH, dir.BiasHh.Grad);

                if (!wantInputGrad) continue;
                if (l == 0 && _inputDropoutOn)
                {
                    // Each direction saw its own masked copy of x: dx += (dG W_ih) ⊙ mask_d.
                    Span<float> scratch = _ws.Span(_dInputScratch, rows * I);
                    MatMul.Multiply(path, false, false, rows, I, GH, dGx, GH, dir.WeightIh.Value, I, scratch, I, accumulate: false);
                    ReadOnlySpan<float> mask = _ws.Span(_inputMask[d], B * I);
                    for (int t = 0; t < T; t++)
                    {
                        Span<float> dxt = dx.Slice(t * B * I, B * I);
                        TensorPrimitives.MultiplyAdd(scratch.Slice(t * B * I, B * I), mask, dxt, dxt);
                    }
                }
                else
                {
                    MatMul.Multiply(path, false, false, rows, inputSize, GH, dGx, GH, dir.WeightIh.Value, inputSize, dInput, inputSize, accumulate: d > 0);
                }
            }

            if (l > 0)
            {
                // The layer below produced Y; this layer read Y ⊙ mask.
                if (_interDropoutOn) TensorPrimitives.Multiply(dInput, _ws.Span(_interMask[l - 1], rows * DH), dInput);
                dOutput = dInput;
            }
        }
    }

    /// <summary>What layer l, direction d read: the stack input (its own masked copy under input dropout) or the layer below's output.</summary>
    private ReadOnlySpan<float> LayerInput(int layer, int direction, int rows)
    {
        if (layer > 0) return _ws.Span(_layerOutput[layer - 1], rows * OutputSize);
        return _ws.Span(_input[_inputDropoutOn ? direction : 0], rows * Architecture.InputSize);
    }

    private static void LoadState(Span<float> state, ReadOnlySpan<float> initial, int index, int size)
    {
        if (initial.IsEmpty) state.Clear();
        else initial.Slice(index * size, size).CopyTo(state);
    }

    /// <summary>sums (cols) += Σ over rows of m (rows, cols).</summary>
    private static void AddColumnSums(ReadOnlySpan<float> m, int rows, int cols, Span<float> sums)
    {
        for (int r = 0; r < rows; r++) TensorPrimitives.Add(sums, m.Slice(r * cols, cols), sums);
    }

    private void ValidateForward(ReadOnlySpan<float> x, Span<float> y, int T, int B, ReadOnlySpan<int> lengths,
        ReadOnlySpan<float> h0, ReadOnlySpan<float> c0, Span<float> hn, Span<float> cn, int firstExample)
    {
        RnnArchitecture a = Architecture;
        RecurrentArguments.CheckExtent(T, B, MaxSequenceLength, MaxBatch, "trainer", nameof(T), nameof(B));
        ArgumentOutOfRangeException.ThrowIfNegative(firstExample);
        RecurrentArguments.CheckSequence(x.Length, T, B, a.InputSize, nameof(x), "input");
        RecurrentArguments.CheckSequence(y.Length, T, B, OutputSize, nameof(y), "outputs");
        RecurrentArguments.CheckLengths(lengths, T, B);
        RecurrentArguments.CheckState(h0.Length, a, B, nameof(h0));
        RecurrentArguments.CheckState(hn.Length, a, B, nameof(hn));
        RecurrentArguments.CheckCellState(c0.Length, a, B, nameof(c0));
        RecurrentArguments.CheckCellState(cn.Length, a, B, nameof(cn));
    }

    private void ValidateBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> dhn, ReadOnlySpan<float> dcn,
        Span<float> dx, Span<float> dh0, Span<float> dc0, int T, int B)
    {
        RnnArchitecture a = Architecture;
        RecurrentArguments.CheckSequence(dy.Length, T, B, OutputSize, nameof(dy), "outputs (as the last Forward)");
        if (!dx.IsEmpty) RecurrentArguments.CheckSequence(dx.Length, T, B, a.InputSize, nameof(dx), "input (as the last Forward)");
        RecurrentArguments.CheckState(dhn.Length, a, B, nameof(dhn));
        RecurrentArguments.CheckState(dh0.Length, a, B, nameof(dh0));
        RecurrentArguments.CheckCellState(dcn.Length, a, B, nameof(dcn));
        RecurrentArguments.CheckCellState(dc0.Length, a, B, nameof(dc0));
        // The outputs are written while the incoming gradients are still being read.
        if (dx.Overlaps(dy) || dx.Overlaps(dhn) || dx.Overlaps(dcn))
            throw new ArgumentException("dx overlaps dy, dhn or dcn; give it its own memory.", nameof(dx));
        if (dh0.Overlaps(dy) || dh0.Overlaps(dhn) || dh0.Overlaps(dcn) || dh0.Overlaps(dx))
            throw new ArgumentException("dh0 overlaps dy, dhn, dcn or dx; give it its own memory.", nameof(dh0));
        if (dc0.Overlaps(dy) || dc0.Overlaps(dhn) || dc0.Overlaps(dcn) || dc0.Overlaps(dx) || dc0.Overlaps(dh0))
            throw new ArgumentException("dc0 overlaps dy, dhn, dcn, dx or dh0; give it its own memory.", nameof(dc0));
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (LayerDirection dir in _directions) dir.Dispose();
    }
}
