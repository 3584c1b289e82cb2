using Rnn.Benchmarks.Infrastructure;

namespace Rnn.Benchmarks.Peers;

/// <summary>The peers as --verify checks them, beside ours.</summary>
internal static class PeerImplementations
{
    public static Implementation OnnxRuntime { get; } = new("OnnxRuntime", IsOurs: false,
        (w, batch) => new OnnxRuntimeStepRunner(w, batch),
        (w, steps, batch) => new OnnxRuntimeSequenceRunner(w, steps, batch));

    public static Implementation TorchSharp { get; } = new("TorchSharp", IsOurs: false,
        (w, batch) => new TorchSharpStepRunner(w, batch),
        (w, steps, batch) => new TorchSharpSequenceRunner(w, steps, batch));

    public static Implementation[] All { get; } = [Implementation.Ours, OnnxRuntime, TorchSharp];
}
