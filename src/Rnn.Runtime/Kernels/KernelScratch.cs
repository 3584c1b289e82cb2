using System.Runtime.CompilerServices;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// Per-thread packing buffers for <see cref="Gemm"/> and <see cref="MatMul"/>: grown on demand, then reused, so
/// a warm call allocates nothing, and threads running products at once never share one. The arrays are pinned
/// (pinned object heap), so a 64-byte aligned pointer into them stays valid; they die with their thread.
/// </summary>
internal static unsafe class KernelScratch
{
    private const int AlignFloats = 16;

    [ThreadStatic] private static float[]? t_packedA;
    [ThreadStatic] private static float[]? t_packedB;

    /// <summary>A 64-byte aligned buffer of at least <paramref name="floats"/> floats for the packed left operand.</summary>
    public static float* PackedA(long floats) => Aligned(ref t_packedA, floats);

    /// <summary>A 64-byte aligned buffer of at least <paramref name="floats"/> floats for the packed right operand.</summary>
    public static float* PackedB(long floats) => Aligned(ref t_packedB, floats);

    private static float* Aligned(ref float[]? buffer, long floats)
    {
        if (buffer is null || buffer.Length < floats + AlignFloats)
        {
            // Grow by half again so a slowly rising size does not reallocate every call.
            long size = Math.Max(floats + AlignFloats, buffer is null ? 0 : buffer.Length + buffer.Length / 2);
            if (size > Array.MaxLength) throw new OutOfMemoryException($"Packing buffer of {floats} floats is too large.");
            buffer = GC.AllocateUninitializedArray<float>((int)size, pinned: true);
        }
        nuint address = (nuint)Unsafe.AsPointer(ref buffer[0]);
        nuint aligned = (address + 63) & ~(nuint)63;
        return (float*)aligned;
    }
}
