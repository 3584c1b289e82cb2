using Rnn.Runtime;
using Rnn.Runtime.Kernels;

namespace Rnn.Cli.Commands.Bench;

/// <summary>
/// The weight precisions the suite times and their short names. The list is the runtime's own enum, so a precision
/// added to <see cref="WeightPrecision"/> joins the suite's step workloads (and its name here, if it wants a short
/// one) without touching the suite.
/// </summary>
internal static class BenchPrecisions
{
    /// <summary>Every precision the runtime offers, in the enum's order.</summary>
    public static WeightPrecision[] All { get; } = Enum.GetValues<WeightPrecision>();

    /// <summary>f32, bf16, else the enum name in lower case (int8 → "int8").</summary>
    public static string Name(WeightPrecision precision) => precision switch
    {
        WeightPrecision.Float32 => "f32",
        WeightPrecision.BFloat16 => "bf16",
        _ => precision.ToString().ToLowerInvariant(),
    };
}
