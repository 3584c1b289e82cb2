using System.Numerics.Tensors;
using Rnn.Runtime;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime;

/// <summary>The ReadOnlyTensorSpan/TensorSpan overloads: the same bits as the span + shape path, shapes checked,
/// strided views refused, nothing allocated.</summary>
[Collection(AllocationCollection.Name)]
public class TensorSpanOverloadTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SessionRunGivesTheSpanPathsBits(bool batchFirst)
    {
        using RnnModel model = RnnModel.CreateRandom(CellKind.Lstm, 5, 6, numLayers: 2, bidirectional: true, seed: 4);
        const int T = 4, B = 3;
        int O = model.OutputSize, S = model.NumLayers * model.Directions;
        float[] x = ReferenceRnn.RandomFloats(T * B * 5, 1), h0 = ReferenceRnn.RandomFloats(S * B * 6, 2), c0 = ReferenceRnn.RandomFloats(S * B * 6, 3);
        int[] lengths = [4, 2, 3];
        using RnnSession session = model.CreateSession(T, B);
        float[] y = new float[T * B * O], hn = new float[h0.Length], cn = new float[c0.Length];
        session.Run(x, y, T, B, lengths, h0, c0, hn, cn, batchFirst);

        float[] y2 = new float[y.Length], hn2 = new float[hn.Length], cn2 = new float[cn.Length];
        nint[] xShape = batchFirst ? [B, T, 5] : [T, B, 5], yShape = batchFirst ? [B, T, O] : [T, B, O], stateShape = [S, B, 6];
        session.Run(new ReadOnlyTensorSpan<float>(x, xShape), new TensorSpan<float>(y2, yShape), lengths,
            new ReadOnlyTensorSpan<float>(h0, stateShape), new ReadOnlyTensorSpan<float>(c0, stateShape),
            new TensorSpan<float>(hn2, stateShape), new TensorSpan<float>(cn2, stateShape), batchFirst);
        Assert.Equal(y, y2);
        Assert.Equal(hn, hn2);
        Assert.Equal(cn, cn2);
    }

    [Fact]
    public void StreamStepGivesTheSpanPathsBits()
    {
        using RnnModel model = RnnModel.CreateRandom(CellKind.Gru, 5, 7, seed: 2);
        using RnnStream a = model.CreateStream(3), b = model.CreateStream(3);
        float[] x = ReferenceRnn.RandomFloats(3 * 5, 1), ya = new float[3 * 7], yb = new float[3 * 7];
        for (int t = 0; t < 4; t++)
        {
            a.Step(x, ya);
            b.Step(new ReadOnlyTensorSpan<float>(x, [3, 5]), new TensorSpan<float>(yb, [3, 7]));
            Assert.Equal(ya, yb);
        }
    }

    [Fact]
    public void ShapesThatDoNotFitAreNamed()
    {
        using RnnModel model = RnnModel.CreateRandom(CellKind.Gru, 5, 7);
        using RnnStream stream = model.CreateStream(2);
        var e = Assert.Throws<ArgumentException>(() => stream.Step(new ReadOnlyTensorSpan<float>(new float[10], [5, 2]), new TensorSpan<float>(new float[14], [2, 7])));
        Assert.Contains("input has shape (5, 2), expected (streams, input) = (2, 5)", e.Message);
        e = Assert.Throws<ArgumentException>(() => stream.Step(new ReadOnlyTensorSpan<float>(new float[10], [2, 5]), new TensorSpan<float>(new float[14], [14])));
        Assert.Contains("output has shape (14,), expected (streams, hidden) = (2, 7)", e.Message);

        using RnnSession session = model.CreateSession(4, 2);
        e = Assert.Throws<ArgumentException>(() => session.Run(new ReadOnlyTensorSpan<float>(new float[40], [4, 10]), new TensorSpan<float>(new float[56], [4, 2, 7])));
        Assert.Contains("expected three dimensions", e.Message);
        e = Assert.Throws<ArgumentException>(() => session.Run(new ReadOnlyTensorSpan<float>(new float[50], [5, 2, 5]), new TensorSpan<float>(new float[70], [5, 2, 7])));
        Assert.Contains("sequence 5 and batch 2, but the session holds at most 4 and 2", e.Message);
        e = Assert.Throws<ArgumentException>(() => session.Run(new ReadOnlyTensorSpan<float>(new float[40], [4, 2, 5]), new TensorSpan<float>(new float[56], [4, 2, 7]),
            h0: new ReadOnlyTensorSpan<float>(new float[14], [2, 7])));
        Assert.Contains("h0 has shape (2, 7), expected (layers x directions, batch, hidden) = (1, 2, 7)", e.Message);
    }

    [Fact]
    public void AStridedViewIsRefused()
    {
        using RnnModel model = RnnModel.CreateRandom(CellKind.Gru, 2, 3);
        using RnnStream stream = model.CreateStream(2);
        // Columns 0..1 of a (2, 4) buffer: shape (2, 2) with row stride 4, not one contiguous run.
        var e = Assert.Throws<ArgumentException>(() => stream.Step(new ReadOnlyTensorSpan<float>(new float[8], [2, 2], [4, 1]), new TensorSpan<float>(new float[6], [2, 3])));
        Assert.Contains("is not dense", e.Message);
    }

    [Fact]
    public void TheOverloadsAllocateNothing()
    {
        using RnnModel model = RnnModel.CreateRandom(CellKind.Lstm, 8, 16);
        using RnnStream stream = model.CreateStream(2);
        using RnnSession session = model.CreateSession(5, 2);
        float[] x = ReferenceRnn.RandomFloats(16, 1), y = new float[32], xs = ReferenceRnn.RandomFloats(80, 2), ys = new float[160];
        nint[] xShape = [2, 8], yShape = [2, 16], xsShape = [5, 2, 8], ysShape = [5, 2, 16];
        // Warm past tiered compilation: the tensor-span constructors' first calls allocate once (1,464 B in a probe,
        // however many calls follow).
        for (int i = 0; i < 200; i++)
        {
            stream.Step(new ReadOnlyTensorSpan<float>(x, xShape), new TensorSpan<float>(y, yShape));
            session.Run(new ReadOnlyTensorSpan<float>(xs, xsShape), new TensorSpan<float>(ys, ysShape));
        }
        Assert.Equal(0, AllocatedBytes.Least(() =>
        {
            for (int i = 0; i < 50; i++)
            {
                stream.Step(new ReadOnlyTensorSpan<float>(x, xShape), new TensorSpan<float>(y, yShape));
                session.Run(new ReadOnlyTensorSpan<float>(xs, xsShape), new TensorSpan<float>(ys, ysShape));
            }
        }));
    }
}
