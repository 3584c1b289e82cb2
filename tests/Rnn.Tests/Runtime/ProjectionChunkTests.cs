using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime;

/// <summary>
/// A session projects its input a chunk of steps at a time (so the gate pre-activations stay in L2 at large batches).
/// Any chunking gives the bits of one product over every step: every precision, both input layouts, both directions,
/// padded batches, and a last chunk shorter than the rest.
/// </summary>
[Collection(AllocationCollection.Name)] // one test counts allocated bytes
public class ProjectionChunkTests
{
    public static TheoryData<CellKind, WeightPrecision, bool> Cases()
    {
        var data = new TheoryData<CellKind, WeightPrecision, bool>();
        foreach (CellKind cell in new[] { CellKind.Lstm, CellKind.Gru, CellKind.RnnTanh })
            foreach (WeightPrecision precision in new[] { WeightPrecision.Float32, WeightPrecision.BFloat16, WeightPrecision.Int8 })
                foreach (bool batchFirst in new[] { false, true })
                    data.Add(cell, precision, batchFirst);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ChunkedProjectionGivesTheBitsOfOneProduct(CellKind cell, WeightPrecision precision, bool batchFirst)
    {
        const int I = 9, H = 20, L = 2, T = 11, B = 3;
        using RnnModel model = RnnModel.CreateRandom(cell, I, H, L, bidirectional: true, seed: 21);
        float[] x = ReferenceRnn.RandomFloats(T * B * I, 22, 2f);
        float[] h0 = ReferenceRnn.RandomFloats(L * 2 * B * H, 23, 0.5f);
        float[] c0 = cell == CellKind.Lstm ? ReferenceRnn.RandomFloats(L * 2 * B * H, 24, 0.5f) : [];
        int[] lengths = [11, 6, 1];
        float[] Run(int chunkSteps, out float[] hn)
        {
            using var session = new RnnSession(model, T, B, precision, chunkSteps);
            var y = new float[T * B * model.OutputSize];
            hn = new float[h0.Length];
            session.Run(x, y, T, B, lengths, h0, c0, hn, default, batchFirst);
            return y;
        }
        float[] whole = Run(T, out float[] hnWhole);
        foreach (int chunk in new[] { 1, 4 }) // 4: chunks of 4, 4 and 3 steps
        {
            Assert.Equal(whole, Run(chunk, out float[] hn));
            Assert.Equal(hnWhole, hn);
        }
        Assert.Contains(whole, v => v != 0);
    }

    /// <summary>The default chunk keeps gx within <see cref="RnnSession.ProjectionChunkBytes"/>: a batch of 64 at
    /// H = 256 (LSTM: 4 KiB of gates a row) projects 4 steps at a time (9 steps: chunks of 4, 4 and 1), gives the bits
    /// of one product and allocates nothing per run.</summary>
    [Fact]
    public void ALargeBatchRunsInChunksWithoutAllocating()
    {
        const int I = 8, H = 256, T = 9, B = 64;
        using RnnModel model = RnnModel.CreateRandom(CellKind.Lstm, I, H, seed: 2);
        float[] x = ReferenceRnn.RandomFloats(T * B * I, 3, 1f);
        var y = new float[T * B * H];
        var expected = new float[T * B * H];
        using (var whole = new RnnSession(model, T, B, WeightPrecision.Float32, T)) whole.Run(x, expected, T, B);
        using RnnSession session = model.CreateSession(T, B);
        Assert.Equal(RnnSession.ProjectionChunkBytes / (B * 4 * H * sizeof(float)), session.ProjectionChunkSteps);
        Assert.Equal(4, session.ProjectionChunkSteps);
        session.Run(x, y, T, B);
        Assert.Equal(0, AllocatedBytes.Least(() => session.Run(x, y, T, B)));
        Assert.Equal(expected, y);
    }
}
