using System.Runtime.CompilerServices;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// Scalar path of <see cref="MatMul"/>: row of C by row, k ascending, so each C[i, j] is the same multiply-add chain
/// (from C or zero, k ascending) the blocked vector paths compute.
/// </summary>
internal static unsafe class MatMulScalar
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(
        bool transA, bool transB, int m, int n, int k,
        float* a, nint lda, float* b, nint ldb, float* c, nint ldc, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            float* crow = c + i * ldc;
            if (!accumulate) new Span<float>(crow, n).Clear();
            for (int kk = 0; kk < k; kk++)
            {
                float av = transA ? a[kk * lda + i] : a[i * lda + kk];
                if (transB)
                {
                    float* bcol = b + kk;
                    for (int j = 0; j < n; j++) crow[j] = ScalarOps.MultiplyAdd(av, bcol[j * ldb], crow[j]);
                }
                else
                {
                    float* brow = b + kk * ldb;
                    for (int j = 0; j < n; j++) crow[j] = ScalarOps.MultiplyAdd(av, brow[j], crow[j]);
                }
            }
        }
    }
}
