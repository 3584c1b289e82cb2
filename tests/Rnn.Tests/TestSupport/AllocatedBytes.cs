namespace Rnn.Tests.TestSupport;

/// <summary>
/// What a warm call allocates on this thread, without the runtime's own bookkeeping.
/// </summary>
/// <remarks>
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> counts the thread's allocation context (up to ~8 KB) as handed
/// out minus its unused tail. When the runtime retires that context mid-call (a GC from another thread while this one
/// is still tiering up), the tail is charged once as if allocated. A probe (an LSTM session at H = 256, batch 64, beside
/// a thread allocating in a loop, 30 processes) saw 0.3–7.8 KB on the second call in 13 of them and never on a later
/// call; CI saw 7,056 B once. A real allocation repeats in every window, so the least window is the call's own.
/// </remarks>
internal static class AllocatedBytes
{
    /// <summary>The fewest bytes any of <paramref name="windows"/> runs of <paramref name="call"/> allocated on this thread.</summary>
    public static long Least(Action call, int windows = 3) => Least(call, windows, GC.GetAllocatedBytesForCurrentThread);

    /// <summary>
    /// The fewest bytes any of <paramref name="windows"/> runs of <paramref name="call"/> saw the whole process allocate:
    /// for work on other threads, which this thread's count does not see. Another thread of the test host may allocate
    /// in a window, so take more of them.
    /// </summary>
    public static long LeastInProcess(Action call, int windows = 5) => Least(call, windows, () => GC.GetTotalAllocatedBytes(precise: true));

    private static long Least(Action call, int windows, Func<long> allocatedSoFar)
    {
        long least = long.MaxValue;
        for (int i = 0; i < windows; i++)
        {
            long before = allocatedSoFar();
            call();
            least = Math.Min(least, allocatedSoFar() - before);
        }
        return least;
    }
}
