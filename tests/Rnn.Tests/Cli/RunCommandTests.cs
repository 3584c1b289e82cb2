using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Cli;

public class RunCommandTests
{
    [Theory]
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

    [Fact]
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

    [Fact]
    public void AnOutputThatCannotBeWrittenFailsBeforeAnyOutputIsReplaced()
    {
        using var tmp = new TempDirectory();
        string weights = tmp.File("lstm.safetensors"), x = tmp.File("x.npy"), y = tmp.File("y.npy");
        var writer = new SafeTensorsWriter();
        writer.AddAll(RnnModel.RandomStateDict(CellKind.Lstm, 3, 4));
        writer.Save(weights);
        Npy.Write(x, new float[5 * 2 * 3], [5, 2, 3]);
        File.WriteAllBytes(y, [7, 7, 7]);

        CliRunner.AssertFails(["run", "--weights", weights, "--input", x, "--output", y, "--hn", tmp.File("nowhere/hn.npy")], "--hn");
        CliRunner.AssertFails(["run", "--weights", weights, "--input", x, "--output", y, "--cn", tmp.Path], "--cn");
        CliRunner.AssertFails(["run", "--weights", weights, "--input", x, "--output", tmp.File("nowhere/y.npy")], "--output");
        CliRunner.AssertFails(["run", "--weights", weights, "--input", tmp.Path, "--output", y], "is a folder");
        Assert.Equal([7, 7, 7], File.ReadAllBytes(y));
        Assert.Empty(Directory.GetFiles(tmp.Path, "*.tmp-*"));

        // An empty sequence or batch is named as such, not reported from inside the session.
        foreach (int[] shape in new[] { new[] { 0, 2, 3 }, new[] { 5, 0, 3 } })
        {
            string empty = tmp.File($"empty{shape[0]}.npy");
            Npy.Write(empty, [], shape);
            CliRunner.AssertFails(["run", "--weights", weights, "--input", empty, "--output", y], $"empty{shape[0]}.npy");
        }
        Assert.Equal([7, 7, 7], File.ReadAllBytes(y));
    }
}
