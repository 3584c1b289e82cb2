namespace Rnn.Runtime;

/// <summary>How a stream or session stores the weights it reads every step.</summary>
public enum WeightPrecision
{
    /// <summary>float32, exactly PyTorch's numbers.</summary>
    Float32,

    /// <summary>
    /// bfloat16 (the top 16 bits of a float32, rounded to nearest even), widened to float32 in registers: half the
    /// bytes per step, so a memory-bound step runs up to twice as fast. Each weight carries a relative rounding
    /// error of at most 2⁻⁹ ≈ 0.2%; sums and activations stay float32. Opt-in, for callers who can accept outputs
    /// that differ from float32's by about 1e-3. A session of batch 3 or more, or a step of 4 or more streams (GRU: 3),
    /// runs the float32 GEMM over the rounded weights (the same values; at those batches its register blocking beats
    /// widening them row by row).
    /// </summary>
    BFloat16,

    /// <summary>
    /// int8 weights, quantized at load symmetrically with one float scale per output row and gate (biases stay float32),
    /// a quarter of float32's bytes. Each step quantizes its input and hidden vectors to int8 with their own scale, sums
    /// in int32 (exactly, so every instruction set gives the same bits), dequantizes once and runs the float32
    /// element-wise pass. Opt-in: outputs differ from float32's by about 1e-2 (see the README for measured bounds).
    /// Fastest where .NET reaches an integer dot product (AVX-VNNI, ARM64 SDOT): 4–7× ONNX Runtime's float32 step there
    /// (NativeAOT builds for <c>x86-64-v3</c> or <c>-v4</c> check for AVX-VNNI at run time and use it too; the default
    /// NativeAOT build has no AVX and runs SSSE3). Without one (AVX-512 CPUs that have only AVX512-VNNI, such as Zen 4,
    /// Ice Lake and Cascade Lake) a batch-1 step is still 2–3× faster, but batched sessions can be slower than float32:
    /// measure (<c>rnn bench --suite standard --only sequence/</c>) before choosing it for batches.
    /// </summary>
    Int8,
}
