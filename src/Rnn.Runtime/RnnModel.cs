using System.Buffers;
using Rnn.Runtime.IO;
using Rnn.Runtime.IO.Onnx;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Kernels.Int8;
using Rnn.Runtime.Layers;

namespace Rnn.Runtime;

/// <summary>
/// A recurrent stack (PyTorch nn.RNN / nn.LSTM / nn.GRU) with its weights packed once for the kernels.
/// Immutable while sessions and streams use it; each session or stream owns its own buffers and state,
/// so one model can serve many of them on many threads. Each session and stream holds a lease on the packed weights
/// (native memory), so disposing the model while they run is safe: the model refuses new sessions and streams, the
/// existing ones throw <see cref="ObjectDisposedException"/> from their next call (a call already running finishes
/// correctly), and the memory is freed when the model and the last of them are disposed.
/// </summary>
public sealed partial class RnnModel : IDisposable
{
    private readonly RecurrentLayerWeights[] _weights; // [layer * Directions + direction]
    private int _disposed;
    // The model's own lease plus one per live session or stream: the packed weights are freed when it reaches 0.
    private int _leases = 1;

    /// <summary>Cell, sizes, layers, directions and the state_dict prefix the weights were read with.</summary>
    public RnnArchitecture Architecture { get; }

    /// <summary>The cell kind.</summary>
    public CellKind Cell => Architecture.Cell;

    /// <summary>Features per input step (I).</summary>
    public int InputSize => Architecture.InputSize;

    /// <summary>H.</summary>
    public int HiddenSize => Architecture.HiddenSize;

    /// <summary>Stacked layers (L).</summary>
    public int NumLayers => Architecture.NumLayers;

    /// <summary>Whether each layer also runs the sequence backwards.</summary>
    public bool Bidirectional => Architecture.Bidirectional;

    /// <summary>D: 2 when bidirectional, else 1.</summary>
    public int Directions => Architecture.Directions;

    /// <summary>Width of one output step: D·H.</summary>
    public int OutputSize => Directions * HiddenSize;

    /// <summary>The kernel path every session and stream of this model runs on.</summary>
    public KernelPath KernelPath { get; }

    private RnnModel(RnnArchitecture architecture, RecurrentLayerWeights[] weights, KernelPath path)
    {
        Architecture = architecture;
        _weights = weights;
        KernelPath = path;
    }

