using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Cli;

public class QuantizeCommandTests
{
    /// <summary>`rnn quantize` writes an int8 file that `rnn run --precision int8` runs with the float file's int8 bits,
    /// about a quarter of the size; every other tensor and the metadata come along.</summary>
    [Fact]
    public void QuantizeWritesAFileThatRunsWithTheFloatModelsInt8Bits()
    {
        using var tmp = new TempDirectory();
        string weights = tmp.File("lstm.safetensors"), int8 = tmp.File("lstm.int8.safetensors"), x = tmp.File("x.npy");
        var writer = new SafeTensorsWriter();
        writer.AddAll(RnnModel.RandomStateDict(CellKind.Lstm, 24, 64, numLayers: 2, seed: 3));
        writer.Add("head.weight", [5, 64], new float[5 * 64]); // not the recurrent module's: copied as float
        writer.Metadata["format"] = "pt";
        writer.Save(weights);
        Npy.Write(x, ReferenceRnn.RandomFloats(7 * 2 * 24, 5, 1f), [7, 2, 24]);

        var r = CliRunner.Run("quantize", "--weights", weights, "--out", int8);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("2-layer lstm (input 24, hidden 64): 4 weights quantized to int8", r.StdOut);
        Assert.InRange(new FileInfo(int8).Length, 1, new FileInfo(weights).Length * 0.35);
        using (SafeTensorsFile file = SafeTensorsFile.Open(int8))
        {
            Assert.Equal("I8", file.GetDType("weight_ih_l1"));
            Assert.Equal("F32", file.GetDType("head.weight"));
            Assert.Equal("pt", file.Metadata["format"]);
        }

        foreach (var (model, y) in new[] { (weights, "y.npy"), (int8, "y8.npy") })
        {
            var run = CliRunner.Run("run", "--weights", model, "--input", x, "--output", tmp.File(y), "--precision", "int8");
            Assert.True(run.ExitCode == 0, run.StdErr);
        }
        Assert.Equal(Npy.Read(tmp.File("y.npy")).Data, Npy.Read(tmp.File("y8.npy")).Data);
    }

    [Fact]
    public void QuantizeRefusesWhatItCannotQuantize()
    {
        using var tmp = new TempDirectory();
        string onnx = tmp.File("m.onnx"), outPath = tmp.File("out.safetensors");
        File.WriteAllBytes(onnx, [8, 7]);
        CliRunner.AssertFails(["quantize", "--weights", onnx, "--out", outPath], "safetensors state_dict");
        string checkpoint = tmp.File("ckpt.safetensors");
        var writer = new SafeTensorsWriter();
        writer.AddAll(RnnModel.RandomStateDict(CellKind.Gru, 3, 4));
        writer.Metadata["rnn.workload"] = "charlm";
        writer.Save(checkpoint);
        CliRunner.AssertFails(["quantize", "--weights", checkpoint, "--out", outPath], "--precision int8");
        string notAModel = tmp.File("other.safetensors");
        var other = new SafeTensorsWriter();
        other.Add("embedding.weight", [3, 2], new float[6]);
        other.Save(notAModel);
        CliRunner.AssertFails(["quantize", "--weights", notAModel, "--out", outPath], "weight_ih_l0");
        Assert.False(File.Exists(outPath));
    }
}
