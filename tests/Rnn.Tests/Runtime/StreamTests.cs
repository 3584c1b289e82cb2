using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime;

[Collection(AllocationCollection.Name)]
public class StreamTests
{
    public static IEnumerable<object[]> CellsAndPaths() => SessionTests.CellsAndPaths();

    [Theory]
    [MemberData(nameof(CellsAndPaths))]
    public void StepsEqualTheWholeSequence(CellKind cell, KernelPath path)
    {
        const int I = 6, H = 33, T = 9, S = 3;
        using RnnModel model = RnnModel.CreateRandom(cell, I, H, numLayers: 2, seed: 3, kernelPath: path);
        float[] x = ReferenceRnn.RandomFloats(T * S * I, 9);
        float[] yWhole = new float[T * S * H];
        using (RnnSession session = model.CreateSession(T, S)) session.Run(x, yWhole, T, S);
        using RnnStream stream = model.CreateStream(S);
        float[] y = new float[S * H];
        for (int t = 0; t < T; t++)
        {
            stream.Step(x.AsSpan(t * S * I, S * I), y);
            Tolerance.AssertClose(yWhole.AsSpan(t * S * H, S * H), y, 1e-6, 1e-5, $"{cell}/{path} step {t}");
        }
    }

    [Fact]
    public void StepOneAndResetTouchOnlyTheirStream()
    {
        const int I = 4, H = 16;
        using RnnModel model = RnnModel.CreateRandom(CellKind.Lstm, I, H, numLayers: 2, seed: 11);
        using RnnStream all = model.CreateStream(2);
        using RnnStream single = model.CreateStream(1);
        float[] x = ReferenceRnn.RandomFloats(2 * I, 4);
        float[] yAll = new float[2 * H], ySingle = new float[H];
        all.Step(x, yAll);
        all.StepOne(1, x.AsSpan(I, I), ySingle);        // stream 1 advances alone
        single.Step(x.AsSpan(I, I), new float[H]);
        single.Step(x.AsSpan(I, I), new float[H]);
        Assert.Equal(single.Hidden(1, 0).ToArray(), all.Hidden(1, 1).ToArray());
        float[] stream0 = all.Hidden(1, 0).ToArray();
        all.Reset(1);
        Assert.All(all.Hidden(0, 1).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(all.CellState(1, 1).ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(stream0, all.Hidden(1, 0).ToArray());
    }

    [Theory]
    [InlineData(CellKind.Lstm)]
    [InlineData(CellKind.Gru)]
    [InlineData(CellKind.RnnTanh)]
    public void ThousandStepsAllocateNothing(CellKind cell)
    {
        using RnnModel model = RnnModel.CreateRandom(cell, 32, 64, numLayers: 2);
        using RnnStream stream = model.CreateStream(1);
        float[] x = ReferenceRnn.RandomFloats(32, 1), y = new float[64];
        for (int i = 0; i < 10; i++) stream.Step(x, y);
        Assert.Equal(0, AllocatedBytes.Least(() => { for (int i = 0; i < 1000; i++) stream.Step(x, y); }));
    }

    [Fact]
    public void BidirectionalModelsCannotStream()
    {
        using RnnModel model = RnnModel.CreateRandom(CellKind.Gru, 3, 4, bidirectional: true);
        var e = Assert.Throws<InvalidOperationException>(() => model.CreateStream());
        Assert.Contains("bidirectional", e.Message);
    }

    [Fact]
    public void WrongInputWidthIsRejected()
    {
        using RnnModel model = RnnModel.CreateRandom(CellKind.Lstm, 3, 4);
        using RnnStream stream = model.CreateStream(2);
        var e = Assert.Throws<ArgumentException>(() => stream.Step(new float[5], new float[8]));
        Assert.Contains("expected streams 2 x input 3", e.Message);
    }
}