    /// <summary>Weights of layer <paramref name="layer"/>, direction <paramref name="direction"/> (0 forward, 1 reverse).</summary>
    internal RecurrentLayerWeights Weights(int layer, int direction)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if ((uint)layer >= (uint)NumLayers) throw new ArgumentOutOfRangeException(nameof(layer), layer, $"Layer must be 0..{NumLayers - 1}.");
        if ((uint)direction >= (uint)Directions)
            throw new ArgumentOutOfRangeException(nameof(direction), direction, Directions == 1 ? "Direction must be 0: the model is not bidirectional." : "Direction must be 0 (forward) or 1 (reverse).");
        return _weights[layer * Directions + direction];
    }

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Layer l, direction d, unchecked: for sessions and streams, whose lease keeps the weights alive even after
    /// the model's Dispose.</summary>
    internal RecurrentLayerWeights LayerWeights(int layer, int direction) => _weights[layer * Directions + direction];

    /// <summary>Keeps the packed weights alive until the matching <see cref="ReleaseLease"/>; refused once disposed.</summary>
    internal void AcquireLease()
    {
        int leases;
        do
        {
            leases = Volatile.Read(ref _leases);
            ObjectDisposedException.ThrowIf(leases == 0, this);
        }
        while (Interlocked.CompareExchange(ref _leases, leases + 1, leases) != leases);
        if (IsDisposed) // disposed between the check of the caller and the lease: refuse, as before it
        {
            ReleaseLease();
            throw new ObjectDisposedException(GetType().FullName);
        }
    }

    /// <summary>Returns a lease; the last one frees the packed weights.</summary>
    internal void ReleaseLease()
    {
        if (Interlocked.Decrement(ref _leases) == 0)
            foreach (var w in _weights) w.Dispose();
    }

    /// <summary>The ONNX file and node(s) the model was loaded from, and their tensor layout; null for other sources.
    /// Internal: `rnn run` uses it to read and write the node's own tensors; an embedder passes its own layout.</summary>
    internal OnnxSource? Onnx { get; private init; }

    /// <summary>
    /// Loads a PyTorch state_dict saved as safetensors (F32, BF16 or F16), or an ONNX model (a path ending in .onnx):
    /// its only RNN / LSTM / GRU node, the one named <paramref name="node"/>, or a chain of them as torch.onnx.export
    /// writes for a multi-layer module (loaded as one multi-layer model). Other ONNX operators are not run.
    /// </summary>
    /// <param name="path">A .safetensors or .onnx file.</param>
    /// <param name="cell">The cell kind, if known; must agree with the file (needed for rnn-relu from safetensors).</param>
    /// <param name="prefix">The state_dict name prefix (safetensors only; found automatically when unique).</param>
    /// <param name="kernelPath">The kernel path to run on; the best this machine has when null.</param>
    /// <param name="node">The ONNX node to load, by name (ONNX only).</param>
    public static RnnModel Load(string path, CellKind? cell = null, string? prefix = null, KernelPath? kernelPath = null, string? node = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            if (prefix is not null) throw new ArgumentException("A prefix names state_dict tensors; an ONNX model has none (use node:).", nameof(prefix));
            return LoadOnnx(path, cell, node, kernelPath);
        }
        if (node is not null) throw new ArgumentException($"node: selects an ONNX node, but '{path}' is not an .onnx file.", nameof(node));
        using var file = SafeTensorsFile.Open(path);
        return FromTensors(file, cell, prefix, kernelPath);
    }

    private static RnnModel LoadOnnx(string path, CellKind? cell, string? node, KernelPath? kernelPath)
    {
        KernelPath kernels = kernelPath ?? KernelPaths.Default;
        KernelPaths.EnsureSupported(kernels);
        return FromOnnx(OnnxImport.Load(path, node), path, cell, kernels);
    }

    /// <summary>The model of an imported ONNX node (or stack), checked against the <paramref name="cell"/> asked for.</summary>
    private static RnnModel FromOnnx(OnnxImport.Result onnx, string path, CellKind? cell, KernelPath kernels)
    {
        RnnArchitecture arch = onnx.Architecture with { Reverse = onnx.Source.Reverse };
        if (cell is { } wanted && wanted != arch.Cell)
            throw new RnnFormatException($"{path}: the model holds a {arch.Cell.ToName()} ({onnx.Source.OpType} node), not a {wanted.ToName()}.", path);
        return Build(onnx.Tensors, arch, kernels, onnx.Source, onnx.Stored);
    }

    /// <summary>
    /// Builds a model from PyTorch state_dict tensors. Layers, directions, sizes and (except for the Elman
    /// nonlinearity) the cell kind come from the names and shapes; <paramref name="cell"/>, if given, must agree.
    /// </summary>
    public static RnnModel FromTensors(ITensorSource source, CellKind? cell = null, string? prefix = null, KernelPath? kernelPath = null)
    {
        KernelPath path = kernelPath ?? KernelPaths.Default;
        KernelPaths.EnsureSupported(path);
        RnnArchitecture arch = PyTorchStateDict.Infer(source, cell, prefix);
        return Build(source, arch, path);
    }

    /// <summary>Packs the tensors of <paramref name="arch"/> (state_dict names and layout) read from <paramref name="source"/>;
    /// <paramref name="stored"/>: weights' stored integers by name (an ONNX quantized LSTM's) where the source holds floats.</summary>
    private static RnnModel Build(ITensorSource source, RnnArchitecture arch, KernelPath path, OnnxSource? onnx = null,
        IReadOnlyDictionary<string, QuantizedWeight>? stored = null)
    {
        int rows = arch.GateCount * arch.HiddenSize;
        var weights = new RecurrentLayerWeights[arch.NumLayers * arch.Directions];
        // In long: a large stack's sizes (2-layer bidirectional H = 16384) pass int's range.
        long largestLong = (long)rows * Math.Max(arch.LayerInputSize(arch.NumLayers - 1), Math.Max(arch.InputSize, arch.HiddenSize));
        if (largestLong > Array.MaxLength)
            throw new RnnFormatException(
                $"{source.SourceName}: a weight of {arch.NumLayers}-layer {(arch.Bidirectional ? "bidirectional " : "")}{arch.Cell.ToName()} with input {arch.InputSize} and hidden {arch.HiddenSize} " +
                $"has {largestLong} values, more than one array holds ({Array.MaxLength}).", source.SourceName);
        int largest = (int)largestLong;
        CheckVariants(source.SourceName, arch);
        float[] wih = ArrayPool<float>.Shared.Rent(largest);
        float[] whh = ArrayPool<float>.Shared.Rent(rows * arch.HiddenSize);
        float[] bih = new float[rows], bhh = new float[rows];
        try
        {
            for (int l = 0; l < arch.NumLayers; l++)
                for (int d = 0; d < arch.Directions; d++)
                {
                    int inputSize = arch.LayerInputSize(l);
                    Span<float> wihSpan = wih.AsSpan(0, rows * inputSize), whhSpan = whh.AsSpan(0, rows * arch.HiddenSize);
                    QuantizedWeight? storedIh = Int8StateDict.Read(source, arch.WeightIh(l, d), rows, inputSize, wihSpan)
                        ?? stored?.GetValueOrDefault(arch.WeightIh(l, d));
                    QuantizedWeight? storedHh = Int8StateDict.Read(source, arch.WeightHh(l, d), rows, arch.HiddenSize, whhSpan)
                        ?? stored?.GetValueOrDefault(arch.WeightHh(l, d));
                    if (arch.HasBias)
                    {
                        FiniteCheck.Read(source, arch.BiasIh(l, d), bih);
                        FiniteCheck.Read(source, arch.BiasHh(l, d), bhh);
                    }
                    weights[l * arch.Directions + d] = new RecurrentLayerWeights(arch.Cell, inputSize, arch.HiddenSize, wihSpan, whhSpan, bih, bhh,
                        Variant(source, arch, l, d), path, storedIh, storedHh);
                }
        }
        catch
        {
            foreach (var w in weights) w?.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(wih);
            ArrayPool<float>.Shared.Return(whh);
        }
        return new RnnModel(arch, weights, path) { Onnx = onnx };
    }

    /// <summary>The ONNX cell variants <paramref name="arch"/> asks for must fit its cell.</summary>
    private static void CheckVariants(string sourceName, RnnArchitecture arch)
    {
        if (arch.Clip is { } clip && !(clip > 0))
            throw new RnnFormatException($"{sourceName}: clip {clip}, expected a threshold > 0.", sourceName);
        if ((arch.InputForget || arch.Peepholes) && arch.Cell != CellKind.Lstm)
            throw new RnnFormatException($"{sourceName}: input_forget and peepholes belong to an LSTM, not a {arch.Cell.ToName()}.", sourceName);
    }

    /// <summary>Layer l, direction d's cell variant: PyTorch's cell, or ONNX's clip / input_forget / peepholes / reset-first GRU.</summary>
    private static Cells.CellVariant Variant(ITensorSource source, RnnArchitecture arch, int layer, int direction)
    {
        if (arch.IsPyTorchCell) return Cells.CellVariant.Plain;
        float[] peepholes = [];
        if (arch.Peepholes)
        {
            peepholes = new float[3 * arch.HiddenSize];
            FiniteCheck.Read(source, arch.WeightPeephole(layer, direction), peepholes);
        }
        return new Cells.CellVariant
        {
            Clip = arch.Clip ?? float.PositiveInfinity,
            InputForget = arch.InputForget,
            Peepholes = peepholes,
            ResetBeforeProduct = arch.Cell == CellKind.Gru && !arch.LinearBeforeReset,
        };
    }

    /// <summary>
    /// A model with PyTorch's default initialisation, U(-1/√H, 1/√H), from a seeded generator: for benchmarks,
    /// tests and `rnn bench` without a weights file.
    /// </summary>
    public static RnnModel CreateRandom(CellKind cell, int inputSize, int hiddenSize, int numLayers = 1,
        bool bidirectional = false, ulong seed = 0, KernelPath? kernelPath = null)
    {
        return FromTensors(RandomStateDict(cell, inputSize, hiddenSize, numLayers, bidirectional, seed), cell, "", kernelPath);
    }

    /// <summary>PyTorch-initialised state_dict tensors for the given architecture.</summary>
    public static TensorDictionary RandomStateDict(CellKind cell, int inputSize, int hiddenSize, int numLayers = 1,
        bool bidirectional = false, ulong seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numLayers);
        // In double: the product of two int sizes and a gate count can pass long's range.
        double largest = (double)cell.GateCount() * hiddenSize * Math.Max(Math.Max(inputSize, hiddenSize), bidirectional ? 2.0 * hiddenSize : 0);
        if (largest > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize,
                $"input {inputSize} and hidden {hiddenSize} make a weight of {largest} values, more than one array holds ({Array.MaxLength}).");
        var arch = new RnnArchitecture(cell, inputSize, hiddenSize, numLayers, bidirectional, true, "");
        var tensors = new TensorDictionary { SourceName = "random weights" };
        float bound = 1f / MathF.Sqrt(hiddenSize);
        ulong state = seed ^ 0x9E3779B97F4A7C15UL;
        int rows = arch.GateCount * hiddenSize;
        for (int l = 0; l < numLayers; l++)
            for (int d = 0; d < arch.Directions; d++)
            {
                int inputs = arch.LayerInputSize(l);
                tensors.Add(arch.WeightIh(l, d), [rows, inputs], Uniform(ref state, rows * inputs, bound));
                tensors.Add(arch.WeightHh(l, d), [rows, hiddenSize], Uniform(ref state, rows * hiddenSize, bound));
                tensors.Add(arch.BiasIh(l, d), [rows], Uniform(ref state, rows, bound));
                tensors.Add(arch.BiasHh(l, d), [rows], Uniform(ref state, rows, bound));
            }
        return tensors;
    }

    private static float[] Uniform(ref ulong state, int count, float bound)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            // splitmix64: a fixed algorithm, so a seed means the same weights on every runtime version.
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            float unit = (z >> 40) * (1f / (1 << 24));
            values[i] = (2f * unit - 1f) * bound;
        }
        return values;
    }

    /// <summary>The weights as a PyTorch state_dict (same names as loaded), e.g. to save as safetensors.</summary>
    public TensorDictionary ToStateDict()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var arch = Architecture;
        if (arch.Reverse)
            throw new InvalidOperationException("This model runs its only direction in reverse (ONNX direction = \"reverse\"), which a PyTorch state_dict cannot express.");
        if (!arch.IsPyTorchCell)
            throw new InvalidOperationException($"This model's cell uses {VariantNames(arch)} (ONNX), which a PyTorch state_dict cannot express.");
        var tensors = new TensorDictionary { SourceName = "model" };
        int rows = arch.GateCount * arch.HiddenSize;
        for (int l = 0; l < arch.NumLayers; l++)
            for (int d = 0; d < arch.Directions; d++)
            {
                var w = Weights(l, d);
                var wih = new float[rows * w.InputSize];
                var whh = new float[rows * w.HiddenSize];
                w.CopyInputWeightTo(wih);
                w.CopyRecurrentWeightTo(whh);
                tensors.Add(arch.WeightIh(l, d), [rows, w.InputSize], wih);
                tensors.Add(arch.WeightHh(l, d), [rows, w.HiddenSize], whh);
                tensors.Add(arch.BiasIh(l, d), [rows], w.BiasIh.ToArray());
                tensors.Add(arch.BiasHh(l, d), [rows], w.BiasHh.ToArray());
            }
        return tensors;
    }

    /// <summary>The ONNX variants of <paramref name="arch"/>'s cell, named as ONNX names them.</summary>
    internal static string VariantNames(RnnArchitecture arch)
    {
        var names = new List<string>();
        if (arch.Clip is { } clip) names.Add($"clip = {clip}");
        if (arch.InputForget) names.Add("input_forget = 1");
        if (arch.Peepholes) names.Add("peepholes (P)");
        if (arch.Cell == CellKind.Gru && !arch.LinearBeforeReset) names.Add("linear_before_reset = 0");
        return string.Join(", ", names);
    }

    /// <summary>A whole-sequence runner with buffers for sequences up to the given length and batch.</summary>
    /// <param name="maxSequenceLength">The longest sequence (T) a Run may pass.</param>
    /// <param name="maxBatch">The largest batch (B) a Run may pass.</param>
    /// <param name="precision">
    /// <see cref="WeightPrecision.BFloat16"/> reads the recurrent weights W_hh as bfloat16 (one matrix-vector product
    /// per sequence and step; the input projection of all steps stays a float32 matrix product), with outputs about
    /// 1e-3 away from float32's. It pays at batch 1–2, where a step is memory-bound (LSTM 256, 100 steps, batch 1:
    /// 1.06 vs 1.36 ms here); from batch ~8 on, float32's matrix product is faster (batch 16: 17.8 vs 11.6 ms).
    /// <see cref="WeightPrecision.Int8"/> reads both W_ih and W_hh as int8 (the input projection of all steps too, each
    /// step's input with its own scale), giving the same bits as an int8 stream fed the same steps.
    /// </param>
    public RnnSession CreateSession(int maxSequenceLength, int maxBatch = 1, WeightPrecision precision = WeightPrecision.Float32)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        CheckPrecision(precision);
        return new(this, maxSequenceLength, maxBatch, precision);
    }

    /// <summary>A step-by-step runner holding the state of <paramref name="streams"/> independent streams.</summary>
    /// <param name="streams">Independent streams advanced together by each Step (each can also step alone).</param>
    /// <param name="precision">
    /// <see cref="WeightPrecision.BFloat16"/> halves the bytes a step reads (up to twice as fast when memory-bound) at
    /// the cost of outputs about 1e-3 away from float32's; <see cref="WeightPrecision.Int8"/> quarters them, with
    /// outputs about 1e-2 away; the default keeps PyTorch's numbers.
    /// </param>
    public RnnStream CreateStream(int streams = 1, WeightPrecision precision = WeightPrecision.Float32)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        CheckPrecision(precision);
        return new(this, streams, precision);
    }

    private static void CheckPrecision(WeightPrecision precision)
    {
        if (!Enum.IsDefined(precision))
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "Not a WeightPrecision: Float32, BFloat16 or Int8.");
    }

    /// <summary>Refuses new sessions and streams and frees the packed weights once none is left (see the class summary).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        ReleaseLease();
    }
}
