using Rnn.Training.Parameters;
using System.Runtime.CompilerServices;
using Rnn.Runtime.Kernels;

namespace Rnn.Training.Recurrent;

/// <summary>
/// The one place the trainer calls a general matrix product, so moving from <see cref="MatMulFallback"/> to
/// <c>Rnn.Runtime.Kernels.MatMul</c> is a one-line change.
/// C (m × n) [+]= op(A) · op(B), row-major.
/// </summary>
internal static class Products
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MatMul(KernelPath path, bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate) =>
        MatMulFallback.Multiply(path, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}
