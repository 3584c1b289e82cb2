using Rnn.Training.Parameters;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Rnn.Runtime.Kernels;

namespace Rnn.Training.Recurrent;

/// <summary>
/// Stand-in for <c>Rnn.Runtime.Kernels.MatMul.Multiply</c> until that kernel lands: same signature, same meaning.
/// C (m × n, row stride ldc) [+]= op(A) · op(B), row-major, op(X) = Xᵀ when the flag says so.
/// Loop order i-k-j over blocks of four rows of C: each row of op(B) is read once per block and FMA'd into four
/// contiguous rows of C, so the inner loop is a plain vector axpy. Every element sums over k in ascending order
/// with one FMA per term, so the scalar, 256- and 512-bit paths give the same bits.
/// </summary>
internal static class MatMulFallback
{
    public static void Multiply(KernelPath path, bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentOutOfRangeException(nameof(m), $"m {m}, n {n}, k {k} must not be negative.");
        if (m == 0 || n == 0) return;
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        CheckOperand(a, aRows, aCols, lda, nameof(a));
        CheckOperand(b, bRows, bCols, ldb, nameof(b));
        CheckOperand(c, m, n, ldc, nameof(c));
        KernelPaths.EnsureSupported(path);

        if (!accumulate)
            for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
        if (k == 0) return;

        if (transB)
            MultiplyTransposedB(transA, m, n, k, a, lda, b, ldb, c, ldc);
        else
            MultiplyRowsByRows(path, transA, m, n, k, a, lda, b, ldb, c, ldc);
    }

