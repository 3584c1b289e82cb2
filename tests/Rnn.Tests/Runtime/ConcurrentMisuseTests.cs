using System.Diagnostics;
using Rnn.Runtime;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime;

/// <summary>
/// A model is shared read-only by any number of threads; a session or stream belongs to one thread at a time. Misuse
/// with real threads must give a correct result or an exception on every call, never wrong numbers or freed memory.
/// Each test loops until the race it is about has been seen (bounded in time), so it cannot pass by never racing.
/// </summary>
public class ConcurrentMisuseTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    [Fact]
    public void TwoThreadsOnOneStreamGetCorrectOutputsOrInvalidOperation()
    {
        const int I = 8, H = 48, Steps = 400;
        using RnnModel model = RnnModel.CreateRandom(CellKind.Lstm, I, H, numLayers: 2, seed: 5);
        float[][] x = [ReferenceRnn.RandomFloats(I, 1), ReferenceRnn.RandomFloats(I, 2)];
        // Thread t steps stream index t alone with its own constant input: its k-th successful step must give the k-th
        // output of a stream stepped alone, whatever the other thread does (a refused call changes nothing).
        float[][][] expected = new float[2][][];
        for (int t = 0; t < 2; t++)
        {
            using RnnStream alone = model.CreateStream(1);
            expected[t] = new float[Steps][];
            for (int k = 0; k < Steps; k++) { expected[t][k] = new float[H]; alone.Step(x[t], expected[t][k]); }
        }
        int refused = 0, wrong = 0, rounds = 0;
        var clock = Stopwatch.StartNew();
        while (refused == 0 && clock.Elapsed < Budget)
        {
            rounds++;
            using RnnStream shared = model.CreateStream(2);
            using var start = new Barrier(2);
            var threads = new Thread[2];
            for (int t = 0; t < 2; t++)
            {
                int me = t;
                threads[t] = new Thread(() =>
                {
                    float[] y = new float[H];
                    int k = 0;
                    start.SignalAndWait();
                    for (int attempt = 0; attempt < 4 * Steps && k < Steps; attempt++)
                    {
                        try { shared.StepOne(me, x[me], y); }
                        catch (InvalidOperationException) { Interlocked.Increment(ref refused); continue; }
                        if (!y.AsSpan().SequenceEqual(expected[me][k])) Interlocked.Increment(ref wrong);
                        k++;
                    }
                });
                threads[t].Start();
            }
            foreach (var th in threads) th.Join();
        }
        Assert.True(wrong == 0, $"{wrong} wrong outputs in {rounds} rounds");
        Assert.True(refused > 0, $"no concurrent call was seen in {rounds} rounds ({clock.Elapsed})");
    }

    [Fact]
    public void TwoThreadsOnOneSessionGetCorrectOutputsOrInvalidOperation()
    {
        const int I = 6, H = 40, T = 12, B = 2;
        using RnnModel model = RnnModel.CreateRandom(CellKind.Gru, I, H, numLayers: 2, bidirectional: true, seed: 8);
        float[][] x = [ReferenceRnn.RandomFloats(T * B * I, 3), ReferenceRnn.RandomFloats(T * B * I, 4)];
        float[][] expected = new float[2][];
        using (RnnSession alone = model.CreateSession(T, B))
            for (int t = 0; t < 2; t++) { expected[t] = new float[T * B * 2 * H]; alone.Run(x[t], expected[t], T, B); }
        using RnnSession shared = model.CreateSession(T, B);
        int refused = 0, wrong = 0, runs = 0;
        var clock = Stopwatch.StartNew();
        var threads = new Thread[2];
        for (int t = 0; t < 2; t++)
        {
            int me = t;
            threads[t] = new Thread(() =>
            {
                float[] y = new float[T * B * 2 * H];
                while (Volatile.Read(ref refused) < 20 && clock.Elapsed < Budget)
                {
                    Interlocked.Increment(ref runs);
                    try { shared.Run(x[me], y, T, B); }
                    catch (InvalidOperationException) { Interlocked.Increment(ref refused); continue; }
                    if (!y.AsSpan().SequenceEqual(expected[me])) Interlocked.Increment(ref wrong);
                }
            });
            threads[t].Start();
        }
        foreach (var th in threads) th.Join();
        Assert.True(wrong == 0, $"{wrong} wrong outputs of {runs} runs");
        Assert.True(refused > 0, $"no concurrent run was seen in {runs} runs ({clock.Elapsed})");
    }

    [Fact]
    public void DisposingASessionWhileAnotherThreadRunsItLeavesOtherSessionsCorrect()
    {
        const int I = 8, H = 64, T = 40, B = 3;
        using RnnModel model = RnnModel.CreateRandom(CellKind.Lstm, I, H, numLayers: 3, seed: 2);
        float[] x = ReferenceRnn.RandomFloats(T * B * I, 6);
        float[] expected = new float[T * B * H];
        using (RnnSession alone = model.CreateSession(T, B)) alone.Run(x, expected, T, B);
        int wrong = 0, overlapped = 0, rounds = 0;
        var clock = Stopwatch.StartNew();
        while (overlapped < 20 && clock.Elapsed < Budget)
        {
            rounds++;
            RnnSession victim = model.CreateSession(T, B);
            int running = 0;
            var runner = new Thread(() =>
            {
                float[] y = new float[T * B * H];
                while (true)
                {
                    Volatile.Write(ref running, 1);
                    try { victim.Run(x, y, T, B); }
                    catch (ObjectDisposedException) { return; }
                    if (!y.AsSpan().SequenceEqual(expected)) Interlocked.Increment(ref wrong);
                }
            });
            runner.Start();
            while (Volatile.Read(ref running) == 0) Thread.Yield();
            victim.Dispose(); // waits for the Run in progress; its buffers go back to the pool only then
            if (runner.IsAlive) overlapped++;
            // A correctly used session rents the same pooled buffers right away: the runner must not write into them.
            using (RnnSession other = model.CreateSession(T, B))
            {
                float[] y = new float[T * B * H];
                other.Run(x, y, T, B);
                if (!y.AsSpan().SequenceEqual(expected)) Interlocked.Increment(ref wrong);
            }
            runner.Join();
        }
        Assert.True(wrong == 0, $"{wrong} wrong outputs in {rounds} rounds");
        Assert.True(overlapped > 0, $"Dispose never overlapped a Run in {rounds} rounds");
    }

    [Fact]
    public void DisposingTheModelWhileStreamsRunIsNeverAUseAfterFree()
    {
        const int I = 16, H = 96, Steps = 200;
        float[] x = ReferenceRnn.RandomFloats(I, 7);
        float[][] expected = new float[Steps][];
        using (RnnModel reference = RnnModel.CreateRandom(CellKind.Lstm, I, H, numLayers: 2, seed: 4))
        using (RnnStream alone = reference.CreateStream(1))
            for (int k = 0; k < Steps; k++) { expected[k] = new float[H]; alone.Step(x, expected[k]); }
        int wrong = 0, refusedMidway = 0, rounds = 0;
        var clock = Stopwatch.StartNew();
        while (refusedMidway < 20 && clock.Elapsed < Budget)
        {
            rounds++;
            var model = RnnModel.CreateRandom(CellKind.Lstm, I, H, numLayers: 2, seed: 4);
            var streams = new RnnStream[2];
            for (int s = 0; s < 2; s++) streams[s] = model.CreateStream(1);
            int started = 0;
            var threads = new Thread[2];
            for (int s = 0; s < 2; s++)
            {
                RnnStream stream = streams[s];
                threads[s] = new Thread(() =>
                {
                    float[] y = new float[H];
                    Interlocked.Increment(ref started);
                    for (int k = 0; k < Steps; k++)
                    {
                        try { stream.Step(x, y); }
                        catch (ObjectDisposedException) { if (k > 0) Interlocked.Increment(ref refusedMidway); return; }
                        if (!y.AsSpan().SequenceEqual(expected[k])) Interlocked.Increment(ref wrong);
                    }
                });
                threads[s].Start();
            }
            while (Volatile.Read(ref started) < 2) Thread.Yield();
            model.Dispose(); // the streams' leases keep the packed weights alive
            Assert.Throws<ObjectDisposedException>(() => model.CreateStream());
            foreach (var th in threads) th.Join();
            foreach (var stream in streams) stream.Dispose();
        }
        Assert.True(wrong == 0, $"{wrong} wrong outputs in {rounds} rounds");
        Assert.True(refusedMidway > 0, $"the model's Dispose never landed while a stream ran ({rounds} rounds)");
    }

    [Fact]
    public void TheWeightsAreFreedWhenTheModelAndItsLastStreamOrSessionAreDisposed()
    {
        var model = RnnModel.CreateRandom(CellKind.Gru, 4, 8);
        var weights = model.Weights(0, 0);
        RnnStream stream = model.CreateStream();
        RnnSession session = model.CreateSession(3);
        model.Dispose();
        Assert.False(weights.InputWeights.IsDisposed);
        stream.Dispose();
        stream.Dispose(); // a lease is returned once
        Assert.False(weights.InputWeights.IsDisposed);
        session.Dispose();
        Assert.True(weights.InputWeights.IsDisposed);
        Assert.True(weights.RecurrentWeights.IsDisposed);
    }
}
