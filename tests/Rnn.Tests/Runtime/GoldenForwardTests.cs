using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime;

/// <summary>Every recurrent case PyTorch produced in tests/golden, forward pass, on every kernel path.</summary>
public class GoldenForwardTests
{
    public static IEnumerable<object[]> Cases() => GoldenCase.CasesByPath();

    /// <summary>Streaming is unidirectional by definition; the bidirectional cases are the session test's.</summary>
    public static IEnumerable<object[]> UnidirectionalCases() => GoldenCase.UnidirectionalCasesByPath();

    [Theory]
    [MemberData(nameof(Cases))]
    public void SessionMatchesPyTorch(string caseName, KernelPath path)
    {
        GoldenCase g = GoldenCase.Load(caseName);
        using RnnModel model = RnnModel.Load(g.PathOf("weights.safetensors"), g.Cell, kernelPath: path);
        Assert.Equal(g.Cell, model.Cell);
        Assert.Equal(g.NumLayers, model.NumLayers);
        Assert.Equal(g.Bidirectional, model.Bidirectional);
        Assert.Equal(g.HiddenSize, model.HiddenSize);
        Assert.Equal(g.InputSize, model.InputSize);

        bool lstm = g.Cell == CellKind.Lstm;
        float[] x = g.Read("x.npy").Data, h0 = g.Read("h0.npy").Data;
        float[] c0 = lstm ? g.Read("c0.npy").Data : [];
        float[] y = new float[g.SeqLen * g.Batch * model.OutputSize];
        float[] hn = new float[h0.Length], cn = new float[c0.Length];
        using RnnSession session = model.CreateSession(g.SeqLen, g.Batch);
        session.Run(x, y, g.SeqLen, g.Batch, default, h0, c0, hn, lstm ? cn : default);

        Tolerance.AssertClose(g.Read("y.npy").Data, y, g.ForwardAtol, g.ForwardRtol, $"{caseName}/{path} y");
        Tolerance.AssertClose(g.Read("hn.npy").Data, hn, g.ForwardAtol, g.ForwardRtol, $"{caseName}/{path} hn");
        if (lstm) Tolerance.AssertClose(g.Read("cn.npy").Data, cn, g.ForwardAtol, g.ForwardRtol, $"{caseName}/{path} cn");
    }

    [Theory]
    [MemberData(nameof(UnidirectionalCases))]
    public void StreamMatchesPyTorchForUnidirectionalCases(string caseName, KernelPath path)
    {
        GoldenCase g = GoldenCase.Load(caseName);
        Assert.False(g.Bidirectional);
        using RnnModel model = RnnModel.Load(g.PathOf("weights.safetensors"), g.Cell, kernelPath: path);
        bool lstm = g.Cell == CellKind.Lstm;
        float[] x = g.Read("x.npy").Data, h0 = g.Read("h0.npy").Data;
        float[] c0 = lstm ? g.Read("c0.npy").Data : [];
        float[] expectedY = g.Read("y.npy").Data;
        int B = g.Batch, H = g.HiddenSize, I = g.InputSize;

        using RnnStream stream = model.CreateStream(B);
        for (int l = 0; l < g.NumLayers; l++)
            for (int b = 0; b < B; b++)
            {
                h0.AsSpan((l * B + b) * H, H).CopyTo(stream.Hidden(l, b));
                if (lstm) c0.AsSpan((l * B + b) * H, H).CopyTo(stream.CellState(l, b));
            }
        float[] y = new float[B * H];
        for (int t = 0; t < g.SeqLen; t++)
        {
            stream.Step(x.AsSpan(t * B * I, B * I), y);
            Tolerance.AssertClose(expectedY.AsSpan(t * B * H, B * H), y, g.ForwardAtol, g.ForwardRtol, $"{caseName}/{path} y[{t}]");
        }
    }
}
