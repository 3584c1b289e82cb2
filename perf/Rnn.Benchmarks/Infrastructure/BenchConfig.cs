using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;

namespace Rnn.Benchmarks.Infrastructure;

/// <summary>
/// One short job for the whole suite (it must finish in under 15 minutes on 2 shared cores): one launch,
/// 3 warm-up and 9 measured iterations of ~100 ms each. Every benchmark is single-threaded (ONNX Runtime and
/// libtorch are set to one thread; OMP_NUM_THREADS=1 as well, so libgomp starts no pool), with glibc malloc settings that spare libtorch a page fault storm per call. Columns add the
/// median (what the README reports) and GFLOP/s computed from it.
/// </summary>
internal static class BenchConfig
{
    public static IConfig Create()
    {
        Job job = Job.Default
            .WithId("Short")
            .WithToolchain(PatchedCsProjGenerator.CreateToolchain())
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(9)
            .WithIterationTime(TimeInterval.FromMilliseconds(100))
            .WithEnvironmentVariables(
                new EnvironmentVariable("OMP_NUM_THREADS", "1"),
                new EnvironmentVariable("MKL_NUM_THREADS", "1"),
                // libtorch's nn.LSTM mallocs MB-sized buffers on every call; with glibc's defaults the heap top is
                // trimmed and regrown each time (measured: ~1,650 page faults per call at batch 64, ~54 with these).
                // Only libtorch allocates per call, so this helps the peer and changes nothing for the others.
                new EnvironmentVariable("MALLOC_TOP_PAD_", "268435456"),
                new EnvironmentVariable("MALLOC_MMAP_THRESHOLD_", "33554432"),
                new EnvironmentVariable("MALLOC_TRIM_THRESHOLD_", "1073741824"));
        return DefaultConfig.Instance
            .AddJob(job.AsDefault())
            .AddColumn(StatisticColumn.Median, new GflopsColumn())
            .WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile);
    }
}
