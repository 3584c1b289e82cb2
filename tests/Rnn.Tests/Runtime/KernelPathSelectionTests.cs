using System.Runtime.Intrinsics;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;

namespace Rnn.Tests.Runtime;

public class KernelPathSelectionTests
{
    [Fact]
    public void DefaultIsTheWidestAcceleratedPathUnlessLowered()
    {
        KernelPath widest = Vector512.IsHardwareAccelerated ? KernelPath.Vector512
            : Vector256.IsHardwareAccelerated ? KernelPath.Vector256 : KernelPath.Scalar;
        Assert.Equal(widest, KernelPaths.Widest);
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
