using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime;

[Collection(AllocationCollection.Name)]
public class SessionTests
{
    public static IEnumerable<object[]> CellsAndPaths()
    {
        foreach (CellKind cell in new[] { CellKind.Lstm, CellKind.Gru, CellKind.RnnTanh, CellKind.RnnRelu })
            foreach (KernelPath path in KernelPaths.Supported())
                yield return [cell, path];
    }

    [Theory]
    [MemberData(nameof(CellsAndPaths))]
    public void PaddedBatchMatchesEachSequenceAloneInDoublePrecision(CellKind cell, KernelPath path)
    {
        const int I = 5, H = 17, L = 2, T = 7, B = 3;
        int[] lengths = [7, 3, 1];
        var dict = RnnModel.RandomStateDict(cell, I, H, L, bidirectional: true, seed: 42);
        using RnnModel model = RnnModel.FromTensors(dict, cell, kernelPath: path);
        int D = 2, O = D * H;
        float[] x = ReferenceRnn.RandomFloats(T * B * I, 1);
        float[] h0 = ReferenceRnn.RandomFloats(L * D * B * H, 2, 0.5f);
        float[] c0 = cell == CellKind.Lstm ? ReferenceRnn.RandomFloats(L * D * B * H, 3, 0.5f) : [];
        float[] y = new float[T * B * O], hn = new float[h0.Length], cn = new float[c0.Length];
        using RnnSession session = model.CreateSession(T, B);
        session.Run(x, y, T, B, lengths, h0, c0, hn, cell == CellKind.Lstm ? cn : default);

        for (int b = 0; b < B; b++)
        {
            int len = lengths[b];
            float[] xb = new float[len * I];
            for (int t = 0; t < len; t++) x.AsSpan((t * B + b) * I, I).CopyTo(xb.AsSpan(t * I));
            float[] h0b = new float[L * D * H], c0b = new float[L * D * H];
            for (int s = 0; s < L * D; s++)
            {
                h0.AsSpan((s * B + b) * H, H).CopyTo(h0b.AsSpan(s * H));
                if (c0.Length > 0) c0.AsSpan((s * B + b) * H, H).CopyTo(c0b.AsSpan(s * H));
            }
            var (yRef, hnRef, cnRef) = ReferenceRnn.Forward(dict, cell, I, H, L, true, xb, len, h0b, c0b);
            for (int t = 0; t < T; t++)
                for (int j = 0; j < O; j++)
                {
                    float actual = y[(t * B + b) * O + j];
                    double expected = t < len ? yRef[t * O + j] : 0.0;
                    Assert.True(Math.Abs(actual - expected) <= 2e-6 + 1e-5 * Math.Abs(expected),
                        $"{cell}/{path} y[t={t}, b={b}, {j}] = {actual}, expected {expected}");
                }
            for (int s = 0; s < L * D; s++)
                for (int u = 0; u < H; u++)
                {
                    Assert.True(Math.Abs(hn[(s * B + b) * H + u] - hnRef[s * H + u]) <= 2e-6 + 1e-5 * Math.Abs(hnRef[s * H + u]), $"{cell}/{path} hn[{s},{b},{u}]");
                    if (cell == CellKind.Lstm)
                        Assert.True(Math.Abs(cn[(s * B + b) * H + u] - cnRef[s * H + u]) <= 2e-6 + 1e-5 * Math.Abs(cnRef[s * H + u]), $"{cell}/{path} cn[{s},{b},{u}]");
                }
        }
    }

    [Theory]
    [InlineData(CellKind.Lstm)]
    [InlineData(CellKind.Gru)]
    public void BatchFirstIsTheTransposeOfTimeMajor(CellKind cell)
    {
        const int I = 3, H = 9, T = 4, B = 2;
        using RnnModel model = RnnModel.CreateRandom(cell, I, H, numLayers: 2, bidirectional: true, seed: 7);
        float[] xTime = ReferenceRnn.RandomFloats(T * B * I, 5);
        float[] xBatch = new float[xTime.Length];
        for (int t = 0; t < T; t++)
            for (int b = 0; b < B; b++)
                xTime.AsSpan((t * B + b) * I, I).CopyTo(xBatch.AsSpan((b * T + t) * I));
        int O = model.OutputSize;
        float[] yTime = new float[T * B * O], yBatch = new float[T * B * O];
        using RnnSession session = model.CreateSession(T, B);
        session.Run(xTime, yTime, T, B);
        session.Run(xBatch, yBatch, T, B, batchFirst: true);
        for (int t = 0; t < T; t++)
            for (int b = 0; b < B; b++)
                Assert.Equal(yTime.AsSpan((t * B + b) * O, O).ToArray(), yBatch.AsSpan((b * T + t) * O, O).ToArray());
    }

