using BenchmarkDotNet.Attributes;
using Rnn.Benchmarks.Infrastructure;
using Rnn.Benchmarks.Ours;
using Rnn.Runtime;

namespace Rnn.Benchmarks;

/// <summary>
/// Streaming step, batch 1, input = hidden = Size: h, c ← cell(x, h, c) with the state kept between calls.
/// Ours (float32) is the baseline, so Ratio = other row's time / ours. A row is a [Benchmark] method that steps
/// <see cref="Runner"/> plus a [GlobalSetup] targeting it that builds the runner; each target builds only its own,
/// so a process never loads code it does not time. The peers project derives from this class and adds its rows
/// (ONNX Runtime, TorchSharp), so rows added here appear there too, timed in the same run as the peers.
/// </summary>
[MemoryDiagnoser]
public class StepBenchmarks
{
    [Params(CellType.Lstm, CellType.Gru)]
    public CellType Cell { get; set; }

    [Params(128, 256, 512)]
    public int Size { get; set; }

    /// <summary>The runner the current row times.</summary>
    internal IStepRunner Runner { get; private set; } = null!;

    [GlobalSetup(Target = nameof(Ours))]
    public void SetupOurs() => Setup(w => new OurStepRunner(w));

    /// <summary>Our stream with bfloat16 weights (opt-in; outputs ~1e-3 from float32's, so not in --verify).</summary>
    [GlobalSetup(Target = nameof(OursBf16))]
    public void SetupOursBf16() => Setup(w => new OurStepRunner(w, precision: WeightPrecision.BFloat16));

    /// <summary>Our stream with int8 weights (per-column scales; outputs ~1e-2 from float32's, so not in --verify).</summary>
    [GlobalSetup(Target = nameof(OursInt8))]
    public void SetupOursInt8() => Setup(w => new OurStepRunner(w, precision: WeightPrecision.Int8));

    /// <summary>Our stream on the Vector128 path (what ARM64 and a default NativeAOT build run), float32.</summary>
    [GlobalSetup(Target = nameof(OursVector128))]
    public void SetupOursVector128() => Setup(w => new OurStepRunner(w, kernelPath: KernelPath.Vector128));

    /// <summary>Our stream over the same weights loaded from a .safetensors file's bytes (RnnModel.Load).</summary>
    [GlobalSetup(Target = nameof(OursFromSafeTensors))]
    public void SetupOursFromSafeTensors() => Setup(w => new OurStepRunner(w, format: ModelFormat.SafeTensors));

    /// <summary>Our stream over the same weights loaded from a one-node .onnx model's bytes (RnnModel.Load).</summary>
    [GlobalSetup(Target = nameof(OursFromOnnx))]
    public void SetupOursFromOnnx() => Setup(w => new OurStepRunner(w, format: ModelFormat.Onnx));

    /// <summary>Builds the row's runner over this case's weights and input (the same for every row).</summary>
    internal void Setup(Func<RnnWeights, IStepRunner> create)
    {
        var w = RnnWeights.Random(Cell, Size, Size);
        Runner = create(w);
        var x = new float[Size];
        RnnWeights.Fill(x, new Random(5), 1f);
        Runner.SetInput(x);
    }

    [GlobalCleanup]
    public void Cleanup() => Runner.Dispose();

    [Benchmark(Baseline = true)]
    public void Ours() => Runner.Step();

    [Benchmark]
    public void OursBf16() => Runner.Step();

    [Benchmark]
    public void OursInt8() => Runner.Step();

    [Benchmark]
    public void OursVector128() => Runner.Step();

    [Benchmark]
    public void OursFromSafeTensors() => Runner.Step();

    [Benchmark]
    public void OursFromOnnx() => Runner.Step();
}
