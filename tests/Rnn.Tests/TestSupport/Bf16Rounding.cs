using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Runtime.Kernels;

namespace Rnn.Tests.TestSupport;

/// <summary>What a bfloat16 stream or session must compute: a float32 model whose weights are rounded to bfloat16.</summary>
internal static class Bf16Rounding
{
    /// <summary>A float32 copy of <paramref name="model"/> with every tensor whose name starts with
    /// <paramref name="weights"/> ("weight_hh" for a session's recurrent weights, "weight_" for a stream's) rounded to
    /// bfloat16 (nearest even) and widened back.</summary>
    public static RnnModel RoundedModel(RnnModel model, string weights, KernelPath path)
    {
        TensorDictionary rounded = model.ToStateDict();
        foreach (string name in rounded.Names)
        {
            if (!name.StartsWith(weights, StringComparison.Ordinal)) continue;
            float[] w = rounded[name];
            for (int i = 0; i < w.Length; i++) w[i] = PackedMatrixBf16.FromBf16(PackedMatrixBf16.ToBf16(w[i]));
        }
        return RnnModel.FromTensors(rounded, model.Cell, kernelPath: path);
    }
}
