using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Cli;

public class GradCommandTests
{
    [Theory]
    [InlineData("lstm_l2_bi", "lstm")]
    [InlineData("gru_l2_uni", "gru")]
    [InlineData("rnn_tanh_l1_bi", "rnn-tanh")]
    public void GradWritesPyTorchsGradients(string caseName, string cell)
    {
        GoldenCase g = GoldenCase.Load(caseName);
        using var tmp = new TempDirectory();
        bool lstm = g.Cell == CellKind.Lstm;
        var args = new List<string> { "grad", "--weights", g.PathOf("weights.safetensors"), "--cell", cell, "--input", g.PathOf("x.npy"),
            "--h0", g.PathOf("h0.npy"), "--dy", g.PathOf("r_y.npy"), "--dhn", g.PathOf("r_hn.npy"), "--out", tmp.Path };
        if (lstm) args.AddRange(["--c0", g.PathOf("c0.npy"), "--dcn", g.PathOf("r_cn.npy")]);
        var r = CliRunner.Run([.. args]);
        Assert.True(r.ExitCode == 0, r.StdErr);
        foreach (string name in lstm ? new[] { "d_x", "d_h0", "d_c0" } : new[] { "d_x", "d_h0" })
            Tolerance.AssertClose(g.Read(name + ".npy").Data, Npy.Read(tmp.File(name + ".npy")).Data, g.GradAtol, g.GradRtol, $"{caseName} {name}");
        using var expected = SafeTensorsFile.Open(g.PathOf("grads.safetensors"));
        using var actual = SafeTensorsFile.Open(tmp.File("grads.safetensors"));
        Assert.Equal(expected.Names.OrderBy(n => n), actual.Names.OrderBy(n => n));
        foreach (string name in expected.Names)
            Tolerance.AssertClose(expected.ReadFloat32(name), actual.ReadFloat32(name), g.GradAtol, g.GradRtol, $"{caseName} {name}");
    }

    [Fact]
    public void AWrongGradientShapeIsNamed()
    {
        GoldenCase g = GoldenCase.Load("gru_l1_uni");
        using var tmp = new TempDirectory();
        var r = CliRunner.Run("grad", "--weights", g.PathOf("weights.safetensors"), "--input", g.PathOf("x.npy"),
            "--dy", g.PathOf("x.npy"), "--out", tmp.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("dy has shape", r.StdErr);
    }

    [Fact]
    public void AnOutputFolderThatCannotTakeEveryFileFailsBeforeWritingAny()
    {
        using var tmp = new TempDirectory();
        string weights = tmp.File("gru.safetensors"), x = tmp.File("x.npy"), dy = tmp.File("dy.npy"), outDir = tmp.File("grads");
        var writer = new SafeTensorsWriter();
        writer.AddAll(RnnModel.RandomStateDict(CellKind.Gru, 3, 4));
        writer.Save(weights);
        Npy.Write(x, new float[5 * 2 * 3], [5, 2, 3]);
        Npy.Write(dy, new float[5 * 2 * 4], [5, 2, 4]);

        CliRunner.AssertFails(["grad", "--weights", weights, "--input", x, "--dy", dy, "--out", x], "--out");
        Directory.CreateDirectory(Path.Combine(outDir, "grads.safetensors"));
        CliRunner.AssertFails(["grad", "--weights", weights, "--input", x, "--dy", dy, "--out", outDir], "grads.safetensors");
        Assert.False(File.Exists(Path.Combine(outDir, "d_x.npy")), "no file is written when one of them cannot be");
    }
}
