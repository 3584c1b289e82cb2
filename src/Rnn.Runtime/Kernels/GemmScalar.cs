using System.Runtime.CompilerServices;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// Scalar reference path of <see cref="Gemm"/>: by columns, k ascending, one FMA chain per output from zero,
/// then + bias, then (accumulating) C + that. The vector paths reproduce exactly these operations.
/// The 16 chains of a panel row live in 16 locals so the JIT keeps them in registers.
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
                int rowStride = b.RowStride(p);
                int n0 = p * W;
                int realColumns = Math.Min(W, b.N - n0);
                for (int i = 0; i < m; i++)
                {
                    float* row = pa + (long)i * lda;
                    float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f, s8 = 0f, s9 = 0f, s10 = 0f, s11 = 0f, s12 = 0f, s13 = 0f, s14 = 0f, s15 = 0f;
                    float* w = panel;
                    for (int kk = 0; kk < k; kk++, w += rowStride)
                    {
                        float av = row[kk];
                        s0 = MathF.FusedMultiplyAdd(av, w[0], s0);
                        s1 = MathF.FusedMultiplyAdd(av, w[1], s1);
                        s2 = MathF.FusedMultiplyAdd(av, w[2], s2);
                        s3 = MathF.FusedMultiplyAdd(av, w[3], s3);
                        s4 = MathF.FusedMultiplyAdd(av, w[4], s4);
                        s5 = MathF.FusedMultiplyAdd(av, w[5], s5);
                        s6 = MathF.FusedMultiplyAdd(av, w[6], s6);
                        s7 = MathF.FusedMultiplyAdd(av, w[7], s7);
                        s8 = MathF.FusedMultiplyAdd(av, w[8], s8);
                        s9 = MathF.FusedMultiplyAdd(av, w[9], s9);
                        s10 = MathF.FusedMultiplyAdd(av, w[10], s10);
                        s11 = MathF.FusedMultiplyAdd(av, w[11], s11);
                        s12 = MathF.FusedMultiplyAdd(av, w[12], s12);
                        s13 = MathF.FusedMultiplyAdd(av, w[13], s13);
                        s14 = MathF.FusedMultiplyAdd(av, w[14], s14);
                        s15 = MathF.FusedMultiplyAdd(av, w[15], s15);
                    }
                    acc[0] = s0;
                    acc[1] = s1;
                    acc[2] = s2;
                    acc[3] = s3;
                    acc[4] = s4;
                    acc[5] = s5;
                    acc[6] = s6;
                    acc[7] = s7;
                    acc[8] = s8;
                    acc[9] = s9;
                    acc[10] = s10;
                    acc[11] = s11;
                    acc[12] = s12;
                    acc[13] = s13;
                    acc[14] = s14;
                    acc[15] = s15;
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
