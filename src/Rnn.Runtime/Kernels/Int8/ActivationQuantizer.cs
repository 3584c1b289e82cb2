using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Runtime.Kernels.Int8;

/// <summary>
/// The one place activations (a step's input or hidden vector) become int8: symmetric, one scale per vector,
/// q = round(x · (127 / max|x|)) to nearest even, in [-127, 127]. Every kernel consumes these bytes, so every path sees
/// the same integers; the vector widths here round exactly as the scalar tail does (an IEEE multiply, then
/// round-to-even), so the bytes do not depend on the width either.
/// </summary>
internal static class ActivationQuantizer
{
    /// <summary>Bytes a vector of <paramref name="length"/> activations takes: whole quads of four.</summary>
    public static int PaddedLength(int length) => (length + 3) & ~3;

    /// <summary>
    /// Quantizes <paramref name="x"/> into <paramref name="q"/> (at least <see cref="PaddedLength"/> bytes; the padding
    /// is zeroed) and returns the scale, max|x| / 127: 0 for an all-zero vector, NaN (with q all zero) when x holds a
    /// NaN or an infinity, so the outputs turn NaN as float32's would, on every path alike.
    /// </summary>
    public static float Quantize(ReadOnlySpan<float> x, Span<sbyte> q)
    {
        int k = x.Length, padded = PaddedLength(k);
        if (q.Length < padded) throw new ArgumentException($"q has {q.Length} bytes, needs {padded}.", nameof(q));
        float max = k == 0 ? 0 : MathF.Abs(TensorPrimitives.MaxMagnitude(x));
        if (max == 0 || !float.IsFinite(max))
        {
            q.Slice(0, padded).Clear();
            return max == 0 ? 0 : float.NaN;
        }
        float inverse = 127f / max;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref sbyte qs = ref MemoryMarshal.GetReference(q);
        int i = 0;
        // Rounded first, so every value is a whole number in [-127, 127]: the conversions need no saturation (the
        // native ones) and narrowing cannot overflow. AVX-512 narrows sixteen ints to bytes in one instruction (vpmovdb).
        if (Avx512F.IsSupported)
        {
            Vector512<float> scale = Vector512.Create(inverse);
            for (; i + 16 <= k; i += 16)
                Avx512F.ConvertToVector128SByte(Vector512.ConvertToInt32Native(Vector512.Round(Vector512.LoadUnsafe(ref xs, (nuint)i) * scale)))
                    .StoreUnsafe(ref qs, (nuint)i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> scale = Vector256.Create(inverse);
            for (; i + 32 <= k; i += 32)
            {
                Vector256<int> a = Vector256.ConvertToInt32Native(Vector256.Round(Vector256.LoadUnsafe(ref xs, (nuint)i) * scale));
                Vector256<int> b = Vector256.ConvertToInt32Native(Vector256.Round(Vector256.LoadUnsafe(ref xs, (nuint)(i + 8)) * scale));
                Vector256<int> c = Vector256.ConvertToInt32Native(Vector256.Round(Vector256.LoadUnsafe(ref xs, (nuint)(i + 16)) * scale));
                Vector256<int> d = Vector256.ConvertToInt32Native(Vector256.Round(Vector256.LoadUnsafe(ref xs, (nuint)(i + 24)) * scale));
                Vector256.Narrow(Vector256.Narrow(a, b), Vector256.Narrow(c, d)).StoreUnsafe(ref qs, (nuint)i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> scale = Vector128.Create(inverse);
            for (; i + 16 <= k; i += 16)
            {
                Vector128<int> a = Vector128.ConvertToInt32Native(Vector128.Round(Vector128.LoadUnsafe(ref xs, (nuint)i) * scale));
                Vector128<int> b = Vector128.ConvertToInt32Native(Vector128.Round(Vector128.LoadUnsafe(ref xs, (nuint)(i + 4)) * scale));
                Vector128<int> c = Vector128.ConvertToInt32Native(Vector128.Round(Vector128.LoadUnsafe(ref xs, (nuint)(i + 8)) * scale));
                Vector128<int> d = Vector128.ConvertToInt32Native(Vector128.Round(Vector128.LoadUnsafe(ref xs, (nuint)(i + 12)) * scale));
                Vector128.Narrow(Vector128.Narrow(a, b), Vector128.Narrow(c, d)).StoreUnsafe(ref qs, (nuint)i);
            }
        }
        for (; i < k; i++) q[i] = (sbyte)(int)MathF.Round(x[i] * inverse);
        q.Slice(k, padded - k).Clear();
        return max / 127f;
    }
}
