namespace Rnn.Runtime;

/// <summary>The instruction-set path a kernel runs on, narrowest first. Every path computes the same sums in the same
/// order; on one machine the vector paths give the same bits.</summary>
public enum KernelPath
{
    /// <summary>Plain float arithmetic: runs anywhere, the reference the vector paths are tested against.</summary>
    Scalar = 0,

    /// <summary>4-lane vectors: AdvSimd on ARM64, SSE on x64 (what a default NativeAOT build for x64 has).</summary>
    Vector128 = 1,

    /// <summary>AVX2-class 8-lane vectors.</summary>
    Vector256 = 2,

    /// <summary>AVX-512-class 16-lane vectors.</summary>
    Vector512 = 3,
}
