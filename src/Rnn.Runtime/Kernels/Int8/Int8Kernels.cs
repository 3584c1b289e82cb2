using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Runtime.Kernels.Int8;

/// <summary>
/// Which <see cref="Int8Kernel"/> runs for a <see cref="KernelPath"/>: the fastest the hardware has within that path's
/// vector width (AVX-VNNI first, as it does four products per lane in one instruction). <c>RNN_INT8_KERNEL</c> names a
/// kernel outright (scalar, advsimd, armdot, ssse3, avx2, avx512bw, avxvnni), so a test or a user can run any of them.
/// </summary>
internal static class Int8Kernels
{
    /// <summary>Overrides the choice: one of the kernel names (see the class summary).</summary>
    public const string EnvironmentVariable = "RNN_INT8_KERNEL";

    /// <summary>Whether <paramref name="kernel"/> runs on this machine.</summary>
    public static bool IsSupported(Int8Kernel kernel) => kernel switch
    {
        Int8Kernel.Scalar => true,
        Int8Kernel.AdvSimd => AdvSimd.Arm64.IsSupported,
        Int8Kernel.ArmDot => AdvSimd.Arm64.IsSupported && Dp.IsSupported,
        Int8Kernel.Ssse3Pairs => Ssse3.IsSupported,
        Int8Kernel.Avx2Pairs => Avx2.IsSupported,
        Int8Kernel.Avx512Pairs => Avx512BW.IsSupported,
        Int8Kernel.AvxVnni => System.Runtime.Intrinsics.X86.AvxVnni.IsSupported,
        _ => false,
    };

    /// <summary>Every kernel that runs here, scalar first.</summary>
    public static Int8Kernel[] Supported()
    {
        var list = new List<Int8Kernel>();
        foreach (Int8Kernel k in Enum.GetValues<Int8Kernel>()) if (IsSupported(k)) list.Add(k);
        return list.ToArray();
    }

    private static Int8Kernel? s_forced;
    private static bool s_forcedRead;

    /// <summary>The kernel for <paramref name="path"/>, or the one <c>RNN_INT8_KERNEL</c> names.</summary>
    public static Int8Kernel For(KernelPath path)
    {
        if (!s_forcedRead)
        {
            s_forced = ReadForced();
            s_forcedRead = true;
        }
        if (s_forced is { } forced) return forced;
        return path switch
        {
            KernelPath.Scalar => Int8Kernel.Scalar,
            KernelPath.Vector128 => Best(128),
            KernelPath.Vector256 => Best(256),
            _ => Best(512),
        };
    }

    /// <summary>The fastest kernel whose vectors are at most <paramref name="bits"/> wide.</summary>
    public static Int8Kernel Best(int bits)
    {
        if (bits >= 256 && IsSupported(Int8Kernel.AvxVnni)) return Int8Kernel.AvxVnni;
        if (bits >= 512 && IsSupported(Int8Kernel.Avx512Pairs)) return Int8Kernel.Avx512Pairs;
        if (bits >= 256 && IsSupported(Int8Kernel.Avx2Pairs)) return Int8Kernel.Avx2Pairs;
        if (IsSupported(Int8Kernel.ArmDot)) return Int8Kernel.ArmDot;
        if (IsSupported(Int8Kernel.AdvSimd)) return Int8Kernel.AdvSimd;
        if (IsSupported(Int8Kernel.Ssse3Pairs)) return Int8Kernel.Ssse3Pairs;
        return Int8Kernel.Scalar;
    }

    /// <summary>scalar, advsimd, armdot (or dp), ssse3, avx2, avx512bw, avxvnni (or vnni), any case.</summary>
    public static Int8Kernel Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "scalar" => Int8Kernel.Scalar,
        "advsimd" => Int8Kernel.AdvSimd,
        "armdot" or "dp" or "sdot" => Int8Kernel.ArmDot,
        "ssse3" => Int8Kernel.Ssse3Pairs,
        "avx2" => Int8Kernel.Avx2Pairs,
        "avx512bw" or "avx512" => Int8Kernel.Avx512Pairs,
        "avxvnni" or "vnni" => Int8Kernel.AvxVnni,
        _ => throw new ArgumentException(
            $"Unknown int8 kernel '{text}': expected scalar, advsimd, armdot, ssse3, avx2, avx512bw or avxvnni.", nameof(text)),
    };

    /// <summary>The kernel's name as <see cref="Parse"/> and <c>RNN_INT8_KERNEL</c> take it.</summary>
    public static string Name(Int8Kernel kernel) => kernel switch
    {
        Int8Kernel.AdvSimd => "advsimd",
        Int8Kernel.ArmDot => "armdot",
        Int8Kernel.Ssse3Pairs => "ssse3",
        Int8Kernel.Avx2Pairs => "avx2",
        Int8Kernel.Avx512Pairs => "avx512bw",
        Int8Kernel.AvxVnni => "avxvnni",
        _ => "scalar",
    };

    /// <summary>Why <paramref name="kernel"/> cannot run: the CPU, or a NativeAOT build compiled without its instructions.</summary>
    internal static string Unavailable(Int8Kernel kernel) =>
        $"the {Name(kernel)} int8 kernel is not available in this process: the CPU lacks its instructions, or this NativeAOT " +
        "build was compiled without them (IlcInstructionSet; the default build has no AVX).";

    private static Int8Kernel? ReadForced()
    {
        string? text = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(text)) return null;
        Int8Kernel kernel;
        try { kernel = Parse(text); }
        catch (ArgumentException e) { throw new InvalidOperationException($"{EnvironmentVariable}='{text}': {e.Message}"); }
        if (!IsSupported(kernel))
            throw new InvalidOperationException($"{EnvironmentVariable}='{text}': {Unavailable(kernel)}");
        return kernel;
    }
}
