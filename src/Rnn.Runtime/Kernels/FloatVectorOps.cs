using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Rnn.Runtime.Kernels;

/// <summary>
/// The float operations of the kernels written once for every width (GEMM/GEMV micro-kernels, activations, the cells'
/// updates and derivatives, the optimizers), generic over these structs; the JIT and NativeAOT specialise each per
/// width, every call inlined to the instruction it names. A width is one struct: <see cref="Vector512Ops"/>,
/// <see cref="Vector256Ops"/>, <see cref="Vector128Ops"/> (SSE on x64, AdvSimd on ARM64) and <see cref="ScalarOps"/>.
/// The arithmetic is IEEE exact (sqrt and divide correctly rounded, <see cref="MultiplyAdd"/> fused wherever the
/// hardware fuses) and Sigmoid/Tanh are the same formula at every vector width, so on one machine the vector paths
/// give the same bits (the scalar Sigmoid/Tanh use MathF). <see cref="KernelDispatch"/> picks the struct.
/// </summary>
internal unsafe interface IFloatVectorOps<TVector>
    where TVector : struct
{
    static abstract int Count { get; }

    /// <summary>Panels of 16 columns a matrix-vector pass keeps in registers (16·GemvPanels / Count accumulators).</summary>
    static abstract int GemvPanels { get; }

    /// <summary>Rows of A per register-blocked GEMM micro-kernel (MR).</summary>
    static abstract int GemmRows { get; }

    /// <summary>Panels of B per register-blocked GEMM micro-kernel; GemmRows × 16·GemmPanels / Count accumulators.</summary>
    static abstract int GemmPanels { get; }

    static abstract TVector Load(ref float source, nuint offset);
    static abstract void Store(TVector value, ref float destination, nuint offset);

    /// <summary>Loads Count floats at <paramref name="source"/> (aligned to the width in the packed weights).</summary>
    static abstract TVector Load(float* source);
    static abstract void Store(TVector value, float* destination);

    /// <summary>Loads Count floats from packed weights, aligned to the width (lets SSE fold the load into arithmetic).</summary>
    static abstract TVector LoadAligned(float* source);
    static abstract TVector Broadcast(float value);
    static abstract TVector Add(TVector left, TVector right);
    static abstract TVector Subtract(TVector left, TVector right);
    static abstract TVector Multiply(TVector left, TVector right);
    static abstract TVector Divide(TVector left, TVector right);
    static abstract TVector Negate(TVector value);
    static abstract TVector Sqrt(TVector value);
    static abstract TVector Abs(TVector value);

    /// <summary>|magnitude| with the sign of <paramref name="sign"/>.</summary>
    static abstract TVector CopySign(TVector magnitude, TVector sign);

    /// <summary>a * b + c, rounded once where the hardware fuses (x64 with FMA3, every ARM64), else rounded twice
    /// (a software fused multiply-add costs tens of instructions). See <see cref="FusedMultiplyAdd"/>.
    /// The vector widths use <c>VectorN.MultiplyAddEstimate</c>, one intrinsic that names each operand once: a
    /// <c>IsAccelerated ? Fused… : a * b + c</c> body names them twice, so the inliner spills a load passed in to a
    /// temporary and the load can no longer fold into <c>vfmadd231ps</c> (the GEMV loop went from 13 to 21
    /// instructions per k on x86-64-v3, +41-45 % per step).</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);

    /// <summary>Larger of the two; NaN if either is NaN (like torch.maximum).</summary>
    static abstract TVector Max(TVector left, TVector right);

    /// <summary>Min/max as the hardware does them (which operand a NaN yields is the platform's).</summary>
    static abstract TVector MinNative(TVector left, TVector right);
    static abstract TVector MaxNative(TVector left, TVector right);

    /// <summary>Per lane: left &lt; right ? ifLess : otherwise.</summary>
    static abstract TVector SelectWhereLess(TVector left, TVector right, TVector ifLess, TVector otherwise);

    /// <summary>p · 2^n for n a whole number in [-126, 127], rounded once (an exact 2^n built from its exponent bits,
    /// then one multiply; AVX-512's <c>vscalefps</c> gives the same bits in one instruction).</summary>
    static abstract TVector ScaleByPow2(TVector p, TVector n);

    static abstract TVector Zero { get; }
    static abstract TVector One { get; }
    static abstract TVector Sigmoid(TVector x);
    static abstract TVector Tanh(TVector x);

    /// <summary>Count pairs of bfloat16 values from <paramref name="source"/> (aligned for the vector widths), widened
    /// to float32: the first of each pair into <paramref name="even"/>, the second into <paramref name="odd"/>
    /// (<see cref="PackedMatrixBf16"/>'s layout: a 32-bit lane is a column's even-k and odd-k weights).</summary>
    static abstract void WidenBf16Pairs(ushort* source, out TVector even, out TVector odd);
}

