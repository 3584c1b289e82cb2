using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Cli;

public class RunCommandTests
{
    [GoldenTheory]
    [InlineData("lstm_l2_bi", "lstm")]
    [InlineData("gru_l1_uni", "gru")]
    [InlineData("rnn_relu_l2_uni", "rnn-relu")]
    public void RunWritesPyTorchsOutputs(string caseName, string cell)
    {
        GoldenCase g = GoldenCase.Load(caseName);
        using var tmp = new TempDirectory();
        var args = new List<string> { "run", "--weights", g.PathOf("weights.safetensors"), "--cell", cell,
            "--input", g.PathOf("x.npy"), "--h0", g.PathOf("h0.npy"), "--output", tmp.File("y.npy"), "--hn", tmp.File("hn.npy") };
        if (g.Cell == CellKind.Lstm) args.AddRange(["--c0", g.PathOf("c0.npy"), "--cn", tmp.File("cn.npy")]);
        var r = CliRunner.Run([.. args]);
        Assert.True(r.ExitCode == 0, r.StdErr);
        foreach (string name in g.Cell == CellKind.Lstm ? new[] { "y", "hn", "cn" } : new[] { "y", "hn" })
        {
            NpyArray expected = g.Read(name + ".npy"), actual = Npy.Read(tmp.File(name + ".npy"));
            Assert.Equal(expected.Shape, actual.Shape);
            Tolerance.AssertClose(expected.Data, actual.Data, g.ForwardAtol, g.ForwardRtol, $"{caseName} {name}");
        }
    }

    [GoldenFact]
    public void BadInputsExitWithTwoAndNameTheProblem()
    {
        GoldenCase g = GoldenCase.Load("lstm_l1_uni");
        using var tmp = new TempDirectory();
        string w = g.PathOf("weights.safetensors"), x = g.PathOf("x.npy"), y = tmp.File("y.npy");

        // A truncated weights file.
        byte[] bytes = File.ReadAllBytes(w);
        string truncated = tmp.File("truncated.safetensors");
        File.WriteAllBytes(truncated, bytes.AsSpan(0, bytes.Length - 10).ToArray());
        CliRunner.AssertFails(["run", "--weights", truncated, "--input", x, "--output", y], "truncated.safetensors");

        CliRunner.AssertFails(["run", "--weights", tmp.File("missing.safetensors"), "--input", x, "--output", y], "missing.safetensors");
        CliRunner.AssertFails(["run", "--weights", w, "--cell", "gru", "--input", x, "--output", y], "cannot be a gru");

        // An input whose feature size is not the model's.
        string wide = tmp.File("wide.npy");
        Npy.Write(wide, new float[8 * 2 * 7], [8, 2, 7]);
        CliRunner.AssertFails(["run", "--weights", w, "--input", wide, "--output", y], "input feature size 7");

        CliRunner.AssertFails(["run", "--weights", w, "--input", x, "--lengths", "9,3", "--output", y], "1..8");
        CliRunner.AssertFails(["run", "--weights", w, "--input", x, "--h0", g.PathOf("c0.npy"), "--c0", x, "--output", y], "x.npy");
        Assert.False(File.Exists(y), "nothing is written when the run fails");
    }
}
