using Rnn.Training.Parameters;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Runtime.Kernels;
using Rnn.Tests.TestSupport;
using Rnn.Training;
using Rnn.Training.Recurrent;

namespace Rnn.Tests.Training.Recurrent;

/// <summary>
/// Every recurrent case PyTorch produced in tests/golden, on every kernel path: the forward outputs, and the
/// gradients of loss = Σ y·r_y + Σ hn·r_hn [+ Σ cn·r_cn] w.r.t. the input, the initial states and every parameter.
/// </summary>
public class RecurrentStackTrainerGoldenTests
{
    public static IEnumerable<object[]> Cases() => GoldenCase.CasesByPath();

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndGradientsMatchPyTorch(string caseName, KernelPath path)
    {
        GoldenCase g = GoldenCase.Load(caseName);
        var arch = new RnnArchitecture(g.Cell, g.InputSize, g.HiddenSize, g.NumLayers, g.Bidirectional, true, "");
        using var trainer = new RecurrentStackTrainer(arch, g.SeqLen, g.Batch, path);
        using (SafeTensorsFile weights = SafeTensorsFile.Open(g.PathOf("weights.safetensors")))
            trainer.LoadFrom(weights);

        bool lstm = g.Cell == CellKind.Lstm;
        float[] x = g.Read("x.npy").Data, h0 = g.Read("h0.npy").Data;
        float[] c0 = lstm ? g.Read("c0.npy").Data : [];
        float[] y = new float[g.SeqLen * g.Batch * trainer.OutputSize];
        float[] hn = new float[h0.Length], cn = new float[c0.Length];
        trainer.Forward(x, y, g.SeqLen, g.Batch, default, h0, c0, hn, lstm ? cn : default);
        string at = $"{caseName}/{path}";
        Tolerance.AssertClose(g.Read("y.npy").Data, y, g.ForwardAtol, g.ForwardRtol, $"{at} y");
        Tolerance.AssertClose(g.Read("hn.npy").Data, hn, g.ForwardAtol, g.ForwardRtol, $"{at} hn");
        if (lstm) Tolerance.AssertClose(g.Read("cn.npy").Data, cn, g.ForwardAtol, g.ForwardRtol, $"{at} cn");

        foreach (Parameter p in trainer.Parameters) p.ZeroGrad();
        float[] ry = g.Read("r_y.npy").Data, rhn = g.Read("r_hn.npy").Data;
        float[] rcn = lstm ? g.Read("r_cn.npy").Data : [];
        float[] dx = new float[x.Length], dh0 = new float[h0.Length], dc0 = new float[c0.Length];
        trainer.Backward(ry, rhn, rcn, dx, dh0, lstm ? dc0 : default);
        Tolerance.AssertClose(g.Read("d_x.npy").Data, dx, g.GradAtol, g.GradRtol, $"{at} d_x");
        Tolerance.AssertClose(g.Read("d_h0.npy").Data, dh0, g.GradAtol, g.GradRtol, $"{at} d_h0");
        if (lstm) Tolerance.AssertClose(g.Read("d_c0.npy").Data, dc0, g.GradAtol, g.GradRtol, $"{at} d_c0");

        using SafeTensorsFile grads = SafeTensorsFile.Open(g.PathOf("grads.safetensors"));
        Assert.Equal(trainer.Parameters.Count, grads.Names.Count);
        foreach (Parameter p in trainer.Parameters)
        {
            Assert.True(grads.TryGetShape(p.Name, out int[] shape), $"{at}: grads.safetensors has no '{p.Name}'");
            Assert.Equal(p.Shape, shape);
            var expected = new float[p.Length];
            grads.Read(p.Name, expected);
            Tolerance.AssertClose(expected, p.Grad, g.GradAtol, g.GradRtol, $"{at} grad {p.Name}");
        }
    }
}
