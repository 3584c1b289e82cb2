using Rnn.Runtime.Cells;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Kernels.Int8;

namespace Rnn.Runtime.Layers;

/// <summary>
/// One direction of one recurrent layer, packed for the kernels. Gate blocks keep PyTorch's order and
/// sit at g·H in the gate buffers. Biases are folded so a step adds each once:
/// LSTM and Elman put b_ih + b_hh into <see cref="InputBias"/>; GRU puts b_ih + [b_hr, b_hz, 0] there and
/// [0, 0, b_hn] into <see cref="RecurrentBias"/>, because b_hn is multiplied by r — except a GRU that resets h before
/// the product (<see cref="CellVariant.ResetBeforeProduct"/>), where b_hn sits outside it and is folded with the rest.
/// </summary>
internal sealed class RecurrentLayerWeights : IDisposable
{
    /// <summary>The cell kind.</summary>
    public CellKind Cell { get; }

    /// <summary>ONNX's cell variants for this layer and direction (<see cref="CellVariant.Plain"/> for PyTorch's cell).</summary>
    public CellVariant Variant { get; }

    /// <summary>This layer's input width: the model input for layer 0, D·H above it.</summary>
    public int InputSize { get; }

    /// <summary>H.</summary>
    public int HiddenSize { get; }

    /// <summary>W_ihᵀ, K = input size, N = G·H.</summary>
    public PackedMatrix InputWeights { get; }

    /// <summary>W_hhᵀ, K = H, N = G·H.</summary>
    public PackedMatrix RecurrentWeights { get; }

    /// <summary>The folded input-side bias (see the class summary), G·H.</summary>
    public ReadOnlySpan<float> InputBias => _inputBias;

    /// <summary>The folded recurrent-side bias: empty except for GRU.</summary>
    public ReadOnlySpan<float> RecurrentBias => _recurrentBias;

    // Read-only outside: the kernels read the folded biases on every step, so a caller writing into them would
    // change outputs without the PyTorch values (BiasIh/BiasHh) following, or the other way round.
    private readonly float[] _inputBias, _recurrentBias, _biasIh, _biasHh;

    private readonly KernelPath _productPath;
    private readonly object _lazyCopiesLock = new();
    private PackedMatrix? _stepWeights, _inputGrouped, _recurrentGrouped;
    private PackedMatrixBf16? _stepBf16, _inputBf16, _recurrentBf16;
    private PackedMatrix? _stepRounded, _inputRounded, _recurrentRounded;
    private PackedMatrixInt8? _stepInt8, _inputInt8, _recurrentInt8;
    private PackedMatrix? _resetGate, _resetGateGrouped, _candidate, _candidateGrouped;
    private PackedMatrixBf16? _resetGateBf16, _candidateBf16;
    private PackedMatrixInt8? _resetGateInt8, _candidateInt8;
    // An int8 file's own q and scales for W_ih and W_hh (null when the weights came as floats, or after Update).
    private QuantizedWeight? _storedIh, _storedHh;

    /// <summary>
    /// [W_ih | W_hh]ᵀ (K = I + H, N = G·H) for LSTM and Elman cells: a streaming step multiplies [x; h] by it in one
    /// pass over the weights instead of two. Packed on first use (only streams need it), in the grouped layout a
    /// batch-1 product reads fastest. GRU keeps the products apart because r multiplies W_hn h alone.
    /// </summary>
    internal PackedMatrix StepWeights => Grouped(ref _stepWeights, StepOperand);

    /// <summary>
    /// W_ihᵀ and W_hhᵀ in <see cref="PackedLayout.Groups"/>, for products of one row (a batch-1 session's recurrence,
    /// a single GRU stream): ~10 % faster there than the panel layout, which batched products keep. Made on first use.
    /// </summary>
    internal PackedMatrix InputWeightsGrouped => Grouped(ref _inputGrouped, InputOperand);
    internal PackedMatrix RecurrentWeightsGrouped => Grouped(ref _recurrentGrouped, RecurrentOperand);

