namespace Rnn.Runtime.Kernels;

/// <summary>The instruction-set path a kernel runs on. Every path computes the same sums in the same order.</summary>
public enum KernelPath
{
    Scalar = 0,
    Vector256 = 1,
    Vector512 = 2,
}
