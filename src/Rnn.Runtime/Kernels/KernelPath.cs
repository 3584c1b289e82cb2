namespace Rnn.Runtime.Kernels;

/// <summary>The instruction-set path a kernel runs on. Every path computes the same sums in the same order.</summary>
public enum KernelPath
{
    /// <summary>Plain float arithmetic: runs anywhere, the reference the vector paths are tested against.</summary>
    Scalar = 0,

    /// <summary>AVX2-class 8-lane vectors.</summary>
    Vector256 = 1,

    /// <summary>AVX-512-class 16-lane vectors.</summary>
    Vector512 = 2,
}