/// <summary>Whether this process fuses a multiply-add in hardware. Read by the JIT and NativeAOT as a constant of the
/// target (NativeAOT cannot light up the VEX-encoded FMA3 at run time), so the test folds away.</summary>
internal static class FusedMultiplyAdd
{
    public static bool IsAccelerated
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Fma.IsSupported || AdvSimd.IsSupported;
    }
}

internal readonly unsafe struct Vector512Ops : IDoubleWidening<Vector512<float>, Vector512<double>>
{
    public static int Count => Vector512<float>.Count;
    public static Vector512<double> ZeroDouble => Vector512<double>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Widen(Vector512<float> value, out Vector512<double> lower, out Vector512<double> upper) => (lower, upper) = Vector512.Widen(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Add(Vector512<double> left, Vector512<double> right) => left + right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> MultiplyAdd(Vector512<double> a, Vector512<double> b, Vector512<double> c) => Vector512.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector512<double> value) => Vector512.Sum(value);
    public static int GemvPanels => 8;   // 8 independent FMA chains hide the FMA latency
    public static int GemmRows => 8;     // 8 rows × 2 panels = 16 zmm accumulators of the 32
    public static int GemmPanels => 2;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* source) => Vector512.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, float* destination) => value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadAligned(float* source) => Vector512.LoadAligned(source);
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
    public static Vector512<float> Abs(Vector512<float> value) => Vector512.Abs(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> CopySign(Vector512<float> magnitude, Vector512<float> sign) => Vector512.CopySign(magnitude, sign);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Vector512.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> left, Vector512<float> right) => Vector512.Max(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MinNative(Vector512<float> left, Vector512<float> right) => Vector512.MinNative(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MaxNative(Vector512<float> left, Vector512<float> right) => Vector512.MaxNative(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SelectWhereLess(Vector512<float> left, Vector512<float> right, Vector512<float> ifLess, Vector512<float> otherwise) =>
        Vector512.ConditionalSelect(Vector512.LessThan(left, right), ifLess, otherwise);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ScaleByPow2(Vector512<float> p, Vector512<float> n) => Avx512F.Scale(p, n);
    public static Vector512<float> Zero => Vector512<float>.Zero;
    public static Vector512<float> One => Vector512<float>.One;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Activations.Sigmoid<Vector512Ops, Vector512<float>>(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x) => Activations.Tanh<Vector512Ops, Vector512<float>>(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WidenBf16Pairs(ushort* source, out Vector512<float> even, out Vector512<float> odd)
    {
        // A bfloat16 is the top half of a float32: the lane's low half shifted up is one, its high half masked the other.
        Vector512<uint> lanes = Vector512.Load((uint*)source);
        even = Vector512.ShiftLeft(lanes, 16).AsSingle();
        odd = (lanes & Vector512.Create(0xFFFF0000u)).AsSingle();
    }
}

internal readonly unsafe struct Vector256Ops : IDoubleWidening<Vector256<float>, Vector256<double>>
{
    public static int Count => Vector256<float>.Count;
    public static Vector256<double> ZeroDouble => Vector256<double>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Widen(Vector256<float> value, out Vector256<double> lower, out Vector256<double> upper) => (lower, upper) = Vector256.Widen(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Add(Vector256<double> left, Vector256<double> right) => left + right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> MultiplyAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Vector256.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector256<double> value) => Vector256.Sum(value);
    public static int GemvPanels => 4;   // 4 panels = 8 ymm chains
    public static int GemmRows => 6;     // AVX2 has 16 registers: 6 rows × 1 panel = 12 accumulators
    public static int GemmPanels => 1;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* source) => Vector256.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, float* destination) => value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadAligned(float* source) => Vector256.LoadAligned(source);
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
    public static Vector256<float> Abs(Vector256<float> value) => Vector256.Abs(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> CopySign(Vector256<float> magnitude, Vector256<float> sign) => Vector256.CopySign(magnitude, sign);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Vector256.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> left, Vector256<float> right) => Vector256.Max(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MinNative(Vector256<float> left, Vector256<float> right) => Vector256.MinNative(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MaxNative(Vector256<float> left, Vector256<float> right) => Vector256.MaxNative(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SelectWhereLess(Vector256<float> left, Vector256<float> right, Vector256<float> ifLess, Vector256<float> otherwise) =>
        Vector256.ConditionalSelect(Vector256.LessThan(left, right), ifLess, otherwise);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ScaleByPow2(Vector256<float> p, Vector256<float> n) => Avx512F.VL.IsSupported
        ? Avx512F.VL.Scale(p, n)
        : p * ((Vector256.ConvertToInt32Native(n) + Vector256.Create(127)) << 23).AsSingle();
    public static Vector256<float> Zero => Vector256<float>.Zero;
    public static Vector256<float> One => Vector256<float>.One;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Activations.Sigmoid<Vector256Ops, Vector256<float>>(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x) => Activations.Tanh<Vector256Ops, Vector256<float>>(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WidenBf16Pairs(ushort* source, out Vector256<float> even, out Vector256<float> odd)
    {
        Vector256<uint> lanes = Vector256.Load((uint*)source);
        // As Vector128Ops: a byte shuffle (the shuffle port) moves the low halves up, not a shift on the multiply-add ports.
        even = Avx2.Shuffle(lanes.AsByte(), Vector256.Create((byte)0x80, 0x80, 0, 1, 0x80, 0x80, 4, 5, 0x80, 0x80, 8, 9, 0x80, 0x80, 12, 13,
            0x80, 0x80, 0, 1, 0x80, 0x80, 4, 5, 0x80, 0x80, 8, 9, 0x80, 0x80, 12, 13)).AsSingle();
        odd = (lanes & Vector256.Create(0xFFFF0000u)).AsSingle();
    }
}

/// <summary>
/// 4 lanes: AdvSimd on ARM64 (32 registers), SSE/AVX on x64 (16, or 32 where AVX-512 encodes them). The blocking
/// follows the register file: with 32 a GEMV pass keeps 4 panels (16 accumulators: a row of four panels is four whole
/// cache lines per k) and the GEMM kernel 6 rows × 4 vectors (24 accumulators, 4 of B, the broadcast A); with 16
/// registers 2 panels (8 accumulators) and 2 rows × 4 (8 + 4 of B + A + the product SSE needs without FMA). On x64 with
/// AVX-512 (a forced Vector128, the closest thing to ARM64 that can be timed here) 6 rows instead of 2 took the
/// batch-16 LSTM sequence from 41.9 to 35.2 ms and the 2×256 training step from 244 to 219 ms.
/// </summary>
internal readonly unsafe struct Vector128Ops : IDoubleWidening<Vector128<float>, Vector128<double>>
{
    public static int Count => Vector128<float>.Count;
    public static Vector128<double> ZeroDouble => Vector128<double>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Widen(Vector128<float> value, out Vector128<double> lower, out Vector128<double> upper) => (lower, upper) = Vector128.Widen(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Add(Vector128<double> left, Vector128<double> right) => left + right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> MultiplyAdd(Vector128<double> a, Vector128<double> b, Vector128<double> c) => Vector128.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector128<double> value) => Vector128.Sum(value);
    public static int GemvPanels => AdvSimd.Arm64.IsSupported || Avx512F.VL.IsSupported ? 4 : 2;
    public static int GemmRows => AdvSimd.Arm64.IsSupported || Avx512F.VL.IsSupported ? 6 : 2;
    public static int GemmPanels => 1;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(float* source) => Vector128.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, float* destination) => value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadAligned(float* source) => Vector128.LoadAligned(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> left, Vector128<float> right) => left + right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> left, Vector128<float> right) => left - right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> left, Vector128<float> right) => left * right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Divide(Vector128<float> left, Vector128<float> right) => left / right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Negate(Vector128<float> value) => -value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sqrt(Vector128<float> value) => Vector128.Sqrt(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Abs(Vector128<float> value) => Vector128.Abs(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> CopySign(Vector128<float> magnitude, Vector128<float> sign) => Vector128.CopySign(magnitude, sign);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        Vector128.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> left, Vector128<float> right) => Vector128.Max(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MinNative(Vector128<float> left, Vector128<float> right) => Vector128.MinNative(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MaxNative(Vector128<float> left, Vector128<float> right) => Vector128.MaxNative(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SelectWhereLess(Vector128<float> left, Vector128<float> right, Vector128<float> ifLess, Vector128<float> otherwise) =>
        Vector128.ConditionalSelect(Vector128.LessThan(left, right), ifLess, otherwise);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ScaleByPow2(Vector128<float> p, Vector128<float> n) => Avx512F.VL.IsSupported
        ? Avx512F.VL.Scale(p, n)
        : p * ((Vector128.ConvertToInt32Native(n) + Vector128.Create(127)) << 23).AsSingle();
    public static Vector128<float> Zero => Vector128<float>.Zero;
    public static Vector128<float> One => Vector128<float>.One;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x) => Activations.Sigmoid<Vector128Ops, Vector128<float>>(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x) => Activations.Tanh<Vector128Ops, Vector128<float>>(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WidenBf16Pairs(ushort* source, out Vector128<float> even, out Vector128<float> odd)
    {
        Vector128<uint> lanes = Vector128.Load((uint*)source);
        // On x64 a byte shuffle moves the low halves up on the shuffle port, leaving the two ports the 128-bit
        // multiply-adds and shifts share to the multiply-adds (a shift there measured 8 % slower on a Xeon).
        even = Ssse3.IsSupported
            ? Ssse3.Shuffle(lanes.AsByte(), Vector128.Create((byte)0x80, 0x80, 0, 1, 0x80, 0x80, 4, 5, 0x80, 0x80, 8, 9, 0x80, 0x80, 12, 13)).AsSingle()
            : Vector128.ShiftLeft(lanes, 16).AsSingle();
        odd = (lanes & Vector128.Create(0xFFFF0000u)).AsSingle();
    }
}

/// <summary>One lane: the scalar path, and the tail of the vector paths.</summary>
internal readonly unsafe struct ScalarOps : IFloatVectorOps<float>
{
    public static int Count => 1;
    public static int GemvPanels => 1;   // one panel row is already 16 independent chains
    public static int GemmRows => 1;
    public static int GemmPanels => 1;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float source, nuint offset) => Unsafe.Add(ref source, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(float* source) => *source;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, float* destination) => *destination = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadAligned(float* source) => *source;
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
    public static float Abs(float value) => MathF.Abs(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float CopySign(float magnitude, float sign) => MathF.CopySign(magnitude, sign);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) =>
        FusedMultiplyAdd.IsAccelerated ? MathF.FusedMultiplyAdd(a, b, c) : a * b + c;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float left, float right) => MathF.Max(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MinNative(float left, float right) => left < right ? left : right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxNative(float left, float right) => left > right ? left : right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SelectWhereLess(float left, float right, float ifLess, float otherwise) => left < right ? ifLess : otherwise;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ScaleByPow2(float p, float n) => p * BitConverter.Int32BitsToSingle(((int)n + 127) << 23);
    public static float Zero => 0f;
    public static float One => 1f;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => Activations.Sigmoid(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => Activations.Tanh(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WidenBf16Pairs(ushort* source, out float even, out float odd)
    {
        even = PackedMatrixBf16.FromBf16(source[0]);
        odd = PackedMatrixBf16.FromBf16(source[1]);
    }
}
