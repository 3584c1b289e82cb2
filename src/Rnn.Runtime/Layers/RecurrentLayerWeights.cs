using Rnn.Runtime.Kernels;
using Rnn.Runtime.Kernels.Int8;

namespace Rnn.Runtime.Layers;

/// <summary>
/// One direction of one recurrent layer, packed for the kernels. Gate blocks keep PyTorch's order and
/// sit at g·H in the gate buffers. Biases are folded so a step adds each once:
/// LSTM and Elman put b_ih + b_hh into <see cref="InputBias"/>; GRU puts b_ih + [b_hr, b_hz, 0] there and
/// [0, 0, b_hn] into <see cref="RecurrentBias"/>, because b_hn is multiplied by r.
/// </summary>
internal sealed class RecurrentLayerWeights : IDisposable
{
    /// <summary>The cell kind.</summary>
    public CellKind Cell { get; }

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

    private readonly object _lazyCopiesLock = new();
    private PackedMatrix? _stepWeights, _inputGrouped, _recurrentGrouped;
    private PackedMatrixBf16? _stepBf16, _inputBf16, _recurrentBf16;
    private PackedMatrixInt8? _stepInt8, _inputInt8, _recurrentInt8;

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
    /// int8 copies for <see cref="WeightPrecision.Int8"/>: [W_ih | W_hh] as one two-part matrix (each part with its own
    /// row scales, as x and h get their own activation scales) for LSTM and Elman streams; W_ih and W_hh apart for GRU
    /// streams and for sessions. Made on first use.
    /// </summary>
    internal PackedMatrixInt8 StepWeightsInt8 => Int8(ref _stepInt8, StepOperand);
    internal PackedMatrixInt8 InputWeightsInt8 => Int8(ref _inputInt8, InputOperand);
    internal PackedMatrixInt8 RecurrentWeightsInt8 => Int8(ref _recurrentInt8, RecurrentOperand);

    private const int StepOperand = 0, InputOperand = 1, RecurrentOperand = 2;

    private int OperandK(int which) => which switch { StepOperand => InputSize + HiddenSize, InputOperand => InputSize, _ => HiddenSize };

    /// <summary>W_ih, W_hh or [W_ih | W_hh] back in PyTorch's row-major (G·H, K) layout, read from the packed copies.</summary>
    private float[] Unpacked(int which)
    {
        int rows = Cell.GateCount() * HiddenSize;
        int k = OperandK(which);
        var w = new float[rows * k];
        for (int n = 0; n < rows; n++)
        {
            if (which != RecurrentOperand)
                for (int j = 0; j < InputSize; j++) w[n * k + j] = InputWeights[j, n];
            if (which != InputOperand)
            {
                int offset = which == StepOperand ? InputSize : 0;
                for (int j = 0; j < HiddenSize; j++) w[n * k + offset + j] = RecurrentWeights[j, n];
            }
        }
        return w;
    }

    private PackedMatrix Grouped(ref PackedMatrix? field, int which)
    {
        if (field is { } ready) return ready;
        lock (_lazyCopiesLock)
        {
            field ??= PackedMatrix.FromWeight(Unpacked(which), Cell.GateCount() * HiddenSize, OperandK(which), PackedLayout.Groups);
            return field;
        }
    }

    private PackedMatrixBf16 Bf16(ref PackedMatrixBf16? field, int which)
    {
        if (field is { } ready) return ready;
        lock (_lazyCopiesLock)
        {
            field ??= new PackedMatrixBf16(Unpacked(which), Cell.GateCount() * HiddenSize, OperandK(which));
            return field;
        }
    }

    private PackedMatrixInt8 Int8(ref PackedMatrixInt8? field, int which)
    {
        if (field is { } ready) return ready;
        lock (_lazyCopiesLock)
        {
            int rows = Cell.GateCount() * HiddenSize;
            field ??= which == StepOperand
                ? new PackedMatrixInt8(Unpacked(InputOperand), rows, InputSize, Unpacked(RecurrentOperand), HiddenSize)
                : new PackedMatrixInt8(Unpacked(which), rows, OperandK(which));
            return field;
        }
    }

    /// <summary>PyTorch's b_ih as loaded, kept to write the weights back out.</summary>
    public ReadOnlySpan<float> BiasIh => _biasIh;

    /// <summary>PyTorch's b_hh as loaded, kept to write the weights back out.</summary>
    public ReadOnlySpan<float> BiasHh => _biasHh;

    /// <summary>wih is (G·H, I), whh is (G·H, H), both row-major as PyTorch stores them; biases (G·H).</summary>
    public RecurrentLayerWeights(CellKind cell, int inputSize, int hiddenSize,
        ReadOnlySpan<float> wih, ReadOnlySpan<float> whh, ReadOnlySpan<float> bih, ReadOnlySpan<float> bhh)
    {
        int rows = cell.GateCount() * hiddenSize;
        if (wih.Length != rows * inputSize) throw new ArgumentException($"weight_ih has {wih.Length} elements, expected {rows} x {inputSize}.", nameof(wih));
        if (whh.Length != rows * hiddenSize) throw new ArgumentException($"weight_hh has {whh.Length} elements, expected {rows} x {hiddenSize}.", nameof(whh));
        if (bih.Length != rows || bhh.Length != rows) throw new ArgumentException($"biases have {bih.Length} and {bhh.Length} elements, expected {rows}.");
        Cell = cell;
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
        bih.CopyTo(_biasIh);
        bhh.CopyTo(_biasHh);
        FoldBiases();
    }

    private void FoldBiases()
    {
        int h = HiddenSize;
        for (int j = 0; j < _inputBias.Length; j++) _inputBias[j] = _biasIh[j] + _biasHh[j];
        if (Cell == CellKind.Gru)
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
            _stepInt8?.Dispose();
            _inputInt8?.Dispose();
            _recurrentInt8?.Dispose();
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
