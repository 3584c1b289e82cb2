using System.Globalization;
using Rnn.Runtime;

namespace Rnn.Cli;

/// <summary>
/// The whole memory a command is about to take, estimated from its options before anything is allocated, against what
/// the process may use (GC.GetGCMemoryInfo().TotalAvailableMemoryBytes: the machine's memory or the container's limit).
/// Single arrays are checked where they are made; this catches totals that pass each of those checks.
/// </summary>
internal static class MemoryBudget
{
    /// <summary>Refuses when <paramref name="bytes"/> is more than what the process may use.</summary>
    public static void Require(double bytes, string what)
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > available)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"{what} needs about {Show(bytes)}, more than the {Show(available)} of memory available to this process."));
    }

    /// <summary>Floats of one recurrent stack's weights: G·H·(input + H) + 2·G·H per layer, the upper layers reading H.</summary>
    public static double RecurrentWeights(CellKind cell, int inputSize, int hiddenSize, int layers)
    {
        double g = cell.GateCount(), h = hiddenSize;
        return g * h * (inputSize + h + 2) + (layers - 1) * g * h * (2 * h + 2);
    }

    private static string Show(double bytes) =>
        bytes >= 1 << 30 ? (bytes / (1 << 30)).ToString("F1", CultureInfo.InvariantCulture) + " GiB"
        : (bytes / (1 << 20)).ToString("F1", CultureInfo.InvariantCulture) + " MiB";
}
