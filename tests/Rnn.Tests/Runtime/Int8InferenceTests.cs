using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Tests.TestSupport;
using Xunit.Abstractions;

namespace Rnn.Tests.Runtime;

/// <summary>
/// <see cref="WeightPrecision.Int8"/> streams and sessions: the golden PyTorch cases within the documented bound of
/// float32's outputs, a stream and a session giving the same bits, every cell kind, layers and directions, and no
/// allocation per step.
/// </summary>
[Collection(AllocationCollection.Name)]
public class Int8InferenceTests(ITestOutputHelper output)
{
    /// <summary>The bound the README documents for the golden cases (|y - PyTorch float32|): max and mean.</summary>
    private const double MaxBound = 0.03, MeanBound = 0.004;

    public static IEnumerable<object[]> Cases() => GoldenCase.CasesByPath();

    public static IEnumerable<object[]> CellsAndPaths() => SessionTests.CellsAndPaths();

    [Theory]
    [MemberData(nameof(Cases))]
    public void GoldenCasesStayWithinTheDocumentedBoundOfFloat32(string caseName, KernelPath path)
    {
        GoldenCase g = GoldenCase.Load(caseName);
        using RnnModel model = RnnModel.Load(g.PathOf("weights.safetensors"), g.Cell, kernelPath: path);
        bool lstm = g.Cell == CellKind.Lstm;
        float[] x = g.Read("x.npy").Data, h0 = g.Read("h0.npy").Data;
        float[] c0 = lstm ? g.Read("c0.npy").Data : [];
        float[] y = new float[g.SeqLen * g.Batch * model.OutputSize];
        float[] hn = new float[h0.Length], cn = new float[c0.Length];
        using RnnSession session = model.CreateSession(g.SeqLen, g.Batch, WeightPrecision.Int8);
        Assert.Equal(WeightPrecision.Int8, session.Precision);
        session.Run(x, y, g.SeqLen, g.Batch, default, h0, c0, hn, lstm ? cn : default);

        float[] want = g.Read("y.npy").Data;
        double max = 0, sum = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double e = Math.Abs(y[i] - want[i]);
            max = Math.Max(max, e);
            sum += e;
        }
        double mean = sum / y.Length;
        output.WriteLine($"int8 {caseName}/{path}: max abs error {max:E2}, mean {mean:E2} over {y.Length} outputs");
        Assert.True(max <= MaxBound, $"{caseName}/{path}: int8 max abs error {max} over {MaxBound}");
        Assert.True(mean <= MeanBound, $"{caseName}/{path}: int8 mean abs error {mean} over {MeanBound}");
        Assert.True(max > 1e-5, $"{caseName}/{path}: int8 outputs within {max} of float32: the int8 weights are not in use");
        Tolerance.AssertClose(g.Read("hn.npy").Data, hn, MaxBound, 0, $"{caseName}/{path} hn");
    }

    /// <summary>
    /// A stream fed the steps one at a time and a session given the whole sequence quantize the same vectors with the
    /// same scales and dequantize in the same order: the same bits, for every cell kind, two layers, several streams.
    /// </summary>
    [Theory]
    [MemberData(nameof(CellsAndPaths))]
    public void StreamAndSessionGiveTheSameBits(CellKind cell, KernelPath path)
    {
        const int I = 13, H = 70, T = 9, B = 3;
        using RnnModel model = RnnModel.CreateRandom(cell, I, H, numLayers: 2, bidirectional: false, seed: 12, kernelPath: path);
        float[] x = ReferenceRnn.RandomFloats(T * B * I, 13, 2f);
        var fromSession = new float[T * B * H];
        using (RnnSession session = model.CreateSession(T, B, WeightPrecision.Int8))
            session.Run(x, fromSession, T, B);
        using RnnStream stream = model.CreateStream(B, WeightPrecision.Int8);
        Assert.Equal(WeightPrecision.Int8, stream.Precision);
        var step = new float[B * H];
        var exact = new float[T * B * H];
        using (RnnSession f32 = model.CreateSession(T, B)) f32.Run(x, exact, T, B);
        double drift = 0;
        for (int t = 0; t < T; t++)
        {
            stream.Step(x.AsSpan(t * B * I, B * I), step);
            Assert.Equal(fromSession.AsSpan(t * B * H, B * H).ToArray(), step);
            for (int i = 0; i < step.Length; i++) drift = Math.Max(drift, Math.Abs(step[i] - exact[t * B * H + i]));
        }
        Assert.InRange(drift, 1e-6, MaxBound);
    }

    /// <summary>A bidirectional, padded int8 session: within the bound of float32, zeros past each length.</summary>
    [Theory]
    [MemberData(nameof(CellsAndPaths))]
    public void BidirectionalPaddedSessionStaysCloseToFloat32(CellKind cell, KernelPath path)
    {
        const int I = 6, H = 33, T = 10, B = 3;
        using RnnModel model = RnnModel.CreateRandom(cell, I, H, numLayers: 2, bidirectional: true, seed: 21, kernelPath: path);
        float[] x = ReferenceRnn.RandomFloats(T * B * I, 22);
        int[] lengths = [10, 4, 1];
        float[] Run(WeightPrecision precision, bool batchFirst)
        {
            using RnnSession s = model.CreateSession(T, B, precision);
            var y = new float[T * B * model.OutputSize];
            s.Run(x, y, T, B, lengths, batchFirst: batchFirst);
            return y;
        }
        float[] int8 = Run(WeightPrecision.Int8, false), exact = Run(WeightPrecision.Float32, false);
        Tolerance.AssertClose(exact, int8, MaxBound, 0, $"{cell}/{path}");
        Assert.True(Tolerance.MaxAbsDifference(exact, int8) > 1e-5, $"{cell}/{path}: int8 outputs equal float32's, so the int8 weights are not in use");
        for (int t = lengths[2]; t < T; t++)
            for (int j = 0; j < model.OutputSize; j++) Assert.Equal(0f, int8[(t * B + 2) * model.OutputSize + j]);
        float[] exactBatchFirst = Run(WeightPrecision.Float32, true), int8BatchFirst = Run(WeightPrecision.Int8, true);
        Tolerance.AssertClose(exactBatchFirst, int8BatchFirst, MaxBound, 0, $"{cell}/{path} batch-first");
        Assert.True(Tolerance.MaxAbsDifference(exactBatchFirst, int8BatchFirst) > 1e-5, $"{cell}/{path} batch-first: int8 weights not in use");
    }

    [Theory]
    [MemberData(nameof(CellsAndPaths))]
    public void AStepAndARunAllocateNothing(CellKind cell, KernelPath path)
    {
        using RnnModel model = RnnModel.CreateRandom(cell, 24, 64, numLayers: 2, bidirectional: false, seed: 3, kernelPath: path);
        using RnnStream stream = model.CreateStream(2, WeightPrecision.Int8);
        float[] x = ReferenceRnn.RandomFloats(2 * 24, 4), y = new float[2 * 64];
        using RnnSession session = model.CreateSession(5, 2, WeightPrecision.Int8);
        float[] xs = ReferenceRnn.RandomFloats(5 * 2 * 24, 5), ys = new float[5 * 2 * 64];
        stream.Step(x, y);
        stream.StepOne(1, x.AsSpan(0, 24), y.AsSpan(0, 64));
        session.Run(xs, ys, 5, 2);
        Assert.Equal(0, AllocatedBytes.Least(() =>
        {
            for (int i = 0; i < 20; i++)
            {
                stream.Step(x, y);
                stream.StepOne(1, x.AsSpan(0, 24), y.AsSpan(0, 64));
                session.Run(xs, ys, 5, 2);
            }
        }));
    }

    [Fact]
    public void AnUndefinedPrecisionIsRefused()
    {
        using RnnModel model = RnnModel.CreateRandom(CellKind.Lstm, 3, 4, numLayers: 1, bidirectional: false, seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.CreateStream(1, (WeightPrecision)7));
        Assert.Contains("WeightPrecision", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.CreateSession(2, 1, (WeightPrecision)(-1)));
    }
}
