using System.Runtime.Intrinsics;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;

namespace Rnn.Tests.Runtime;

public class KernelPathSelectionTests
{
    [Fact]
    public void DefaultIsTheWidestAcceleratedPathUnlessLowered()
    {
        // Each width the runtime accelerates is available and none wider: checked width by width.
        foreach ((KernelPath path, bool accelerated) in new[] { (KernelPath.Vector128, Vector128.IsHardwareAccelerated),
                     (KernelPath.Vector256, Vector256.IsHardwareAccelerated), (KernelPath.Vector512, Vector512.IsHardwareAccelerated) })
            Assert.True(KernelPaths.IsSupported(path) == accelerated, $"{path}: accelerated {accelerated}, supported {KernelPaths.IsSupported(path)}");
        KernelPath widest = KernelPaths.Widest;
        // ARM64 has AdvSimd in its baseline and no wider vectors in .NET: its widest path is Vector128, never scalar.
        if (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported) Assert.Equal(KernelPath.Vector128, widest);
        // Nor does an x64 CPU with SSE4.2.
        if (System.Runtime.Intrinsics.X86.Sse42.IsSupported) Assert.True(widest >= KernelPath.Vector128, $"x64 widest path {widest}");
        string? forced = Environment.GetEnvironmentVariable(KernelPaths.EnvironmentVariable);
        KernelPath expected = string.IsNullOrEmpty(forced) ? widest : (KernelPath)Math.Min((int)KernelPaths.Parse(forced), (int)widest);
        Assert.Equal(expected, KernelPaths.Default);
        Assert.Equal(KernelPaths.Widest, KernelPaths.Supported()[^1]);
    }

    [Fact]
    public void UnsupportedPathIsAClearError()
    {
        // One above the widest path this machine has (on an AVX-512 machine, a value past the enum's last).
        var above = (KernelPath)((int)KernelPaths.Widest + 1);
        var e = Assert.Throws<PlatformNotSupportedException>(() => KernelPaths.EnsureSupported(above));
        Assert.Contains("not accelerated", e.Message);
        Assert.Throws<PlatformNotSupportedException>(() => KernelPaths.EnsureSupported((KernelPath)(-1)));
    }
}
