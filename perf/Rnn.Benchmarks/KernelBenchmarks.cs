using BenchmarkDotNet.Attributes;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;

namespace Rnn.Benchmarks;

/// <summary>
/// Our GEMM alone: C (M × 1024) = A (M × 256) · B (256 × 1024, packed), the shape of an LSTM step's
/// recurrent product at H = 256 (M = batch; M = 1 is the GEMV of a batch-1 step), on every kernel path this
/// machine supports. GFLOP/s = 2·M·K·N / median.
/// </summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    public const int K = 256;
    public const int N = 1024;

    [ParamsSource(nameof(Paths))]
    public KernelPath Path { get; set; }

    [Params(1, 16, 64)]
    public int M { get; set; }

    public static IEnumerable<KernelPath> Paths() => KernelPaths.Supported();

    private PackedMatrix _b = null!;
    private float[] _a = null!, _bias = null!, _c = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(3);
        var weight = new float[N * K]; // PyTorch layout (N × K), packed as B = Wᵀ
        RnnWeights.Fill(weight, rng, 0.0625f);
        _b = PackedMatrix.FromWeight(weight, N, K);
        _a = new float[M * K];
        RnnWeights.Fill(_a, rng, 1f);
        _bias = new float[N];
        RnnWeights.Fill(_bias, rng, 0.0625f);
        _c = new float[M * _b.PaddedN];
    }

    [GlobalCleanup]
    public void Cleanup() => _b.Dispose();

    [Benchmark]
    public void Gemm() => Rnn.Runtime.Kernels.Gemm.Multiply(Path, _a, M, K, _b, _bias, _c, _b.PaddedN, accumulate: false);
}
