using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Fuzz;

/// <summary>
/// One parser under fuzzing: <see cref="Run"/> feeds it one input the way a user's file reaches it. A refusal the
/// parser documents (by default <see cref="RnnFormatException"/>) is a pass; any other exception is a crash.
/// </summary>
internal abstract class FuzzTarget
{
    /// <summary>The name given to run.sh and rnn-fuzz.</summary>
    public abstract string Name { get; }

    /// <summary>One line for the usage text: what a file reaches through this target.</summary>
    public abstract string Description { get; }

    /// <summary>Managed bytes one input may allocate: <see cref="ResourceBound"/> documents why.</summary>
    public virtual long AllocationBound(int inputLength) => ResourceBound.DefaultAllocation(inputLength);

    /// <summary>Parses <paramref name="input"/>; <paramref name="scratch"/> is a private folder on tmpfs for files.</summary>
    public abstract void Run(ReadOnlySpan<byte> input, ScratchFolder scratch);

    /// <summary>Whether <paramref name="e"/> is a refusal the API documents rather than a crash.</summary>
    public virtual bool IsExpected(Exception e) => e is RnnFormatException;
}
