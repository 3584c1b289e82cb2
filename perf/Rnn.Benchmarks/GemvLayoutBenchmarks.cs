using BenchmarkDotNet.Attributes;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;

namespace Rnn.Benchmarks;

/// <summary>
/// The batch-1 product (GEMV) on the widest kernel path in both packed layouts: y (N) = x (256) · B (256 × N).
/// N = 512 is the fused [x; h] product of an LSTM step at I = H = 128 (512 KiB, L2-resident); N = 1024 is 1 MiB,
/// more than this machine's 1 MiB L2 holds alongside anything else. GB/s = 2 × GFLOP/s (4 bytes per 2 FLOPs).
/// </summary>
[MemoryDiagnoser]
public class GemvLayoutBenchmarks
{
    public const int K = 256;

    [Params(512, 1024)]
    public int N { get; set; }

    /// <summary>A <see cref="PackedLayout"/> by name: the enum is internal to Rnn.Runtime, and BenchmarkDotNet
    /// parameters must be public.</summary>
    [Params(nameof(PackedLayout.Panels), nameof(PackedLayout.Groups))]
    public string Layout { get; set; } = nameof(PackedLayout.Panels);

    private PackedMatrix _b = null!;
    private float[] _x = null!, _bias = null!, _y = null!;
    private KernelPath _path;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(5);
        var weight = new float[N * K];
        RnnWeights.Fill(weight, rng, 0.0625f);
        _b = PackedMatrix.FromWeight(weight, N, K, Enum.Parse<PackedLayout>(Layout));
        _x = new float[K];
        RnnWeights.Fill(_x, rng, 1f);
        _bias = new float[N];
        _y = new float[_b.PaddedN];
        _path = KernelPaths.Widest;
    }

    [GlobalCleanup]
    public void Cleanup() => _b.Dispose();

    [Benchmark]
    public void Gemv() => Gemm.Multiply(_path, _x, 1, K, _b, _bias, _y, _b.PaddedN, accumulate: false);
}
