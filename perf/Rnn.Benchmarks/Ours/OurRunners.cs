using Rnn.Benchmarks.Infrastructure;
using Rnn.Benchmarks.Peers;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Runtime.Kernels;

namespace Rnn.Benchmarks.Ours;

/// <summary>Builds our model from the same PyTorch-layout weights the peers get.</summary>
internal static class OurModel
{
    public static RnnModel Create(RnnWeights w, KernelPath? kernelPath = null)
    {
        int gh = w.Gates * w.HiddenSize;
        var tensors = new TensorDictionary { SourceName = "benchmark weights" };
        tensors.Add("weight_ih_l0", [gh, w.InputSize], w.WeightIh);
        tensors.Add("weight_hh_l0", [gh, w.HiddenSize], w.WeightHh);
        tensors.Add("bias_ih_l0", [gh], w.BiasIh);
        tensors.Add("bias_hh_l0", [gh], w.BiasHh);
        return RnnModel.FromTensors(tensors, w.Cell == CellType.Lstm ? CellKind.Lstm : CellKind.Gru, kernelPath: kernelPath);
    }

    /// <summary>The same weights through a model file's bytes and RnnModel.Load: a .safetensors state_dict or a
    /// one-node .onnx model (ONNX gate order, GRU linear_before_reset = 1), so the rows can show a loaded file runs
    /// as fast as in-memory tensors, whichever format it came in.</summary>
    public static RnnModel Load(RnnWeights w, ModelFormat format, KernelPath? kernelPath = null)
    {
        byte[] bytes;
        if (format is ModelFormat.Onnx or ModelFormat.QuantizedOnnx)
            bytes = OnnxModelWriter.Write(w, sequenceLength: 1, batch: 1, includeY: true, quantized: format == ModelFormat.QuantizedOnnx);
        else
        {
            int gh = w.Gates * w.HiddenSize;
            var writer = new SafeTensorsWriter();
            writer.Add("weight_ih_l0", [gh, w.InputSize], w.WeightIh);
            writer.Add("weight_hh_l0", [gh, w.HiddenSize], w.WeightHh);
            writer.Add("bias_ih_l0", [gh], w.BiasIh);
            writer.Add("bias_hh_l0", [gh], w.BiasHh);
            var stream = new MemoryStream();
            writer.WriteTo(stream);
            bytes = stream.ToArray();
        }
        return RnnModel.Load(bytes, $"benchmark weights ({format})", kernelPath: kernelPath);
    }
}

/// <summary>The file format a benchmark model is loaded from (QuantizedOnnx: the com.microsoft.DynamicQuantizeLSTM
/// model ONNX Runtime's quantized rows run, int8 weights with per-column scales, which loads dequantized).</summary>
internal enum ModelFormat { SafeTensors, Onnx, QuantizedOnnx }

/// <summary>Our streaming step (the baseline of StepBenchmarks): <see cref="RnnStream.Step"/>, state kept inside.</summary>
internal sealed class OurStepRunner : IStepRunner
{
    private readonly RnnModel _model;
    private readonly RnnStream _stream;
    private readonly float[] _x, _h;

    public OurStepRunner(RnnWeights w, int batch = 1, WeightPrecision precision = WeightPrecision.Float32, KernelPath? kernelPath = null,
        ModelFormat? format = null)
    {
        _model = format is { } f ? OurModel.Load(w, f, kernelPath) : OurModel.Create(w, kernelPath);
        _stream = _model.CreateStream(streams: batch, precision);
        _x = new float[batch * w.InputSize];
        _h = new float[batch * w.HiddenSize];
    }

    public void SetInput(ReadOnlySpan<float> x) => x.CopyTo(_x);

    public void Step() => _stream.Step(_x, _h);

    public void CopyOutput(Span<float> h) => _h.AsSpan().CopyTo(h);

    public void Reset() => _stream.Reset();

    public void Dispose()
    {
        _stream.Dispose();
        _model.Dispose();
    }
}

/// <summary>Our whole-sequence session (the baseline of SequenceBenchmarks): <see cref="RnnSession.Run"/> from zero state.</summary>
internal sealed class OurSequenceRunner : ISequenceRunner
{
    private readonly RnnModel _model;
    private readonly RnnSession _session;
    private readonly int _steps, _batch;
    private readonly float[] _x, _y;

    public OurSequenceRunner(RnnWeights w, int sequenceLength, int batch, WeightPrecision precision = WeightPrecision.Float32,
        KernelPath? kernelPath = null, ModelFormat? format = null)
    {
        _model = format is { } f ? OurModel.Load(w, f, kernelPath) : OurModel.Create(w, kernelPath);
        _session = _model.CreateSession(sequenceLength, batch, precision);
        _steps = sequenceLength;
        _batch = batch;
        _x = new float[sequenceLength * batch * w.InputSize];
        _y = new float[sequenceLength * batch * w.HiddenSize];
    }

    public void SetInput(ReadOnlySpan<float> x) => x.CopyTo(_x);

    public void Run() => _session.Run(_x, _y, _steps, _batch);

    public void CopyOutput(Span<float> y) => _y.AsSpan().CopyTo(y);

    public void Dispose()
    {
        _session.Dispose();
        _model.Dispose();
    }
}
