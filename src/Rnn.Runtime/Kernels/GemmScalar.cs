namespace Rnn.Runtime.Kernels;

/// <summary>Scalar reference path of <see cref="Gemm"/>: by columns, k ascending, one accumulator per output.</summary>
internal static unsafe class GemmScalar
{
    public static void Multiply(ReadOnlySpan<float> a, int m, int lda, PackedMatrix b, ReadOnlySpan<float> bias, Span<float> c, int ldc, bool accumulate)
    {
        const int W = PackedMatrix.PanelWidth;
        int k = b.K;
        Span<float> acc = stackalloc float[W];
        for (int p = 0; p < b.PanelCount; p++)
        {
            float* panel = b.Panel(p);
            int n0 = p * W;
            for (int i = 0; i < m; i++)
            {
                ReadOnlySpan<float> row = a.Slice(i * lda, k);
                acc.Clear();
                for (int kk = 0; kk < k; kk++)
                {
                    float av = row[kk];
                    float* w = panel + kk * W;
                    for (int j = 0; j < W; j++) acc[j] = MathF.FusedMultiplyAdd(av, w[j], acc[j]);
                }
                Span<float> crow = c.Slice(i * ldc + n0, W);
                for (int j = 0; j < W; j++)
                {
                    float v = acc[j];
                    if (!bias.IsEmpty && n0 + j < b.N) v += bias[n0 + j];
                    crow[j] = accumulate ? crow[j] + v : v;
                }
            }
        }
    }
}
