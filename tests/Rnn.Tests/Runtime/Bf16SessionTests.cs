using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime;

[Collection(AllocationCollection.Name)]
public class Bf16SessionTests
{
    public static IEnumerable<object[]> CellsAndPaths() => SessionTests.CellsAndPaths();

    /// <summary>
    /// A bfloat16 session computes what a float32 session computes with W_hh rounded to bfloat16 (up to summation
    /// order), and nothing else is rounded: W_ih, the biases and every sum stay float32.
    /// </summary>
    [Theory]
    [MemberData(nameof(CellsAndPaths))]
    public void EqualsFloat32WithRoundedRecurrentWeights(CellKind cell, KernelPath path)
    {
        const int I = 7, H = 40, T = 12, B = 3;
        using RnnModel model = RnnModel.CreateRandom(cell, I, H, numLayers: 2, bidirectional: true, seed: 6, kernelPath: path);
        using RnnModel roundedModel = Bf16Rounding.RoundedModel(model, "weight_hh", path);

        float[] x = ReferenceRnn.RandomFloats(T * B * I, 7);
        int[] lengths = [12, 5, 1];
        int state = 2 * 2 * B * H;
        float[] h0 = ReferenceRnn.RandomFloats(state, 8), c0 = ReferenceRnn.RandomFloats(state, 9);
        bool lstm = cell == CellKind.Lstm;
        (float[] y, float[] hn, float[] cn) Run(RnnModel m, WeightPrecision precision)
        {
            using RnnSession session = m.CreateSession(T, B, precision);
            Assert.Equal(precision, session.Precision);
            float[] y = new float[T * B * m.OutputSize], hn = new float[state], cn = lstm ? new float[state] : [];
            session.Run(x, y, T, B, lengths, h0, lstm ? c0 : default, hn, lstm ? cn : default);
            return (y, hn, cn);
        }

        var half = Run(model, WeightPrecision.BFloat16);
        var expected = Run(roundedModel, WeightPrecision.Float32);
        var exact = Run(model, WeightPrecision.Float32);
        string at = $"{cell}/{path}";
        Tolerance.AssertClose(expected.y, half.y, 1e-5, 1e-5, at + " y");
        Tolerance.AssertClose(expected.hn, half.hn, 1e-5, 1e-5, at + " hn");
        if (lstm) Tolerance.AssertClose(expected.cn, half.cn, 1e-5, 1e-5, at + " cn");
        double drift = 0;
        for (int i = 0; i < exact.y.Length; i++) drift = Math.Max(drift, Math.Abs(exact.y[i] - half.y[i]));
        Assert.True(drift > 1e-5, $"{at}: bf16 outputs are within {drift} of float32's: the rounded weights are not in use");
        Assert.True(drift < 2e-2, $"{at}: bf16 outputs drift {drift} from float32's");
        // Past each sequence's length the outputs stay zero, as in float32.
        for (int t = lengths[2]; t < T; t++)
            for (int j = 0; j < model.OutputSize; j++) Assert.Equal(0f, half.y[(t * B + 2) * model.OutputSize + j]);
    }

    /// <summary>
    /// From <see cref="RnnSession.Bf16GemmBatch"/> rows on, a bfloat16 session's recurrence is the float32 GEMM over
    /// the rounded W_hh, so it gives exactly the bits of a float32 session of the rounded model; below, the bfloat16
    /// kernel's own summation order (within the bound above). A reset-first GRU keeps the bfloat16 kernel.
    /// </summary>
    [Theory]
    [MemberData(nameof(CellsAndPaths))]
    public void BatchedSessionsGiveTheBitsOfFloat32WithRoundedRecurrentWeights(CellKind cell, KernelPath path)
    {
        const int I = 6, H = 33, T = 7;
        using RnnModel model = RnnModel.CreateRandom(cell, I, H, numLayers: 2, bidirectional: true, seed: 16, kernelPath: path);
        using RnnModel roundedModel = Bf16Rounding.RoundedModel(model, "weight_hh", path);
        foreach (int batch in new[] { RnnSession.Bf16GemmBatch - 1, RnnSession.Bf16GemmBatch, 8 })
        {
            float[] x = ReferenceRnn.RandomFloats(T * batch * I, 17);
            int[] lengths = new int[batch];
            for (int b = 0; b < batch; b++) lengths[b] = T - b % T;
            float[] Run(RnnModel m, WeightPrecision precision)
            {
                using RnnSession session = m.CreateSession(T, batch, precision);
                var y = new float[T * batch * m.OutputSize];
                session.Run(x, y, T, batch, lengths);
                return y;
            }
            float[] half = Run(model, WeightPrecision.BFloat16), expected = Run(roundedModel, WeightPrecision.Float32);
            if (batch >= RnnSession.Bf16GemmBatch) Assert.Equal(expected, half);
            else Tolerance.AssertClose(expected, half, 1e-5, 1e-5, $"{cell}/{path} batch {batch}");
        }
    }

    [Fact]
    public void RepeatedRunsAllocateNothing()
    {
        using RnnModel model = RnnModel.CreateRandom(CellKind.Gru, 16, 32, numLayers: 2);
        const int T = 10, B = 2;
        float[] x = ReferenceRnn.RandomFloats(T * B * 16, 1), y = new float[T * B * model.OutputSize];
        using RnnSession session = model.CreateSession(T, B, WeightPrecision.BFloat16);
        session.Run(x, y, T, B);
        Assert.Equal(0, AllocatedBytes.Least(() => { for (int i = 0; i < 50; i++) session.Run(x, y, T, B); }));
    }
}