    /// <summary>
    /// bfloat16 copies for streams and sessions that ask for <see cref="WeightPrecision.BFloat16"/>: [W_ih | W_hh]ᵀ
    /// for LSTM and Elman streams, W_ihᵀ and W_hhᵀ apart for GRU streams and for sessions. Made on first use.
    /// </summary>
    internal PackedMatrixBf16 StepWeightsBf16 => Bf16(ref _stepBf16, StepOperand);
    internal PackedMatrixBf16 InputWeightsBf16 => Bf16(ref _inputBf16, InputOperand);
    internal PackedMatrixBf16 RecurrentWeightsBf16 => Bf16(ref _recurrentBf16, RecurrentOperand);

    /// <summary>
    /// The weights rounded to bfloat16 and held as float32, for batched bfloat16 sessions (W_hhᵀ) and streams (W_ihᵀ and
    /// W_hhᵀ in panels for GRU, [W_ih | W_hh]ᵀ grouped for LSTM and Elman: the layouts a float32 stream of as many rows
    /// reads), where the float32 GEMM's register blocking beats widening bfloat16 row by row: the same weights, the float32
    /// GEMM's summation order. Made on first use.
    /// </summary>
    internal PackedMatrix RecurrentWeightsBf16Rounded => Rounded(ref _recurrentRounded, RecurrentOperand, PackedLayout.Panels);
    internal PackedMatrix InputWeightsBf16Rounded => Rounded(ref _inputRounded, InputOperand, PackedLayout.Panels);
    internal PackedMatrix StepWeightsBf16Rounded => Rounded(ref _stepRounded, StepOperand, PackedLayout.Groups);

    private PackedMatrix Rounded(ref PackedMatrix? field, int which, PackedLayout layout)
    {
        if (field is { } ready) return ready;
        lock (_lazyCopiesLock)
        {
            if (field is null)
            {
                float[] w = Unpacked(which);
                for (int i = 0; i < w.Length; i++) w[i] = PackedMatrixBf16.FromBf16(PackedMatrixBf16.ToBf16(w[i]));
                field = PackedMatrix.FromWeight(w, OperandRows(which), OperandK(which), layout, KernelDispatch.GemvPanels(_productPath));
            }
            return field;
        }
    }

    /// <summary>
    /// int8 copies for <see cref="WeightPrecision.Int8"/>: [W_ih | W_hh] as one two-part matrix (each part with its own
    /// row scales, as x and h get their own activation scales) for LSTM and Elman streams; W_ih and W_hh apart for GRU
    /// streams and for sessions. Made on first use.
    /// </summary>
    internal PackedMatrixInt8 StepWeightsInt8 => Int8(ref _stepInt8, StepOperand);
    internal PackedMatrixInt8 InputWeightsInt8 => Int8(ref _inputInt8, InputOperand);
    internal PackedMatrixInt8 RecurrentWeightsInt8 => Int8(ref _recurrentInt8, RecurrentOperand);

    /// <summary>
    /// A GRU that resets h before the product (<see cref="CellVariant.ResetBeforeProduct"/>) multiplies h by
    /// [W_hr; W_hz]ᵀ (K = H, N = 2H) and then r ⊙ h by W_hnᵀ (K = H, N = H): two products per step where PyTorch's GRU
    /// has one, so these copies exist only for such a layer (made on first use), and PyTorch's GRU reads
    /// <see cref="RecurrentWeights"/> as before. Panels for batched products, groups for one row, bfloat16.
    /// </summary>
    internal PackedMatrix ResetGateWeights => Packed(ref _resetGate, ResetGateOperand, PackedLayout.Panels);
    internal PackedMatrix ResetGateWeightsGrouped => Packed(ref _resetGateGrouped, ResetGateOperand, PackedLayout.Groups);
    internal PackedMatrix CandidateWeights => Packed(ref _candidate, CandidateOperand, PackedLayout.Panels);
    internal PackedMatrix CandidateWeightsGrouped => Packed(ref _candidateGrouped, CandidateOperand, PackedLayout.Groups);
    internal PackedMatrixBf16 ResetGateWeightsBf16 => Bf16(ref _resetGateBf16, ResetGateOperand);
    internal PackedMatrixBf16 CandidateWeightsBf16 => Bf16(ref _candidateBf16, CandidateOperand);
    internal PackedMatrixInt8 ResetGateWeightsInt8 => Int8(ref _resetGateInt8, ResetGateOperand);
    internal PackedMatrixInt8 CandidateWeightsInt8 => Int8(ref _candidateInt8, CandidateOperand);

