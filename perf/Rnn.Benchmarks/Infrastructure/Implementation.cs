using Rnn.Benchmarks.Ours;
using Rnn.Benchmarks.Peers;

namespace Rnn.Benchmarks.Infrastructure;

/// <summary>The implementations compared side by side in one run.</summary>
internal enum Implementation
{
    Ours,
    OnnxRuntime,
    TorchSharp,
}

internal static class Runners
{
    public static IStepRunner CreateStep(Implementation impl, RnnWeights w, int batch = 1) => impl switch
    {
        Implementation.Ours => new OurStepRunner(w, batch),
        Implementation.OnnxRuntime => new OnnxRuntimeStepRunner(w, batch),
        Implementation.TorchSharp => new TorchSharpStepRunner(w, batch),
        _ => throw new ArgumentOutOfRangeException(nameof(impl)),
    };

    public static ISequenceRunner CreateSequence(Implementation impl, RnnWeights w, int sequenceLength, int batch) => impl switch
    {
        Implementation.Ours => new OurSequenceRunner(w, sequenceLength, batch),
        Implementation.OnnxRuntime => new OnnxRuntimeSequenceRunner(w, sequenceLength, batch),
        Implementation.TorchSharp => new TorchSharpSequenceRunner(w, sequenceLength, batch),
        _ => throw new ArgumentOutOfRangeException(nameof(impl)),
    };
}