    private static void CheckOperand(ReadOnlySpan<float> x, int rows, int cols, int ld, string name)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols) throw new ArgumentException($"Leading dimension {ld} of {name} is smaller than its {cols} columns.", name);
        long needed = (long)(rows - 1) * ld + cols;
        if (x.Length < needed) throw new ArgumentException($"{name} has {x.Length} elements, needs {needed} ({rows} x {cols}, stride {ld}).", name);
    }

    // C[i, :] += Σ_kk A(i, kk) · B[kk, :], four rows of C at a time.
    private static void MultiplyRowsByRows(KernelPath path, bool transA, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc)
    {
        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            ref float cRow0 = ref Unsafe.Add(ref c0, (nint)i * ldc);
            ref float cRow1 = ref Unsafe.Add(ref cRow0, ldc);
            ref float cRow2 = ref Unsafe.Add(ref cRow1, ldc);
            ref float cRow3 = ref Unsafe.Add(ref cRow2, ldc);
            for (int kk = 0; kk < k; kk++)
            {
                float v0 = ElementOfA(ref a0, transA, lda, i, kk), v1 = ElementOfA(ref a0, transA, lda, i + 1, kk);
                float v2 = ElementOfA(ref a0, transA, lda, i + 2, kk), v3 = ElementOfA(ref a0, transA, lda, i + 3, kk);
                ref float bRow = ref Unsafe.Add(ref b0, (nint)kk * ldb);
                Axpy4(path, n, v0, v1, v2, v3, ref bRow, ref cRow0, ref cRow1, ref cRow2, ref cRow3);
            }
        }
        for (; i < m; i++)
        {
            ref float cRow = ref Unsafe.Add(ref c0, (nint)i * ldc);
            for (int kk = 0; kk < k; kk++)
                Axpy1(path, n, ElementOfA(ref a0, transA, lda, i, kk), ref Unsafe.Add(ref b0, (nint)kk * ldb), ref cRow);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ElementOfA(ref float a0, bool transA, int lda, int i, int kk) =>
        transA ? Unsafe.Add(ref a0, (nint)kk * lda + i) : Unsafe.Add(ref a0, (nint)i * lda + kk);

    private static void Axpy4(KernelPath path, int n, float v0, float v1, float v2, float v3,
        ref float bRow, ref float c0, ref float c1, ref float c2, ref float c3)
    {
        int j = 0;
        if (path == KernelPath.Vector512)
        {
            Vector512<float> s0 = Vector512.Create(v0), s1 = Vector512.Create(v1), s2 = Vector512.Create(v2), s3 = Vector512.Create(v3);
            for (; j + 16 <= n; j += 16)
            {
                Vector512<float> bv = Vector512.LoadUnsafe(ref bRow, (nuint)j);
                Vector512.FusedMultiplyAdd(s0, bv, Vector512.LoadUnsafe(ref c0, (nuint)j)).StoreUnsafe(ref c0, (nuint)j);
                Vector512.FusedMultiplyAdd(s1, bv, Vector512.LoadUnsafe(ref c1, (nuint)j)).StoreUnsafe(ref c1, (nuint)j);
                Vector512.FusedMultiplyAdd(s2, bv, Vector512.LoadUnsafe(ref c2, (nuint)j)).StoreUnsafe(ref c2, (nuint)j);
                Vector512.FusedMultiplyAdd(s3, bv, Vector512.LoadUnsafe(ref c3, (nuint)j)).StoreUnsafe(ref c3, (nuint)j);
            }
        }
        else if (path == KernelPath.Vector256)
        {
            Vector256<float> s0 = Vector256.Create(v0), s1 = Vector256.Create(v1), s2 = Vector256.Create(v2), s3 = Vector256.Create(v3);
            for (; j + 8 <= n; j += 8)
            {
                Vector256<float> bv = Vector256.LoadUnsafe(ref bRow, (nuint)j);
                Vector256.FusedMultiplyAdd(s0, bv, Vector256.LoadUnsafe(ref c0, (nuint)j)).StoreUnsafe(ref c0, (nuint)j);
                Vector256.FusedMultiplyAdd(s1, bv, Vector256.LoadUnsafe(ref c1, (nuint)j)).StoreUnsafe(ref c1, (nuint)j);
                Vector256.FusedMultiplyAdd(s2, bv, Vector256.LoadUnsafe(ref c2, (nuint)j)).StoreUnsafe(ref c2, (nuint)j);
                Vector256.FusedMultiplyAdd(s3, bv, Vector256.LoadUnsafe(ref c3, (nuint)j)).StoreUnsafe(ref c3, (nuint)j);
            }
        }
        for (; j < n; j++)
        {
            float bv = Unsafe.Add(ref bRow, j);
            Unsafe.Add(ref c0, j) = MathF.FusedMultiplyAdd(v0, bv, Unsafe.Add(ref c0, j));
            Unsafe.Add(ref c1, j) = MathF.FusedMultiplyAdd(v1, bv, Unsafe.Add(ref c1, j));
            Unsafe.Add(ref c2, j) = MathF.FusedMultiplyAdd(v2, bv, Unsafe.Add(ref c2, j));
            Unsafe.Add(ref c3, j) = MathF.FusedMultiplyAdd(v3, bv, Unsafe.Add(ref c3, j));
        }
    }

    private static void Axpy1(KernelPath path, int n, float v, ref float bRow, ref float cRow)
    {
        int j = 0;
        if (path == KernelPath.Vector512)
        {
            Vector512<float> s = Vector512.Create(v);
            for (; j + 16 <= n; j += 16)
                Vector512.FusedMultiplyAdd(s, Vector512.LoadUnsafe(ref bRow, (nuint)j), Vector512.LoadUnsafe(ref cRow, (nuint)j)).StoreUnsafe(ref cRow, (nuint)j);
        }
        else if (path == KernelPath.Vector256)
        {
            Vector256<float> s = Vector256.Create(v);
            for (; j + 8 <= n; j += 8)
                Vector256.FusedMultiplyAdd(s, Vector256.LoadUnsafe(ref bRow, (nuint)j), Vector256.LoadUnsafe(ref cRow, (nuint)j)).StoreUnsafe(ref cRow, (nuint)j);
        }
        for (; j < n; j++)
            Unsafe.Add(ref cRow, j) = MathF.FusedMultiplyAdd(v, Unsafe.Add(ref bRow, j), Unsafe.Add(ref cRow, j));
    }

    // op(B) = Bᵀ: C[i, j] += Σ_kk A(i, kk) · B[j, kk]. The trainer never asks for it; kept correct and plain.
    private static void MultiplyTransposedB(bool transA, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc)
    {
        ref float a0 = ref MemoryMarshal.GetReference(a);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = c[i * ldc + j];
                ReadOnlySpan<float> bRow = b.Slice(j * ldb, k);
                for (int kk = 0; kk < k; kk++) sum = MathF.FusedMultiplyAdd(ElementOfA(ref a0, transA, lda, i, kk), bRow[kk], sum);
                c[i * ldc + j] = sum;
            }
    }
}