    private const int StepOperand = 0, InputOperand = 1, RecurrentOperand = 2, ResetGateOperand = 3, CandidateOperand = 4;

    private int OperandK(int which) => which switch { StepOperand => InputSize + HiddenSize, InputOperand => InputSize, _ => HiddenSize };

    private int OperandRows(int which) => which switch
    {
        ResetGateOperand => 2 * HiddenSize,
        CandidateOperand => HiddenSize,
        _ => Cell.GateCount() * HiddenSize,
    };

    /// <summary>W_ih, W_hh, [W_ih | W_hh] or rows of W_hh back in PyTorch's row-major (rows, K) layout, read from the packed copies.</summary>
    private float[] Unpacked(int which)
    {
        int rows = OperandRows(which);
        int k = OperandK(which);
        int firstRow = which == CandidateOperand ? 2 * HiddenSize : 0;
        bool input = which is StepOperand or InputOperand, recurrent = which != InputOperand;
        var w = new float[rows * k];
        for (int n = 0; n < rows; n++)
        {
            if (input)
                for (int j = 0; j < InputSize; j++) w[n * k + j] = InputWeights[j, firstRow + n];
            if (recurrent)
            {
                int offset = which == StepOperand ? InputSize : 0;
                for (int j = 0; j < HiddenSize; j++) w[n * k + offset + j] = RecurrentWeights[j, firstRow + n];
            }
        }
        return w;
    }

    private PackedMatrix Grouped(ref PackedMatrix? field, int which) => Packed(ref field, which, PackedLayout.Groups);

    private PackedMatrix Packed(ref PackedMatrix? field, int which, PackedLayout layout)
    {
        if (field is { } ready) return ready;
        lock (_lazyCopiesLock)
        {
            field ??= PackedMatrix.FromWeight(Unpacked(which), OperandRows(which), OperandK(which), layout, KernelDispatch.GemvPanels(_productPath));
            return field;
        }
    }

    private PackedMatrixBf16 Bf16(ref PackedMatrixBf16? field, int which)
    {
        if (field is { } ready) return ready;
        lock (_lazyCopiesLock)
        {
            field ??= new PackedMatrixBf16(Unpacked(which), OperandRows(which), OperandK(which));
            return field;
        }
    }

    private PackedMatrixInt8 Int8(ref PackedMatrixInt8? field, int which)
    {
        if (field is { } ready) return ready;
        lock (_lazyCopiesLock)
        {
            int rows = OperandRows(which);
            field ??= which == StepOperand
                ? new PackedMatrixInt8(Unpacked(InputOperand), rows, InputSize, Unpacked(RecurrentOperand), HiddenSize, stored1: _storedIh, stored2: _storedHh)
                : new PackedMatrixInt8(Unpacked(which), rows, OperandK(which), stored1: Stored(which));
            return field;
        }
    }

    /// <summary>The stored int8 rows of an operand other than the step's two-part one, if the weights came from an int8 file.</summary>
    private QuantizedWeight? Stored(int which) => which switch
    {
        InputOperand => _storedIh,
        RecurrentOperand => _storedHh,
        ResetGateOperand => _storedHh?.Slice(0, 2 * HiddenSize),
        CandidateOperand => _storedHh?.Slice(2 * HiddenSize, HiddenSize),
        _ => null,
    };

