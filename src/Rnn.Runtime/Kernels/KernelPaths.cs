using System.Runtime.Intrinsics;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// Picks the kernel path once at start-up from what the hardware accelerates. The environment variable
/// <c>RNN_KERNEL_PATH</c> (<c>scalar</c>, <c>vector128</c>, <c>vector256</c>, <c>vector512</c>) lowers the choice, so a
/// user or a test can run the lower paths on a machine that has the higher ones.
/// </summary>
internal static class KernelPaths
{
    /// <summary>Lowers <see cref="Default"/>: scalar, vector128, vector256 or vector512.</summary>
    public const string EnvironmentVariable = "RNN_KERNEL_PATH";

    /// <summary>The widest path the hardware accelerates, whatever the environment says.</summary>
    public static KernelPath Widest { get; } =
        Vector512.IsHardwareAccelerated ? KernelPath.Vector512
        : Vector256.IsHardwareAccelerated ? KernelPath.Vector256
        : Vector128.IsHardwareAccelerated ? KernelPath.Vector128
        : KernelPath.Scalar;

    /// <summary>The widest path this process supports, lowered by <c>RNN_KERNEL_PATH</c> if set. A value that is not a
    /// path makes this throw (naming the variable) while explicit paths keep working.</summary>
    public static KernelPath Default => s_default ??= ChooseDefault();

    private static KernelPath? s_default;

    /// <summary>Whether <paramref name="path"/> is accelerated on this machine.</summary>
    public static bool IsSupported(KernelPath path) => path <= Widest && path >= KernelPath.Scalar;

    /// <summary>All paths that run on this machine, lowest first.</summary>
    public static KernelPath[] Supported()
    {
        var list = new KernelPath[(int)Widest + 1];
        for (int i = 0; i < list.Length; i++) list[i] = (KernelPath)i;
        return list;
    }

    /// <summary>Throws a clear error when <paramref name="path"/> cannot run here.</summary>
    public static void EnsureSupported(KernelPath path)
    {
        if (!IsSupported(path))
            throw new PlatformNotSupportedException(
                $"Kernel path {path} is not accelerated on this machine (widest available: {Widest}).");
    }

    /// <summary>scalar, vector128 (sse, neon, 128), vector256 (avx2, 256) or vector512 (avx512, 512), any case.</summary>
    public static KernelPath Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "scalar" => KernelPath.Scalar,
        "vector128" or "sse" or "neon" or "advsimd" or "128" => KernelPath.Vector128,
        "vector256" or "avx2" or "256" => KernelPath.Vector256,
        "vector512" or "avx512" or "512" => KernelPath.Vector512,
        _ => throw new ArgumentException(
            $"Unknown kernel path '{text}': expected scalar, vector128, vector256 or vector512.", nameof(text)),
    };

    private static KernelPath ChooseDefault()
    {
        string? forced = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(forced)) return Widest;
        KernelPath wanted;
        try { wanted = Parse(forced); }
        catch (ArgumentException)
        {
            throw new InvalidOperationException($"{EnvironmentVariable}='{forced}' is not a kernel path: expected scalar, vector128, vector256 or vector512, or leave it unset.");
        }
        return wanted < Widest ? wanted : Widest;
    }
}
