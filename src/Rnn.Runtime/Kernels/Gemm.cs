namespace Rnn.Runtime.Kernels;

/// <summary>
/// C (m × PaddedN, row stride ldc) = [C +] bias + A (m × K, row stride lda) · B (packed).
/// Used for the recurrent product of a step (m = batch) and the input projection of all steps at once
/// (m = seq × batch). Columns N..PaddedN of C are written too (with zeros from the padded panels).
/// </summary>
public static class Gemm
{
    public static void Multiply(
        KernelPath path, ReadOnlySpan<float> a, int m, int lda,
        PackedMatrix b, ReadOnlySpan<float> bias, Span<float> c, int ldc, bool accumulate)
    {
        int k = b.K;
        if (m < 0) throw new ArgumentOutOfRangeException(nameof(m));
        if (m == 0) return;
        if (lda < k) throw new ArgumentException($"lda {lda} < K {k}.", nameof(lda));
        if (ldc < b.PaddedN) throw new ArgumentException($"ldc {ldc} < padded N {b.PaddedN}.", nameof(ldc));
        if (a.Length < (long)(m - 1) * lda + k) throw new ArgumentException($"A has {a.Length} elements, needs {(long)(m - 1) * lda + k}.", nameof(a));
        if (c.Length < (long)(m - 1) * ldc + b.PaddedN) throw new ArgumentException($"C has {c.Length} elements, needs {(long)(m - 1) * ldc + b.PaddedN}.", nameof(c));
        if (!bias.IsEmpty && bias.Length < b.N) throw new ArgumentException($"bias has {bias.Length} elements, needs {b.N}.", nameof(bias));
        KernelPaths.EnsureSupported(path);
        GemmScalar.Multiply(a, m, lda, b, bias, c, ldc, accumulate);
    }
}
