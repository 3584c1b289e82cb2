using Rnn.Runtime;

namespace Rnn.Tests.Runtime;

/// <summary>The runtime package's exported types are the embedder's vocabulary and nothing else (at most 15; the
/// member-level baseline is PublicAPI.*.txt, enforced by the analyzer at build time).</summary>
public class PublicSurfaceTests
{
    [Fact]
    public void Runtime_exports_exactly_the_embedding_surface()
    {
        string[] exported = [.. typeof(RnnModel).Assembly.GetExportedTypes().Select(t => t.FullName!).Order(StringComparer.Ordinal)];
        string[] expected =
        [
            "Rnn.Runtime.CellKind",
            "Rnn.Runtime.IO.ITensorSource",
            "Rnn.Runtime.IO.RnnArchitecture",
            "Rnn.Runtime.IO.SafeTensorsFile",
            "Rnn.Runtime.IO.SafeTensorsWriter",
            "Rnn.Runtime.IO.TensorDictionary",
            "Rnn.Runtime.KernelPath",
            "Rnn.Runtime.Layers.Dense",
            "Rnn.Runtime.Layers.DenseActivation",
            "Rnn.Runtime.Layers.Embedding",
            "Rnn.Runtime.RnnFormatException",
            "Rnn.Runtime.RnnModel",
            "Rnn.Runtime.RnnSession",
            "Rnn.Runtime.RnnStream",
            "Rnn.Runtime.WeightPrecision",
        ];
        Assert.Equal(expected, exported);
        Assert.True(exported.Length <= 15, $"{exported.Length} exported types");
    }
}
