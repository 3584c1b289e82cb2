using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Rnn.Training.Recurrent;

/// <summary>Unchecked vector loads and stores at an index; callers keep index + Vector&lt;float&gt;.Count within the span.</summary>
internal static class VectorAccess
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Load(ReadOnlySpan<float> span, int index)
    {
        Debug.Assert(index >= 0 && index + Vector<float>.Count <= span.Length);
        return Vector.LoadUnsafe(ref MemoryMarshal.GetReference(span), (nuint)index);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Span<float> span, int index, Vector<float> value)
    {
        Debug.Assert(index >= 0 && index + Vector<float>.Count <= span.Length);
        value.StoreUnsafe(ref MemoryMarshal.GetReference(span), (nuint)index);
    }
}
