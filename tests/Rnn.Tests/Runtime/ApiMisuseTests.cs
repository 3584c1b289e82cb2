using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Layers;

namespace Rnn.Tests.Runtime;

/// <summary>
/// What a caller can get wrong with the public API gets a clear exception, not a crash from native memory, a
/// NullReferenceException or silently wrong numbers.
/// </summary>
public class ApiMisuseTests
{
    [Fact]
    public void ADisposedModelRefusesWorkAndSoDoItsSessionsAndStreams()
    {
        var model = RnnModel.CreateRandom(CellKind.Lstm, 4, 8);
        var stream = model.CreateStream(1);
        var session = model.CreateSession(5, 2);
        model.Dispose();
        model.Dispose(); // twice is harmless
        float[] x = new float[4], h = new float[8];
        Assert.Equal(typeof(RnnModel).FullName, Assert.Throws<ObjectDisposedException>(() => stream.Step(x, h)).ObjectName);
        Assert.Equal(typeof(RnnModel).FullName, Assert.Throws<ObjectDisposedException>(() => stream.StepOne(0, x, h)).ObjectName);
        Assert.Equal(typeof(RnnModel).FullName, Assert.Throws<ObjectDisposedException>(() => session.Run(new float[5 * 2 * 4], new float[5 * 2 * 8], 5, 2)).ObjectName);
        Assert.Throws<ObjectDisposedException>(() => model.CreateStream());
        Assert.Throws<ObjectDisposedException>(() => model.CreateSession(5));
        Assert.Throws<ObjectDisposedException>(() => model.ToStateDict());
        Assert.Throws<ObjectDisposedException>(() => model.Weights(0, 0));
        stream.Dispose();
        session.Dispose();
    }

    [Fact]
    public void ADisposedStreamRefusesItsStateAccessors()
    {
        using var model = RnnModel.CreateRandom(CellKind.Lstm, 4, 8);
        var stream = model.CreateStream(2);
        stream.Dispose();
        Assert.Throws<ObjectDisposedException>(() => stream.Reset());
        Assert.Throws<ObjectDisposedException>(() => stream.Reset(1));
        Assert.Throws<ObjectDisposedException>(() => stream.Hidden(0, 0).Length);
        Assert.Throws<ObjectDisposedException>(() => stream.CellState(0, 0).Length);
    }

    [Fact]
    public void PackedMatricesRefuseUseAfterDisposeAndOutOfRangeElements()
    {
        var packed = PackedMatrix.FromWeight(new float[16 * 64], 16, 64);
        var bf16 = new PackedMatrixBf16(new float[16 * 64], 16, 64);
        Assert.Throws<ArgumentOutOfRangeException>(() => bf16[64, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => bf16[0, 1_000_000]);
        Assert.Throws<ArgumentOutOfRangeException>(() => packed[0, 1_000_000]);
        packed.Dispose();
        bf16.Dispose();
        Assert.Throws<ObjectDisposedException>(() => packed[0, 0]);
        Assert.Throws<ObjectDisposedException>(() => packed.RepackFromWeight(new float[16 * 64]));
        Assert.Throws<ObjectDisposedException>(() => bf16[0, 0]);
        Assert.Throws<ObjectDisposedException>(() => GemvBf16.Multiply(KernelPath.Scalar, new float[64], bf16, default, new float[64]));
    }

    [Fact]
    public void OverlappingBuffersAreRefusedWhereTheyWouldGiveWrongNumbers()
    {
        using var bf16 = new PackedMatrixBf16(new float[128 * 128], 128, 128);
        float[] xy = new float[128];
        Assert.Contains("overlaps", Assert.Throws<ArgumentException>(() => GemvBf16.Multiply(KernelPaths.Default, xy, bf16, default, xy)).Message);

        // A one-layer bidirectional session re-reads its input for the reverse direction after the forward one wrote output.
        using var model = RnnModel.CreateRandom(CellKind.Gru, 8, 8, bidirectional: true);
        using var session = model.CreateSession(5, 1);
        float[] buffer = new float[5 * 16];
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => session.Run(buffer.AsSpan(0, 5 * 8), buffer, 5, 1)).ParamName);
        float[] state = new float[2 * 8];
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => session.Run(new float[5 * 8], buffer, 5, 1, h0: buffer.AsSpan(0, 16))).ParamName);
        // hn may be h0 itself.
        session.Run(new float[5 * 8], buffer, 5, 1, h0: state, hn: state);

        var dense = new Dense(new float[4 * 4], new float[4], 4, 4);
        float[] v = new float[4];
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => dense.Forward(v, v, 1)).ParamName);
    }

    [Fact]
    public void WeightsAreAskedForByAValidLayerAndDirection()
    {
        using var model = RnnModel.CreateRandom(CellKind.Gru, 4, 8, numLayers: 2);
        Assert.Equal("direction", Assert.Throws<ArgumentOutOfRangeException>(() => model.Weights(0, 1)).ParamName);
        Assert.Equal("layer", Assert.Throws<ArgumentOutOfRangeException>(() => model.Weights(2, 0)).ParamName);
        Assert.Equal(8, model.Weights(1, 0).InputSize);
    }

    [Fact]
    public void AnEmbeddingLookupChecksEveryIdBeforeWritingAndNamesTheBadOne()
    {
        var embedding = new Embedding(new float[5 * 2], 5, 2);
        float[] output = [7, 7, 7, 7, 7, 7];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => embedding.Lookup([1, 9, 2], output));
        Assert.Contains("ids[1] = 9", e.Message);
        Assert.Equal([7f, 7, 7, 7, 7, 7], output);
    }

    [Fact]
    public void SessionAndStreamSizesThatCannotBeAllocatedAreNamed()
    {
        using var model = RnnModel.CreateRandom(CellKind.Lstm, 4, 8);
        Assert.Equal("maxSequenceLength", Assert.Throws<ArgumentOutOfRangeException>(() => model.CreateSession(100_000, 100_000)).ParamName);
        Assert.Equal("streams", Assert.Throws<ArgumentOutOfRangeException>(() => model.CreateStream(int.MaxValue / 4)).ParamName);
        using var session = model.CreateSession(5, 2);
        Assert.Equal("sequenceLength", Assert.Throws<ArgumentOutOfRangeException>(() => session.Run(new float[6 * 2 * 4], new float[6 * 2 * 8], 6, 2)).ParamName);
        Assert.Equal("batch", Assert.Throws<ArgumentOutOfRangeException>(() => session.Run(new float[5 * 3 * 4], new float[5 * 3 * 8], 5, 3)).ParamName);
    }
}
