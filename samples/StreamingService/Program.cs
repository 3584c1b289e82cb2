// A streaming service: one model loaded once and shared read-only; N independent streams (one per user, channel or
// session), each owned by one worker thread at a time, stepped as inputs arrive. Reports per-step latency
// percentiles and the bytes allocated while stepping, then replays every stream on one thread and checks that the
// outputs are the same bits.
//
//   dotnet run -c Release -- [--streams 16] [--threads 2] [--steps 2000] [--hidden 128] [--check]
//
// --check exits 1 unless every step allocated 0 B and the threaded outputs equal the single-threaded ones.
using System.Diagnostics;
using Rnn.Runtime;
using Rnn.Runtime.IO;

int streams = Arg("--streams", 16), threads = Arg("--threads", Math.Max(2, Environment.ProcessorCount)), steps = Arg("--steps", 2000);
int hidden = Arg("--hidden", 128), inputSize = Arg("--input", 64);
bool check = args.Contains("--check");

// A service loads its model once, from a file or bytes; here the bytes of a seeded random LSTM stand in for one.
var writer = new SafeTensorsWriter();
writer.AddAll(RnnModel.RandomStateDict(CellKind.Lstm, inputSize, hidden, seed: 42));
var file = new MemoryStream();
writer.WriteTo(file);
using RnnModel model = RnnModel.Load(file.ToArray(), "service-model.safetensors");

Console.WriteLine($"model: {model.Cell} input {model.InputSize} hidden {model.HiddenSize}, kernel path {model.KernelPath}; " +
    $"{streams} streams on {threads} threads, {steps} steps each; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]} (1-min)");

// Threaded run: worker w owns streams w, w + threads, ... for the whole run (a stream belongs to one thread at a time).
var latencies = new long[streams * steps];      // Stopwatch ticks per step, [stream * steps + t]
var threadedHashes = new ulong[streams];
var allocated = new long[threads];
var workers = new Thread[threads];
using var start = new Barrier(threads);
for (int w = 0; w < threads; w++)
{
    int worker = w;
    workers[w] = new Thread(() =>
    {
        var owned = new List<(int Id, RnnStream Stream)>();
        for (int s = worker; s < streams; s += threads) owned.Add((s, model.CreateStream()));
        float[] x = new float[inputSize], y = new float[hidden];
        var hashes = new ulong[owned.Count];
        for (int i = 0; i < hashes.Length; i++) hashes[i] = FnvOffset;
        // Warm-up steps (tiered JIT) on a throwaway stream, so the timed steps see optimised code.
        using (RnnStream warm = model.CreateStream())
            for (int t = 0; t < 200; t++) { Input(0, t, x); warm.Step(x, y); }
        start.SignalAndWait();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < steps; t++)
            for (int i = 0; i < owned.Count; i++)
            {
                (int id, RnnStream stream) = owned[i];
                Input(id, t, x);
                long t0 = Stopwatch.GetTimestamp();
                stream.Step(x, y);
                latencies[id * steps + t] = Stopwatch.GetTimestamp() - t0;
                hashes[i] = Hash(hashes[i], y);
            }
        allocated[worker] = GC.GetAllocatedBytesForCurrentThread() - before;
        for (int i = 0; i < owned.Count; i++) { threadedHashes[owned[i].Id] = hashes[i]; owned[i].Stream.Dispose(); }
    });
    workers[w].Start();
}
long wall = Stopwatch.GetTimestamp();
foreach (Thread t in workers) t.Join();
double seconds = Stopwatch.GetElapsedTime(wall).TotalSeconds;

// The same streams, one after another on this thread: each stream's outputs depend only on its own inputs.
var singleHashes = new ulong[streams];
{
    float[] x = new float[inputSize], y = new float[hidden];
    for (int id = 0; id < streams; id++)
    {
        using RnnStream stream = model.CreateStream();
        ulong hash = FnvOffset;
        for (int t = 0; t < steps; t++) { Input(id, t, x); stream.Step(x, y); hash = Hash(hash, y); }
        singleHashes[id] = hash;
    }
}

Array.Sort(latencies);
double Micro(double q) => latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))] * 1e6 / Stopwatch.Frequency;
long totalAllocated = allocated.Sum();
bool same = threadedHashes.AsSpan().SequenceEqual(singleHashes);
Console.WriteLine($"per step: p50 {Micro(0.50):F1} µs, p99 {Micro(0.99):F1} µs, p99.9 {Micro(0.999):F1} µs, max {Micro(1.0):F1} µs; " +
    $"{latencies.Length / seconds:N0} steps/s in all");
Console.WriteLine($"allocated while stepping: {totalAllocated} B in {latencies.Length} steps ({(double)totalAllocated / latencies.Length:F2} B/step)");
Console.WriteLine($"outputs {(same ? "equal" : "DIFFER from")} a single-threaded run of the same streams ({streams} stream hashes)");
if (check && (totalAllocated != 0 || !same))
{
    Console.Error.WriteLine("error: --check failed: " + (totalAllocated != 0 ? $"{totalAllocated} B allocated while stepping" : "threaded outputs differ"));
    return 1;
}
return 0;

// Stream `id`'s input at step t: a fixed function of both (no shared generator, so any thread order gives the same inputs).
static void Input(int id, int t, Span<float> x)
{
    uint state = (uint)(id * 7919 + t * 104729 + 1);
    for (int i = 0; i < x.Length; i++)
    {
        state ^= state << 13; state ^= state >> 17; state ^= state << 5;
        x[i] = (state >> 8) * (2f / (1 << 24)) - 1f;
    }
}

static ulong Hash(ulong hash, ReadOnlySpan<float> values)
{
    foreach (float v in values) hash = (hash ^ BitConverter.SingleToUInt32Bits(v)) * 1099511628211UL;
    return hash;
}

int Arg(string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1]) : fallback;
}

partial class Program { const ulong FnvOffset = 14695981039346656037UL; }
