using System.Runtime.Intrinsics;
using System.Text.Json;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Cli;

public class BenchCommandTests
{
    [Fact]
    public void JsonReportsMedianP99AndZeroAllocation()
    {
        var r = CliRunner.Run("bench", "--cell", "gru", "--hidden", "64", "--steps", "200", "--json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        JsonElement j = doc.RootElement;
        Assert.True(j.GetProperty("median_us").GetDouble() > 0);
        Assert.True(j.GetProperty("p99_us").GetDouble() >= j.GetProperty("median_us").GetDouble());
        Assert.Equal(0, j.GetProperty("alloc_bytes_per_step").GetDouble());
        Assert.Equal("gru", j.GetProperty("cell").GetString());
    }

    /// <summary>The start-up choice follows what the JIT accelerates: lowering the ISA lowers the path.</summary>
    [Theory]
    [InlineData("DOTNET_EnableAVX512", "Vector256")]
    [InlineData("DOTNET_EnableAVX2", "Vector128")]
    [InlineData("DOTNET_EnableHWIntrinsic", "Scalar")]
    public void KernelPathFollowsTheHardwareTheJitAllows(string variable, string expected)
    {
        if (expected == "Vector256" && !Vector256.IsHardwareAccelerated) return; // nothing to lower to on this machine
        if (expected == "Vector128" && !Vector256.IsHardwareAccelerated) return;
        var env = new Dictionary<string, string> { [variable] = "0" };
        var r = CliRunner.Run(env, "bench", "--cell", "lstm", "--hidden", "33", "--steps", "50", "--json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        Assert.Equal(expected, doc.RootElement.GetProperty("kernel").GetString());
    }

    [Theory]
    [InlineData("--hidden", "0")]
    [InlineData("--cell", "transformer")]
    [InlineData("--steps", "-5")]
    [InlineData("--kernel", "avx9000")]
    [InlineData("--hidden", "2000000000")]
    [InlineData("--batch", "2000000000")]
    public void BadOptionsExitWithTwoAndOneLine(string option, string value) => CliRunner.AssertFails(["bench", option, value], option);

    [Fact]
    public void AnInputSizeThatDisagreesWithTheWeightsIsRefused()
    {
        using var tmp = new TempDirectory();
        string weights = tmp.File("gru.safetensors");
        var writer = new SafeTensorsWriter();
        writer.AddAll(RnnModel.RandomStateDict(CellKind.Gru, 3, 8));
        writer.Save(weights);
        CliRunner.AssertFails(["bench", "--weights", weights, "--input", "7", "--steps", "10"], "--input 7");
        var same = CliRunner.Run("bench", "--weights", weights, "--input", "3", "--steps", "10", "--json");
        Assert.True(same.ExitCode == 0, same.StdErr);
    }

    [Fact]
    public void AnInvalidKernelEnvironmentVariableIsNamedWhileExplicitPathsStillRun()
    {
        var env = new Dictionary<string, string> { ["RNN_KERNEL_PATH"] = "avx" };
        var bad = CliRunner.Run(env, "bench", "--hidden", "16", "--steps", "10");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("RNN_KERNEL_PATH='avx'", bad.StdErr);
        var explicitPath = CliRunner.Run(env, "bench", "--hidden", "16", "--steps", "10", "--kernel", "scalar", "--json");
        Assert.True(explicitPath.ExitCode == 0, explicitPath.StdErr);
    }
}
