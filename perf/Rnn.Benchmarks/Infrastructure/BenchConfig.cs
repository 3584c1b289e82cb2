using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;

namespace Rnn.Benchmarks.Infrastructure;

/// <summary>
/// One short job for the whole suite (it must finish in minutes on 2 shared cores): one launch, 4 warm-up and 15
/// measured iterations of ~150 ms each. Columns add the median (what the README reports) and GFLOP/s computed from it;
/// the full JSON export (every iteration) is what <c>rnn bench compare</c> reads.
/// </summary>
internal static class BenchConfig
{
    public static IConfig Create(Job job) =>
        DefaultConfig.Instance
            // Not AsDefault: a default job's characteristics (environment included) would overwrite those of a class's
            // own extra jobs (the peers' training benchmarks add one).
            .AddJob(job)
            .AddColumn(StatisticColumn.Median, new GflopsColumn())
            .AddExporter(JsonExporter.Full)
            .WithOptions(ConfigOptions.DisableLogFile);

    /// <summary>The suite's job shape.</summary>
    public static Job ShortJob(string id = "Short") =>
        Job.Default
            .WithId(id)
            .WithLaunchCount(1)
            .WithWarmupCount(4)
            .WithIterationCount(15)
            .WithIterationTime(TimeInterval.FromMilliseconds(150));
}
