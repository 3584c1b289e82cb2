using System.Text.Json;
using Rnn.Runtime.IO;
using Rnn.Runtime.Kernels.Int8;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Cli;

/// <summary>--precision on run and bench; RNN_INT8_KERNEL runs a whole int8 model on each kernel this machine has.</summary>
public class PrecisionOptionTests
{
    /// <summary>
    /// A whole bidirectional two-layer int8 run on every int8 kernel (forced in a child process) writes the same bytes,
    /// within the documented bound of PyTorch's float32 outputs.
    /// </summary>
    [Fact]
    public void Int8RunGivesTheSameBytesOnEveryKernel()
    {
        GoldenCase g = GoldenCase.Load("lstm_l2_bi");
        using var tmp = new TempDirectory();
        byte[]? first = null;
        string? firstKernel = null;
        foreach (Int8Kernel kernel in Int8Kernels.Supported())
        {
            string y = tmp.File($"y-{kernel}.npy");
            var env = new Dictionary<string, string> { [Int8Kernels.EnvironmentVariable] = Int8Kernels.Name(kernel) };
            var r = CliRunner.Run(env, "run", "--weights", g.PathOf("weights.safetensors"), "--input", g.PathOf("x.npy"),
                "--h0", g.PathOf("h0.npy"), "--c0", g.PathOf("c0.npy"), "--output", y, "--precision", "int8");
            Assert.True(r.ExitCode == 0, $"{kernel}: {r.StdErr}");
            byte[] bytes = File.ReadAllBytes(y);
            if (first is null) { first = bytes; firstKernel = kernel.ToString(); }
            else Assert.True(first.AsSpan().SequenceEqual(bytes), $"{kernel} wrote other bytes than {firstKernel}");
            float[] expected = g.Read("y.npy").Data, actual = Npy.Read(y).Data;
            Tolerance.AssertClose(expected, actual, 0.03, 0, $"int8 {kernel}");
            // float32 lands within 1e-7 of PyTorch here, int8 about 8e-4 away: the weights must have been quantized.
            Assert.True(Tolerance.MaxAbsDifference(expected, actual) > 2e-5, $"{kernel}: int8 outputs equal float32's");
        }
    }

    /// <summary>An int8 run names the integer kernel it ran, and RNN_INT8_KERNEL chooses it.</summary>
    [Fact]
    public void Int8RunsNameTheirIntegerKernel()
    {
        var r = CliRunner.Run("bench", "--hidden", "40", "--steps", "50", "--precision", "int8", "--json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using (var doc = JsonDocument.Parse(r.StdOut))
        {
            // The dot-product instructions win wherever the CPU has them; elsewhere, the runtime's own ranking.
            string? named = doc.RootElement.GetProperty("int8_kernel").GetString();
            if (System.Runtime.Intrinsics.X86.AvxVnni.IsSupported) Assert.Equal("avxvnni", named);
            else if (System.Runtime.Intrinsics.Arm.Dp.IsSupported) Assert.Equal("armdot", named);
            else Assert.Equal(Int8Kernels.Name(Int8Kernels.Best(512)), named);
        }
        var forced = CliRunner.Run(new Dictionary<string, string> { [Int8Kernels.EnvironmentVariable] = "scalar" },
            "bench", "--hidden", "40", "--steps", "50", "--precision", "int8", "--json");
        Assert.True(forced.ExitCode == 0, forced.StdErr);
        using (var doc = JsonDocument.Parse(forced.StdOut))
            Assert.Equal("scalar", doc.RootElement.GetProperty("int8_kernel").GetString());
        var f32 = CliRunner.Run("bench", "--hidden", "40", "--steps", "50", "--json");
        using (var doc = JsonDocument.Parse(f32.StdOut))
            Assert.False(doc.RootElement.TryGetProperty("int8_kernel", out _));
    }

    [Fact]
    public void BenchReportsInt8AndItsRoofline()
    {
        var r = CliRunner.Run("bench", "--cell", "lstm", "--hidden", "64", "--steps", "200", "--precision", "int8", "--json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        JsonElement j = doc.RootElement;
        Assert.Equal("int8", j.GetProperty("precision").GetString());
        Assert.Equal(0, j.GetProperty("alloc_bytes_per_step").GetDouble());
        Assert.Equal(4 * 64 * 128, j.GetProperty("weight_bytes").GetDouble()); // one byte per weight of W_ih and W_hh
        Assert.True(j.GetProperty("weight_gb_per_s").GetDouble() > 0);
    }

    [Fact]
    public void AnUnknownPrecisionOrInt8KernelIsNamed()
    {
        CliRunner.AssertFails(["bench", "--hidden", "8", "--steps", "5", "--precision", "int4"], "--precision 'int4'");
        var r = CliRunner.Run(new Dictionary<string, string> { [Int8Kernels.EnvironmentVariable] = "mmx" },
            "bench", "--hidden", "8", "--steps", "5", "--precision", "int8");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("RNN_INT8_KERNEL='mmx'", r.StdErr);
    }

    /// <summary>A kernel this process cannot run (here: AVX2 with the JIT's AVX2 turned off; on ARM64 never there) is
    /// refused by name, saying it may be the build rather than the CPU.</summary>
    [Fact]
    public void AnInt8KernelThisProcessCannotRunIsRefusedByName()
    {
        var env = new Dictionary<string, string> { [Int8Kernels.EnvironmentVariable] = "avx2", ["DOTNET_EnableAVX2"] = "0" };
        var r = CliRunner.Run(env, "bench", "--hidden", "8", "--steps", "5", "--precision", "int8");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("avx2 int8 kernel is not available in this process", r.StdErr);
        Assert.Contains("IlcInstructionSet", r.StdErr);
    }
}