    [Fact]
    public void PathsAgreeOnOddSizes()
    {
        foreach (int size in new[] { 1, 3, 17, 33, 129 })
            foreach (CellKind cell in new[] { CellKind.Lstm, CellKind.Gru, CellKind.RnnTanh })
            {
                int T = 5, B = size == 129 ? 2 : 3;
                var dict = RnnModel.RandomStateDict(cell, size, size, 2, false, (ulong)size);
                float[] x = ReferenceRnn.RandomFloats(T * B * size, size);
                float[]? first = null;
                foreach (KernelPath path in KernelPaths.Supported())
                {
                    using RnnModel model = RnnModel.FromTensors(dict, cell, kernelPath: path);
                    using RnnSession session = model.CreateSession(T, B);
                    float[] y = new float[T * B * size];
                    session.Run(x, y, T, B);
                    if (first is null) first = y;
                    else Tolerance.AssertClose(first, y, 1e-6, 1e-5, $"{cell} size {size} path {path} vs scalar");
                }
            }
    }

    /// <summary>A session for one sequence reads W_hh in the grouped layout (a streaming GRU of one stream W_ih too);
    /// one with room for more keeps the panel layout. Both must give the same bits.</summary>
    [Theory]
    [MemberData(nameof(CellsAndPaths))]
    public void BatchOneLayoutsGiveTheSameBits(CellKind cell, KernelPath path)
    {
        const int I = 20, H = 150, T = 6; // 150: two groups, the second partial, and a partial last panel
        using RnnModel model = RnnModel.CreateRandom(cell, I, H, numLayers: 2, bidirectional: true, seed: 11, kernelPath: path);
        float[] x = ReferenceRnn.RandomFloats(T * I, 12);
        float[] yOne = new float[T * model.OutputSize], yWide = new float[yOne.Length];
        using (RnnSession one = model.CreateSession(T, maxBatch: 1)) one.Run(x, yOne, T, 1);
        using (RnnSession wide = model.CreateSession(T, maxBatch: 2)) wide.Run(x, yWide, T, 1);
        Assert.Equal(yWide, yOne);

        using RnnModel forward = RnnModel.CreateRandom(cell, I, H, numLayers: 2, seed: 11, kernelPath: path);
        using RnnStream single = forward.CreateStream(1);
        using RnnStream pair = forward.CreateStream(2);
        float[] hSingle = new float[H], hPair = new float[H];
        for (int t = 0; t < T; t++)
        {
            single.Step(x.AsSpan(t * I, I), hSingle);
            pair.StepOne(1, x.AsSpan(t * I, I), hPair);
            Assert.Equal(hPair, hSingle);
        }
    }

    [Fact]
    public void WholeSequenceRunAllocatesNothingOnceWarm()
    {
        using RnnModel model = RnnModel.CreateRandom(CellKind.Lstm, 16, 32, numLayers: 2, bidirectional: true);
        const int T = 10, B = 4;
        float[] x = ReferenceRnn.RandomFloats(T * B * 16, 1), y = new float[T * B * model.OutputSize];
        float[] hn = new float[2 * 2 * B * 32], cn = new float[hn.Length];
        int[] lengths = [10, 9, 3, 1];
        using RnnSession session = model.CreateSession(T, B);
        session.Run(x, y, T, B, lengths, hn: hn, cn: cn);
        Assert.Equal(0, AllocatedBytes.Least(() => { for (int i = 0; i < 50; i++) session.Run(x, y, T, B, lengths, hn: hn, cn: cn); }));
    }

    [Fact]
    public void BadArgumentsAreRejectedWithTheirSizes()
    {
        using RnnModel model = RnnModel.CreateRandom(CellKind.Gru, 4, 8);
        using RnnSession session = model.CreateSession(5, 2);
        float[] y = new float[5 * 2 * 8];
        var e1 = Assert.Throws<ArgumentException>(() => session.Run(new float[5 * 2 * 3], y, 5, 2));
        Assert.Contains("expected seq 5 x batch 2 x input 4", e1.Message);
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => session.Run(new float[6 * 2 * 4], new float[6 * 2 * 8], 6, 2));
        Assert.Contains("1..5", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => session.Run(new float[5 * 2 * 4], y, 5, 2, lengths: new[] { 5, 6 }));
        Assert.Contains("lengths[1] = 6", e3.Message);
        var e4 = Assert.Throws<ArgumentException>(() => session.Run(new float[5 * 2 * 4], y, 5, 2, c0: new float[16]));
        Assert.Contains("no cell state", e4.Message);
        var e5 = Assert.Throws<ArgumentException>(() => session.Run(new float[5 * 2 * 4], y, 5, 2, h0: new float[3]));
        Assert.Contains("h0 has 3 floats", e5.Message);
    }
}
