namespace Rnn.Fuzz;

/// <summary>
/// The "no allocation above a documented bound", checked around every input; exceeding it is a crash.
/// <list type="bullet">
/// <item>Managed: bytes allocated by the fuzzing thread while one input is parsed, at most
/// <see cref="FixedBytes"/> + <see cref="BytesPerInputByte"/> x the input's length (a parser may hold a few copies of
/// its input and float32 expansions of 16-bit data, never memory a header merely claims).</item>
/// <item>Process: peak resident memory (VmHWM) at most <see cref="PeakResidentBytes"/>; this catches native
/// allocations (packed weights) and anything the per-thread count misses. The peak is reset after each breach so
/// one bad input does not mark the rest.</item>
/// </list>
/// run.sh also caps the managed heap (DOTNET_GCHeapHardLimit) so a breach fails fast instead of taking the machine.
/// </summary>
internal static class ResourceBound
{
    public const long FixedBytes = 8L << 20;
    public const long BytesPerInputByte = 32;
    public const long PeakResidentBytes = 1L << 30;

    public static long DefaultAllocation(int inputLength) => FixedBytes + BytesPerInputByte * inputLength;

    /// <summary>Peak resident set of this process in bytes (0 where /proc is not there).</summary>
    public static long PeakResident()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                ReadOnlySpan<char> kb = line.AsSpan(6).Trim();
                if (kb.EndsWith(" kB")) kb = kb[..^3];
                return long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException) { }
        return 0;
    }

    /// <summary>Resets VmHWM to the current resident set (Linux: write 5 to clear_refs).</summary>
    public static void ResetPeakResident()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}

/// <summary>An input made the parser allocate past <see cref="ResourceBound"/>: reported as a crash.</summary>
internal sealed class ResourceBoundExceededException(string message) : Exception(message);
