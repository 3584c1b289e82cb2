using System.Diagnostics;
using Rnn.Benchmarks.Infrastructure;
namespace Rnn.Benchmarks;
internal static class Scratch {
  public static int Run(string[] args) {
    var impl = Enum.Parse<Implementation>(args[1]); int batch = int.Parse(args[2]);
    var w = RnnWeights.Random(CellType.Lstm, 256, 256);
    using var r = Runners.CreateSequence(impl, w, 100, batch);
    var x = new float[100*batch*256]; RnnWeights.Fill(x, new Random(5), 1f); r.SetInput(x);
    for (int i = 0; i < 5; i++) r.Run();
    long f0 = MinorFaults();
    for (int i = 0; i < 10; i++) r.Run();
    long faults = (MinorFaults() - f0) / 10;
    var times = new List<double>();
    for (int i = 0; i < 40; i++) { var sw = Stopwatch.StartNew(); r.Run(); times.Add(sw.Elapsed.TotalMilliseconds); }
    times.Sort();
    Console.WriteLine($"{impl} B={batch} min {times[0]:F2} median {times[20]:F2} ms  minor faults/call {faults}  env MMAP={Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_")}");
    return 0;
  }
  static long MinorFaults() { var f = File.ReadAllText("/proc/self/stat"); var parts = f.Substring(f.LastIndexOf(')') + 2).Split(' '); return long.Parse(parts[7]); }
}
