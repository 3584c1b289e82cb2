using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// The float operations of the kernels written once for every width (the optimizers' updates, the LSTM and GRU
/// element-wise updates, the bfloat16 matrix-vector product), generic over these structs; the JIT and NativeAOT
/// specialise each per width, every call inlined to the instruction it names. The arithmetic is IEEE exact (fused
/// multiply-add rounds once, sqrt and divide are correctly rounded) and Sigmoid/Tanh are the same formula at both
/// vector widths, so Vector512 and Vector256 give the same bits (the scalar Sigmoid/Tanh use MathF).
/// </summary>
internal unsafe interface IFloatVectorOps<TVector>
    where TVector : struct
{
    static abstract int Count { get; }
    static abstract TVector Load(ref float source, nuint offset);
    static abstract void Store(TVector value, ref float destination, nuint offset);
    static abstract TVector Broadcast(float value);
    static abstract TVector Add(TVector left, TVector right);
    static abstract TVector Subtract(TVector left, TVector right);
    static abstract TVector Multiply(TVector left, TVector right);
    static abstract TVector Divide(TVector left, TVector right);
    static abstract TVector Negate(TVector value);
    static abstract TVector Sqrt(TVector value);

    /// <summary>a * b + c with one rounding.</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);

    /// <summary>Larger of the two; NaN if either is NaN (like torch.maximum).</summary>
    static abstract TVector Max(TVector left, TVector right);

    static abstract TVector One { get; }
    static abstract TVector Sigmoid(TVector x);
    static abstract TVector Tanh(TVector x);

    /// <summary>2·Count bfloat16 values from <paramref name="source"/> (64-byte aligned for the vector widths), widened
    /// to float32: the first Count into <paramref name="low"/>, the rest into <paramref name="high"/>.</summary>
    static abstract void WidenBf16(ushort* source, out TVector low, out TVector high);
}

internal readonly unsafe struct Vector512Ops : IFloatVectorOps<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> left, Vector512<float> right) => left + right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> left, Vector512<float> right) => left - right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> left, Vector512<float> right) => left * right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Divide(Vector512<float> left, Vector512<float> right) => left / right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Negate(Vector512<float> value) => -value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sqrt(Vector512<float> value) => Vector512.Sqrt(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Vector512.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> left, Vector512<float> right) => Vector512.Max(left, right);
    public static Vector512<float> One => Vector512<float>.One;
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

internal readonly unsafe struct Vector256Ops : IFloatVectorOps<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> left, Vector256<float> right) => left + right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> left, Vector256<float> right) => left - right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> left, Vector256<float> right) => left * right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> left, Vector256<float> right) => left / right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Negate(Vector256<float> value) => -value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sqrt(Vector256<float> value) => Vector256.Sqrt(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Vector256.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> left, Vector256<float> right) => Vector256.Max(left, right);
    public static Vector256<float> One => Vector256<float>.One;
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

/// <summary>One lane: the scalar path, and the tail of the vector paths.</summary>
internal readonly unsafe struct ScalarOps : IFloatVectorOps<float>
{
    public static int Count => 1;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float source, nuint offset) => Unsafe.Add(ref source, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float left, float right) => left + right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Subtract(float left, float right) => left - right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Multiply(float left, float right) => left * right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Divide(float left, float right) => left / right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Negate(float value) => -value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sqrt(float value) => MathF.Sqrt(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float left, float right) => MathF.Max(left, right);
    public static float One => 1f;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => Activations.Sigmoid(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => Activations.Tanh(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WidenBf16(ushort* source, out float low, out float high)
    {
        low = PackedMatrixBf16.FromBf16(source[0]);
        high = PackedMatrixBf16.FromBf16(source[1]);
    }
}
