using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Rnn.Benchmarks.Infrastructure;

namespace Rnn.Benchmarks.Peers;

/// <summary>
/// The suite's job (<see cref="BenchConfig.ShortJob"/>) with what the peers need: the child project is built by
/// <see cref="PatchedCsProjGenerator"/> (TorchSharp's GLIBCXX fix); every benchmark is single-threaded (ONNX Runtime
/// and libtorch are set to one thread, and OMP_NUM_THREADS=1 so libgomp starts no pool); glibc malloc settings spare
/// libtorch a page-fault storm per call.
/// </summary>
internal static class PeerConfig
{
    public static IConfig Create() => BenchConfig.Create(Job(tunedMalloc: true));

    /// <summary>Without <paramref name="tunedMalloc"/>, glibc's allocator runs as a user's process has it (the training
    /// benchmarks measure both, since libtorch's step time depends on it by 3-7x).</summary>
    public static Job Job(bool tunedMalloc)
    {
        Job job = BenchConfig.ShortJob(tunedMalloc ? "Short" : "DefaultMalloc")
            .WithToolchain(PatchedCsProjGenerator.CreateToolchain());
        var threads = new[] { new EnvironmentVariable("OMP_NUM_THREADS", "1"), new EnvironmentVariable("MKL_NUM_THREADS", "1") };
        if (!tunedMalloc) return job.WithEnvironmentVariables(threads);
        return job.WithEnvironmentVariables(
        [
            .. threads,
            // libtorch mallocs MB-sized buffers on every call. With glibc's defaults the heap top is trimmed and
            // regrown each time (nn.LSTM, batch 64: ~1,650 page faults per call), and blocks over 32 MB (the
            // largest mmap threshold glibc accepts) are mmapped and unmapped per call: in some processes the
            // training step allocates a 41 MB block 3-4 times per step, ~13,000 faults, 72 -> 255 ms. A large
            // top pad, no trimming and no mmap keep libtorch's memory in the heap. Ours and ONNX Runtime do not
            // page-fault per call (measured: 0-4 faults), so this only helps the peer.
            new EnvironmentVariable("MALLOC_TOP_PAD_", "268435456"),
            new EnvironmentVariable("MALLOC_TRIM_THRESHOLD_", "1073741824"),
            new EnvironmentVariable("MALLOC_MMAP_MAX_", "0"),
        ]);
    }
}

/// <summary>The training benchmarks run in both jobs: libtorch as tuned above and as a user's process has it.</summary>
internal sealed class TrainingConfig : ManualConfig
{
    public TrainingConfig() => AddJob(PeerConfig.Job(tunedMalloc: false));
}
