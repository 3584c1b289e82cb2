using BenchmarkDotNet.Attributes;

namespace Rnn.Benchmarks.Peers;

// The project's benchmark classes with the peers' rows added. Every row of the base class (ours, and any row added
// there later) runs in the same process run as the peers, so the ratios compare like with like.

/// <summary><see cref="Rnn.Benchmarks.StepBenchmarks"/> plus ONNX Runtime (IOBinding) and TorchSharp (cell modules).</summary>
public class StepBenchmarks : Rnn.Benchmarks.StepBenchmarks
{
    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnxRuntime() => Setup(w => new OnnxRuntimeStepRunner(w));

    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorchSharp() => Setup(w => new TorchSharpStepRunner(w));

    [Benchmark]
    public void OnnxRuntime() => Runner.Step();

    [Benchmark]
    public void TorchSharp() => Runner.Step();
}

/// <summary><see cref="Rnn.Benchmarks.SequenceBenchmarks"/> plus ONNX Runtime (float32 and DynamicQuantizeLSTM) and TorchSharp (nn.LSTM).</summary>
public class SequenceBenchmarks : Rnn.Benchmarks.SequenceBenchmarks
{
    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnxRuntime() => Setup((w, steps, batch) => new OnnxRuntimeSequenceRunner(w, steps, batch));

    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorchSharp() => Setup((w, steps, batch) => new TorchSharpSequenceRunner(w, steps, batch));

    /// <summary>ONNX Runtime's own quantized LSTM (<c>com.microsoft.DynamicQuantizeLSTM</c>, int8 W and R), beside our int8 row.</summary>
    [GlobalSetup(Target = nameof(OnnxRuntimeInt8))]
    public void SetupOnnxRuntimeInt8() => Setup((w, steps, batch) => new OnnxRuntimeSequenceRunner(w, steps, batch, quantized: true));

    [Benchmark]
    public void OnnxRuntime() => Runner.Run();

    [Benchmark]
    public void OnnxRuntimeInt8() => Runner.Run();

    [Benchmark]
    public void TorchSharp() => Runner.Run();
}

/// <summary><see cref="Rnn.Benchmarks.TrainingBenchmarks"/> plus libtorch through TorchSharp, in the tuned-malloc job
/// and in a job with glibc's defaults.</summary>
[Config(typeof(TrainingConfig))]
public class TrainingBenchmarks : Rnn.Benchmarks.TrainingBenchmarks
{
    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorchSharp() => Runner = new TorchSharpTrainingRunner(new Infrastructure.CharRnnWorkload(Chunks), Threads);

    [Benchmark]
    public double TorchSharp() => Runner.Step();
}
