namespace Rnn.Runtime.Kernels.Int8;

/// <summary>
/// The instruction sets an int8 matrix-vector product can run on. Every kernel computes the same exact int32 sums
/// (integer arithmetic, no saturation on any path), so every kernel gives the same bits.
/// </summary>
internal enum Int8Kernel
{
    /// <summary>Plain integer loops: runs anywhere, the reference.</summary>
    Scalar = 0,

    /// <summary>ARM64 AdvSimd without the dot-product extension: widening multiplies, pairwise widening adds.</summary>
    AdvSimd,

    /// <summary>ARM64 <c>SDOT</c> (<see cref="System.Runtime.Intrinsics.Arm.Dp"/>): four s8×s8 products per int32 lane.</summary>
    ArmDot,

    /// <summary>x64 SSSE3, 128-bit: <c>pmaddubsw</c>/<c>pmaddwd</c> on |w| and sign(x, w).</summary>
    Ssse3Pairs,

    /// <summary>x64 AVX2, 256-bit: <c>vpmaddubsw</c>/<c>vpmaddwd</c> on |w| and sign(x, w).</summary>
    Avx2Pairs,

    /// <summary>x64 AVX-512BW, 512-bit: <c>vpmaddubsw</c>/<c>vpmaddwd</c> on |w| and x negated where w &lt; 0.</summary>
    Avx512Pairs,

    /// <summary>x64 AVX-VNNI, 256-bit <c>vpdpbusd</c> (u8×s8): activations shifted by 128, corrected per row.</summary>
    AvxVnni,
}
