using BenchmarkDotNet.Attributes;
using Rnn.Benchmarks.Infrastructure;
using Rnn.Benchmarks.Ours;
using Rnn.Runtime;

namespace Rnn.Benchmarks;

/// <summary>
/// Whole sequence, one LSTM layer, input = hidden = 256, 100 steps, from zero state, all outputs written:
/// x (100, B, 256) → y (100, B, 256). Ours is the baseline (Ratio = other row / ours). Rows as in
/// <see cref="StepBenchmarks"/>; the peers project derives from this class.
/// </summary>
[MemoryDiagnoser]
public class SequenceBenchmarks
{
    public const int Size = 256;
    public const int SequenceLength = 100;

    [Params(1, 16, 64)]
    public int Batch { get; set; }

    /// <summary>The runner the current row times.</summary>
    internal ISequenceRunner Runner { get; private set; } = null!;

    [GlobalSetup(Target = nameof(Ours))]
    public void SetupOurs() => Setup((w, steps, batch) => new OurSequenceRunner(w, steps, batch));

    /// <summary>Our session with bfloat16 recurrent weights (opt-in; outputs ~1e-3 from float32's, so not in --verify).</summary>
    [GlobalSetup(Target = nameof(OursBf16))]
    public void SetupOursBf16() => Setup((w, steps, batch) => new OurSequenceRunner(w, steps, batch, WeightPrecision.BFloat16));

    /// <summary>Our session with int8 weights.</summary>
    [GlobalSetup(Target = nameof(OursInt8))]
    public void SetupOursInt8() => Setup((w, steps, batch) => new OurSequenceRunner(w, steps, batch, WeightPrecision.Int8));

    /// <summary>Our session on the Vector128 path (ARM64, a default NativeAOT build), float32.</summary>
    [GlobalSetup(Target = nameof(OursVector128))]
    public void SetupOursVector128() => Setup((w, steps, batch) => new OurSequenceRunner(w, steps, batch, kernelPath: KernelPath.Vector128));

    /// <summary>Our session over the same weights loaded from a .safetensors file's bytes (RnnModel.Load).</summary>
    [GlobalSetup(Target = nameof(OursFromSafeTensors))]
    public void SetupOursFromSafeTensors() => Setup((w, steps, batch) => new OurSequenceRunner(w, steps, batch, format: ModelFormat.SafeTensors));

    /// <summary>Our session over the same weights loaded from a one-node .onnx model's bytes (RnnModel.Load).</summary>
    [GlobalSetup(Target = nameof(OursFromOnnx))]
    public void SetupOursFromOnnx() => Setup((w, steps, batch) => new OurSequenceRunner(w, steps, batch, format: ModelFormat.Onnx));

    /// <summary>Builds the row's runner (weights, sequence length, batch) and its input, the same for every row.</summary>
    internal void Setup(Func<RnnWeights, int, int, ISequenceRunner> create)
    {
        var w = RnnWeights.Random(CellType.Lstm, Size, Size);
        Runner = create(w, SequenceLength, Batch);
        var x = new float[SequenceLength * Batch * Size];
        RnnWeights.Fill(x, new Random(5), 1f);
        Runner.SetInput(x);
    }

    [GlobalCleanup]
    public void Cleanup() => Runner.Dispose();

    [Benchmark(Baseline = true)]
    public void Ours() => Runner.Run();

    [Benchmark]
    public void OursBf16() => Runner.Run();

    [Benchmark]
    public void OursInt8() => Runner.Run();

    [Benchmark]
    public void OursVector128() => Runner.Run();

    [Benchmark]
    public void OursFromSafeTensors() => Runner.Run();

    [Benchmark]
    public void OursFromOnnx() => Runner.Run();
}
