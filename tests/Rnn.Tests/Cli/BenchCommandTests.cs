using System.Runtime.Intrinsics;
using System.Text.Json;
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
    [InlineData("DOTNET_EnableHWIntrinsic", "Scalar")]
    public void KernelPathFollowsTheHardwareTheJitAllows(string variable, string expected)
    {
        if (expected == "Vector256" && !Vector256.IsHardwareAccelerated) return; // nothing to lower to on this machine
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
    public void BadOptionsExitWithTwoAndOneLine(string option, string value) => CliRunner.AssertFails(["bench", option, value], option);
}
