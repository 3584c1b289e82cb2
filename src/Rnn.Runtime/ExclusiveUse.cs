namespace Rnn.Runtime;

/// <summary>
/// The one-caller-at-a-time rule of a session or stream, checked instead of trusted: a call enters with one
/// interlocked compare-exchange (nanoseconds, no lock) and leaves with a plain write; a second thread entering while
/// the first is inside gets <see cref="InvalidOperationException"/> instead of sharing its buffers and computing wrong
/// numbers. <see cref="Close"/> (Dispose) waits for a call running on another thread to leave, so buffers go back to
/// the shared pool only once nothing uses them. A field of the class it guards: never copy it.
/// </summary>
internal struct ExclusiveUse
{
    private const int Idle = 0, Busy = 1, Closed = 2;
    private int _state;
    private volatile bool _closing;

    /// <summary>Whether Dispose has begun (calls entering from now on throw <see cref="ObjectDisposedException"/>).</summary>
    public readonly bool IsClosed => _closing;

    /// <summary>Claims the object for one call; pair with <see cref="Leave"/> in a finally block.</summary>
    public void Enter(object owner)
    {
        if (Interlocked.CompareExchange(ref _state, Busy, Idle) != Idle) ThrowBusyOrClosed(owner);
        // Close sets _closing before it tries to claim: a call that got in just before it sees the flag here and backs
        // out, so Close waits for at most the call already running.
        if (_closing)
        {
            Volatile.Write(ref _state, Idle);
            throw new ObjectDisposedException(owner.GetType().FullName);
        }
    }

    /// <summary>Ends the call <see cref="Enter"/> began.</summary>
    public void Leave() => Volatile.Write(ref _state, Idle);

    /// <summary>
    /// Marks the object disposed and waits until no call runs in it; true for the one caller that must then release its
    /// resources, false if another Dispose got there first.
    /// </summary>
    public bool Close()
    {
        _closing = true;
        var spin = new SpinWait();
        while (true)
        {
            int state = Interlocked.CompareExchange(ref _state, Closed, Idle);
            if (state == Idle) return true;
            if (state == Closed) return false;
            spin.SpinOnce(); // a call on another thread is still using the buffers
        }
    }

    private void ThrowBusyOrClosed(object owner)
    {
        if (_closing || Volatile.Read(ref _state) == Closed) throw new ObjectDisposedException(owner.GetType().FullName);
        throw new InvalidOperationException(
            $"This {owner.GetType().Name} is already running a call on another thread: a session or stream belongs to one thread at a time " +
            "(create one per thread; they can share one model).");
    }
}
