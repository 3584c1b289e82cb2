using System.Runtime.CompilerServices;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// Scalar reference path of <see cref="Gemm"/>: by columns, k ascending, one FMA chain per output from zero,
/// then + bias, then (accumulating) C + that. The vector paths reproduce exactly these operations.
/// </summary>
internal static unsafe class GemmScalar
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ReadOnlySpan<float> a, int m, int lda, PackedMatrix b, ReadOnlySpan<float> bias, Span<float> c, int ldc, bool accumulate)
    {
        const int W = PackedMatrix.PanelWidth;
        int k = b.K;
        float* acc = stackalloc float[W];
        fixed (float* pa = a)
        fixed (float* pc = c)
        fixed (float* pbias = bias)
        {
            for (int p = 0; p < b.PanelCount; p++)
            {
                float* panel = b.Panel(p);
                int n0 = p * W;
                int realColumns = Math.Min(W, b.N - n0);
                for (int i = 0; i < m; i++)
                {
                    float* row = pa + (long)i * lda;
                    for (int j = 0; j < W; j++) acc[j] = 0f;
                    for (int kk = 0; kk < k; kk++)
                    {
                        float av = row[kk];
                        float* w = panel + kk * W;
                        for (int j = 0; j < W; j++) acc[j] = MathF.FusedMultiplyAdd(av, w[j], acc[j]);
                    }
                    float* crow = pc + (long)i * ldc + n0;
                    for (int j = 0; j < W; j++)
                    {
                        float v = acc[j];
                        if (pbias != null && j < realColumns) v += pbias[n0 + j];
                        crow[j] = accumulate ? crow[j] + v : v;
                    }
                }
            }
        }
    }
}
