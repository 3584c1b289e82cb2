using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Rnn.Benchmarks.Infrastructure;

/// <summary>GFLOP/s = FLOPs of one call / median time of one call (FLOP per ns = GFLOP/s).</summary>
internal sealed class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "FLOPs of the matrix products per call / median (2·G·H·(I+H) per step and stream; 2·M·K·N per GEMM; training: 3 × forward)";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? flops = FlopCounts.Of(benchmarkCase);
        var stats = summary[benchmarkCase]?.ResultStatistics;
        if (flops is null || stats is null || stats.Median <= 0) return "-";
        return (flops.Value / stats.Median).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
    }

    public override string ToString() => ColumnName;
}