    /// <summary>Whether W_ih and W_hh carry an int8 file's own q and scales (see <see cref="QuantizedWeight"/>).</summary>
    internal bool HasStoredInt8 => _storedIh is not null || _storedHh is not null;

    /// <summary>PyTorch's b_ih as loaded, kept to write the weights back out.</summary>
    public ReadOnlySpan<float> BiasIh => _biasIh;

    /// <summary>PyTorch's b_hh as loaded, kept to write the weights back out.</summary>
    public ReadOnlySpan<float> BiasHh => _biasHh;

    /// <summary>wih is (G·H, I), whh is (G·H, H), both row-major as PyTorch stores them; biases (G·H).
    /// variant: ONNX's cell variants (null: PyTorch's cell); its peepholes, if any, are 3H. productPath: the kernel path
    /// that will run the one-row products (null: <see cref="KernelPaths.Default"/>), which sets how wide the grouped
    /// copies' groups are; any path gives the same bits on any copy. storedIh, storedHh: an int8 file's q and scales, of which wih and whh are
    /// the dequantized values; int8 products then use them as stored.</summary>
    public RecurrentLayerWeights(CellKind cell, int inputSize, int hiddenSize,
        ReadOnlySpan<float> wih, ReadOnlySpan<float> whh, ReadOnlySpan<float> bih, ReadOnlySpan<float> bhh, CellVariant? variant = null,
        KernelPath? productPath = null, QuantizedWeight? storedIh = null, QuantizedWeight? storedHh = null)
    {
        variant ??= CellVariant.Plain;
        _productPath = productPath ?? KernelPaths.Default;
        if (variant.Peepholes.Length != 0 && (cell != CellKind.Lstm || variant.Peepholes.Length != 3 * hiddenSize))
            throw new ArgumentException($"peepholes have {variant.Peepholes.Length} elements; only an LSTM has them, 3 x {hiddenSize}.", nameof(variant));
        if (variant.InputForget && cell != CellKind.Lstm) throw new ArgumentException("input_forget applies to an LSTM only.", nameof(variant));
        if (variant.ResetBeforeProduct && cell != CellKind.Gru) throw new ArgumentException("A reset before the product applies to a GRU only.", nameof(variant));
        int rows = cell.GateCount() * hiddenSize;
        if (wih.Length != rows * inputSize) throw new ArgumentException($"weight_ih has {wih.Length} elements, expected {rows} x {inputSize}.", nameof(wih));
        if (whh.Length != rows * hiddenSize) throw new ArgumentException($"weight_hh has {whh.Length} elements, expected {rows} x {hiddenSize}.", nameof(whh));
        if (bih.Length != rows || bhh.Length != rows) throw new ArgumentException($"biases have {bih.Length} and {bhh.Length} elements, expected {rows}.");
        if (storedIh is not null && (storedIh.Rows != rows || storedIh.K != inputSize))
            throw new ArgumentException($"stored int8 weight_ih is {storedIh.Rows} x {storedIh.K}, expected {rows} x {inputSize}.", nameof(storedIh));
        if (storedHh is not null && (storedHh.Rows != rows || storedHh.K != hiddenSize))
            throw new ArgumentException($"stored int8 weight_hh is {storedHh.Rows} x {storedHh.K}, expected {rows} x {hiddenSize}.", nameof(storedHh));
        _storedIh = storedIh;
        _storedHh = storedHh;
        Cell = cell;
        Variant = variant;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        InputWeights = PackedMatrix.FromWeight(wih, rows, inputSize);
        RecurrentWeights = PackedMatrix.FromWeight(whh, rows, hiddenSize);
        _biasIh = bih.ToArray();
        _biasHh = bhh.ToArray();
        _inputBias = new float[rows];
        _recurrentBias = cell == CellKind.Gru ? new float[rows] : [];
        FoldBiases();
    }

