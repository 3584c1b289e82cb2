namespace Rnn.Training.Parallel;

/// <summary>
/// A fixed set of long-lived threads that run numbered shards of one job: shard s runs on thread s mod threads,
/// the caller's thread being thread 0. No allocation per job (no Task, no closure), so a training step stays
/// allocation-free; which thread runs a shard never changes what the shard computes.
/// </summary>
internal sealed class ShardWorkers : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    private readonly CountdownEvent _done;
    private Action<int>? _job;
    private int _shards;
    private Exception? _failure;
    private volatile bool _stopping;

    public int ThreadCount { get; }

    public ShardWorkers(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        ThreadCount = threads;
        _threads = new Thread[threads - 1];
        _start = new SemaphoreSlim[threads - 1];
        _done = new CountdownEvent(1);
        for (int w = 1; w < threads; w++)
        {
            int worker = w;
            _start[w - 1] = new SemaphoreSlim(0);
            _threads[w - 1] = new Thread(() => Loop(worker)) { IsBackground = true, Name = $"rnn-shard-{worker}" };
            _threads[w - 1].Start();
        }
    }

    /// <summary>Runs job(s) for s in [0, shards) and returns when all are done; rethrows the first failure.</summary>
    public void Run(Action<int> job, int shards)
    {
        _job = job;
        _shards = shards;
        _failure = null;
        int helpers = Math.Min(_threads.Length, Math.Max(0, shards - 1));
        _done.Reset(helpers + 1);
        for (int w = 0; w < helpers; w++) _start[w].Release();
        RunShards(0);
        _done.Wait();
        _job = null;
        if (_failure is { } e) throw new AggregateException("A training shard failed.", e);
    }

    private void Loop(int worker)
    {
        while (true)
        {
            _start[worker - 1].Wait();
            if (_stopping) return;
            RunShards(worker);
        }
    }

    private void RunShards(int worker)
    {
        try
        {
            for (int s = worker; s < _shards; s += ThreadCount) _job!(s);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, e, null);
        }
        finally
        {
            _done.Signal();
        }
    }

    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        foreach (var s in _start) s.Release();
        foreach (var t in _threads) t.Join();
        foreach (var s in _start) s.Dispose();
        _done.Dispose();
    }
}
