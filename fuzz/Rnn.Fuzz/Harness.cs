namespace Rnn.Fuzz;

/// <summary>Runs one input through a target and turns every breach of the rules into an exception (a crash to AFL).</summary>
internal sealed class Harness(FuzzTarget target, ScratchFolder scratch)
{
    public FuzzTarget Target { get; } = target;
    public ScratchFolder Scratch { get; } = scratch;

    /// <summary>Returns the documented refusal, if the input was refused; throws on a crash or a resource breach.</summary>
    public Exception? Execute(ReadOnlySpan<byte> input)
    {
        Exception? refusal = null;
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            Target.Run(input, Scratch);
        }
        catch (Exception e) when (Target.IsExpected(e))
        {
            refusal = e;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long bound = Target.AllocationBound(input.Length);
        if (allocated > bound)
            throw new ResourceBoundExceededException(
                $"{Target.Name}: a {input.Length}-byte input allocated {allocated:N0} managed bytes, more than the bound {bound:N0} " +
                $"({ResourceBound.FixedBytes:N0} + {ResourceBound.BytesPerInputByte} x input).");
        long peak = ResourceBound.PeakResident();
        if (peak > ResourceBound.PeakResidentBytes)
        {
            ResourceBound.ResetPeakResident();
            throw new ResourceBoundExceededException(
                $"{Target.Name}: a {input.Length}-byte input took the process's peak resident memory to {peak:N0} bytes, more than {ResourceBound.PeakResidentBytes:N0}.");
        }
        return refusal;
    }
}