    /// <summary>
    /// Replaces every weight with new values of the same shapes (the trainer, after an optimizer step). Every length is
    /// checked before anything changes. Not while a session or stream of the model runs: the copies packed on first use
    /// are freed here and made again (allocating) when next asked for.
    /// </summary>
    internal void Update(ReadOnlySpan<float> wih, ReadOnlySpan<float> whh, ReadOnlySpan<float> bih, ReadOnlySpan<float> bhh)
    {
        int rows = Cell.GateCount() * HiddenSize;
        if (wih.Length != rows * InputSize) throw new ArgumentException($"weight_ih has {wih.Length} elements, expected {rows} x {InputSize}.", nameof(wih));
        if (whh.Length != rows * HiddenSize) throw new ArgumentException($"weight_hh has {whh.Length} elements, expected {rows} x {HiddenSize}.", nameof(whh));
        if (bih.Length != rows || bhh.Length != rows) throw new ArgumentException($"biases have {bih.Length} and {bhh.Length} elements, expected {rows}.");
        InputWeights.RepackFromWeight(wih);
        RecurrentWeights.RepackFromWeight(whh);
        ReleaseLazyCopies();
        _storedIh = _storedHh = null; // the new floats are no file's dequantized values
        bih.CopyTo(_biasIh);
        bhh.CopyTo(_biasHh);
        FoldBiases();
    }

    private void FoldBiases()
    {
        int h = HiddenSize;
        for (int j = 0; j < _inputBias.Length; j++) _inputBias[j] = _biasIh[j] + _biasHh[j];
        if (Cell == CellKind.Gru && !Variant.ResetBeforeProduct)
        {
            Array.Clear(_recurrentBias);
            for (int u = 0; u < h; u++)
            {
                _inputBias[2 * h + u] = _biasIh[2 * h + u];
                _recurrentBias[2 * h + u] = _biasHh[2 * h + u];
            }
        }
    }

    /// <summary>Writes W_ih (G·H, I) back in PyTorch's layout.</summary>
    public void CopyInputWeightTo(Span<float> destination) => Unpack(InputWeights, destination);

    /// <summary>Writes W_hh (G·H, H) back in PyTorch's layout.</summary>
    public void CopyRecurrentWeightTo(Span<float> destination) => Unpack(RecurrentWeights, destination);

    private static void Unpack(PackedMatrix packed, Span<float> destination)
    {
        for (int n = 0; n < packed.N; n++)
            for (int k = 0; k < packed.K; k++)
                destination[n * packed.K + k] = packed[k, n];
    }

    private void ReleaseLazyCopies()
    {
        lock (_lazyCopiesLock)
        {
            _stepWeights?.Dispose();
            _inputGrouped?.Dispose();
            _recurrentGrouped?.Dispose();
            _stepBf16?.Dispose();
            _inputBf16?.Dispose();
            _recurrentBf16?.Dispose();
            _stepRounded?.Dispose();
            _inputRounded?.Dispose();
            _recurrentRounded?.Dispose();
            _stepRounded = _inputRounded = _recurrentRounded = null;
            _stepInt8?.Dispose();
            _inputInt8?.Dispose();
            _recurrentInt8?.Dispose();
            _resetGate?.Dispose();
            _resetGateGrouped?.Dispose();
            _candidate?.Dispose();
            _candidateGrouped?.Dispose();
            _resetGateBf16?.Dispose();
            _candidateBf16?.Dispose();
            _resetGateInt8?.Dispose();
            _candidateInt8?.Dispose();
            _resetGateInt8 = _candidateInt8 = null;
            _resetGate = _resetGateGrouped = _candidate = _candidateGrouped = null;
            _resetGateBf16 = _candidateBf16 = null;
            _stepWeights = _inputGrouped = _recurrentGrouped = null;
            _stepBf16 = _inputBf16 = _recurrentBf16 = null;
            _stepInt8 = _inputInt8 = _recurrentInt8 = null;
        }
    }

    /// <summary>Frees the packed weights (the model does this; a caller of <see cref="RnnModel.Weights"/> should not).</summary>
    public void Dispose()
    {
        InputWeights.Dispose();
        RecurrentWeights.Dispose();
        ReleaseLazyCopies();
    }
}
