using Microsoft.ML.OnnxRuntime;
using Rnn.Benchmarks.Infrastructure;

namespace Rnn.Benchmarks.Peers;

/// <summary>
/// ONNX Runtime through its fastest C# path: one session with a single intra-op and inter-op thread,
/// sequential execution and every graph optimisation, and IOBinding over pinned, preallocated OrtValues,
/// so a timed call is just <c>RunWithBinding</c> (no name lookups, no output allocation).
/// </summary>
internal static class OnnxRuntimeSession
{
    public static InferenceSession Create(byte[] model)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        // One thread means no pool, but say it anyway: no spinning workers between calls.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        return new InferenceSession(model, options);
    }

    public static OrtValue Tensor(float[] data, params long[] shape) =>
        OrtValue.CreateTensorValueFromMemory(data, shape);
}

/// <summary>
/// Streaming step = the ONNX node with T = 1. The state is fed back without copies by two bindings that
/// swap state buffers: binding 0 reads state A and writes state B, binding 1 reads B and writes A.
/// Y is left out of the step model (it would equal Y_h).
/// </summary>
internal sealed class OnnxRuntimeStepRunner : IStepRunner
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly int _batch, _hidden;
    private readonly float[] _x;
    private readonly float[][] _h = new float[2][], _c = new float[2][];
    private readonly List<OrtValue> _values = [];
    private readonly OrtIoBinding[] _bindings = new OrtIoBinding[2];
    private int _parity;

    /// <param name="quantized">LSTM only: ONNX Runtime's DynamicQuantizeLSTM over int8 W and R.</param>
    public OnnxRuntimeStepRunner(RnnWeights w, int batch = 1, bool quantized = false)
    {
        _batch = batch;
        _hidden = w.HiddenSize;
        bool lstm = w.Cell == CellType.Lstm;
        _session = OnnxRuntimeSession.Create(OnnxModelWriter.Write(w, sequenceLength: 1, batch, includeY: false, quantized));
        _x = new float[batch * w.InputSize];
        OrtValue x = Keep(OnnxRuntimeSession.Tensor(_x, 1, batch, w.InputSize));
        var h = new OrtValue[2];
        var c = new OrtValue[2];
        for (int s = 0; s < 2; s++)
        {
            _h[s] = new float[batch * _hidden];
            _c[s] = new float[batch * _hidden];
            h[s] = Keep(OnnxRuntimeSession.Tensor(_h[s], 1, batch, _hidden));
            c[s] = Keep(OnnxRuntimeSession.Tensor(_c[s], 1, batch, _hidden));
        }
        for (int s = 0; s < 2; s++)
        {
            var binding = _session.CreateIoBinding();
            binding.BindInput("X", x);
            binding.BindInput("initial_h", h[s]);
            binding.BindOutput("Y_h", h[1 - s]);
            if (lstm)
            {
                binding.BindInput("initial_c", c[s]);
                binding.BindOutput("Y_c", c[1 - s]);
            }
            _bindings[s] = binding;
        }
    }

    private OrtValue Keep(OrtValue value)
    {
        _values.Add(value);
        return value;
    }

    public void SetInput(ReadOnlySpan<float> x) => x.CopyTo(_x);

    public void Step()
    {
        _session.RunWithBinding(_runOptions, _bindings[_parity]);
        _parity ^= 1;
    }

    // After a step with binding p the new state is in buffer 1 - p, which is the current _parity.
    public void CopyOutput(Span<float> h) => _h[_parity].AsSpan(0, _batch * _hidden).CopyTo(h);

    public void Reset()
    {
        for (int s = 0; s < 2; s++)
        {
            Array.Clear(_h[s]);
            Array.Clear(_c[s]);
        }
        _parity = 0;
    }

    public void Dispose()
    {
        foreach (var b in _bindings) b?.Dispose();
        foreach (var v in _values) v.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}

/// <summary>Whole sequence: X (T, B, I) → Y (T, 1, B, H), from zero initial state, all buffers bound once.</summary>
internal sealed class OnnxRuntimeSequenceRunner : ISequenceRunner
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtIoBinding _binding;
    private readonly float[] _x, _y;
    private readonly List<OrtValue> _values = [];

    /// <param name="quantized">LSTM only: ONNX Runtime's DynamicQuantizeLSTM over int8 W and R.</param>
    public OnnxRuntimeSequenceRunner(RnnWeights w, int sequenceLength, int batch, bool quantized = false)
    {
        int H = w.HiddenSize;
        bool lstm = w.Cell == CellType.Lstm;
        _session = OnnxRuntimeSession.Create(OnnxModelWriter.Write(w, sequenceLength, batch, includeY: true, quantized));
        _x = new float[sequenceLength * batch * w.InputSize];
        _y = new float[sequenceLength * batch * H];
        _binding = _session.CreateIoBinding();
        _binding.BindInput("X", Keep(OnnxRuntimeSession.Tensor(_x, sequenceLength, batch, w.InputSize)));
        // Initial state stays zero; final state goes to buffers nobody reads (the peers' outputs must be bound somewhere).
        _binding.BindInput("initial_h", Keep(OnnxRuntimeSession.Tensor(new float[batch * H], 1, batch, H)));
        _binding.BindOutput("Y", Keep(OnnxRuntimeSession.Tensor(_y, sequenceLength, 1, batch, H)));
        _binding.BindOutput("Y_h", Keep(OnnxRuntimeSession.Tensor(new float[batch * H], 1, batch, H)));
        if (lstm)
        {
            _binding.BindInput("initial_c", Keep(OnnxRuntimeSession.Tensor(new float[batch * H], 1, batch, H)));
            _binding.BindOutput("Y_c", Keep(OnnxRuntimeSession.Tensor(new float[batch * H], 1, batch, H)));
        }
    }

    private OrtValue Keep(OrtValue value)
    {
        _values.Add(value);
        return value;
    }

    public void SetInput(ReadOnlySpan<float> x) => x.CopyTo(_x);

    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    public void CopyOutput(Span<float> y) => _y.AsSpan().CopyTo(y);

    public void Dispose()
    {
        _binding.Dispose();
        foreach (var v in _values) v.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
