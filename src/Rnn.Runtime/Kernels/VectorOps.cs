using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// The operations the element-wise cell updates and the bfloat16 matrix-vector product need on one SIMD vector of
/// floats, so each is written once as a generic method and the JIT (and NativeAOT) compiles it per width: instantiated over <see cref="Vector512Ops"/> or
/// <see cref="Vector256Ops"/> (structs), every call below inlines to the instruction it names. Both widths apply the
/// same operations to every element, so they give the same bits.
/// </summary>
internal unsafe interface IVectorOps<TVector> where TVector : struct
{
    static abstract int Count { get; }
    static abstract TVector One { get; }
    static abstract TVector Broadcast(float value);
    static abstract TVector Load(ref float source, nuint index);
    static abstract void Store(TVector value, ref float destination, nuint index);
    static abstract TVector Add(TVector left, TVector right);
    static abstract TVector Subtract(TVector left, TVector right);
    static abstract TVector Multiply(TVector left, TVector right);
    static abstract TVector FusedMultiplyAdd(TVector left, TVector right, TVector addend);
    static abstract TVector Sigmoid(TVector x);
    static abstract TVector Tanh(TVector x);

    /// <summary>2·Count bfloat16 values from a 64-byte aligned <paramref name="source"/>, widened to float32: the first
    /// Count into <paramref name="low"/>, the rest into <paramref name="high"/>.</summary>
    static abstract void WidenBf16(ushort* source, out TVector low, out TVector high);
}

internal readonly unsafe struct Vector512Ops : IVectorOps<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;
    public static Vector512<float> One => Vector512<float>.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, nuint index) => Vector512.LoadUnsafe(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination, nuint index) => value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> left, Vector512<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> left, Vector512<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> left, Vector512<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FusedMultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend) =>
        Vector512.FusedMultiplyAdd(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Activations.Sigmoid(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x) => Activations.Tanh(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WidenBf16(ushort* source, out Vector512<float> low, out Vector512<float> high)
    {
        // A bfloat16 is the top half of a float32.
        Vector512<ushort> bits = Vector512.LoadAligned(source);
        low = Vector512.ShiftLeft(Vector512.WidenLower(bits), 16).AsSingle();
        high = Vector512.ShiftLeft(Vector512.WidenUpper(bits), 16).AsSingle();
    }
}

internal readonly unsafe struct Vector256Ops : IVectorOps<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;
    public static Vector256<float> One => Vector256<float>.One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nuint index) => Vector256.LoadUnsafe(ref source, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, nuint index) => value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> left, Vector256<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> left, Vector256<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> left, Vector256<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FusedMultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend) =>
        Vector256.FusedMultiplyAdd(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Activations.Sigmoid(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x) => Activations.Tanh(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WidenBf16(ushort* source, out Vector256<float> low, out Vector256<float> high)
    {
        // A bfloat16 is the top half of a float32.
        Vector256<ushort> bits = Vector256.LoadAligned(source);
        low = Vector256.ShiftLeft(Vector256.WidenLower(bits), 16).AsSingle();
        high = Vector256.ShiftLeft(Vector256.WidenUpper(bits), 16).AsSingle();
    }
}
