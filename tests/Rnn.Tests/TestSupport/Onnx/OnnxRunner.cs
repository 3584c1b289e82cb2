using Rnn.Runtime;
using Rnn.Runtime.IO.Onnx;
using Rnn.Runtime.Kernels;

namespace Rnn.Tests.TestSupport.Onnx;

/// <summary>Runs a loaded ONNX model's session on the node's own tensors and returns Y, Y_h, Y_c in the node's layout.</summary>
internal static class OnnxRunner
{
    public static (float[] Y, float[] Yh, float[] Yc) Run(RnnModel model, float[] x, int T, int B,
        int[]? lengths = null, float[]? h0 = null, float[]? c0 = null, WeightPrecision precision = WeightPrecision.Float32)
    {
        int layout = model.Onnx!.Layout, D = model.Directions, H = model.HiddenSize, S = model.NumLayers * D;
        float[] FromOnnx(float[]? onnx)
        {
            if (onnx is null) return [];
            var state = new float[onnx.Length];
            OnnxLayouts.FromOnnxState(onnx, state, S, B, H, layout);
            return state;
        }
        var output = new float[T * B * D * H];
        var hn = new float[S * B * H];
        var cn = model.Cell == CellKind.Lstm ? new float[S * B * H] : [];
        using (RnnSession session = model.CreateSession(T, B, precision))
            session.Run(x, output, T, B, lengths ?? [], FromOnnx(h0), FromOnnx(c0), hn, cn, batchFirst: layout == 1);
        var y = new float[output.Length];
        OnnxLayouts.ToY(output, y, T, B, D, H, layout);
        var yh = new float[hn.Length];
        OnnxLayouts.ToOnnxState(hn, yh, S, B, H, layout);
        var yc = new float[cn.Length];
        if (cn.Length > 0) OnnxLayouts.ToOnnxState(cn, yc, S, B, H, layout);
        return (y, yh, yc);
    }

    /// <summary>Writes <paramref name="spec"/> as a model in <paramref name="folder"/>, loads it and checks every output
    /// against <see cref="OnnxReference"/>.</summary>
    public static void AssertMatchesReference(OnnxNodeSpec spec, string folder, float[] x, int T, int B, int[]? lengths = null,
        float[]? h0 = null, float[]? c0 = null, KernelPath? kernelPath = null, double atol = 2e-5, string what = "")
    {
        string path = Path.Combine(folder, "model.onnx");
        spec.ToGraph().Save(path);
        using RnnModel model = RnnModel.Load(path, kernelPath: kernelPath);
        var (y, yh, yc) = Run(model, x, T, B, lengths, h0, c0);
        OnnxReference.Outputs expected = OnnxReference.Run(spec, x, T, B, lengths, h0, c0);
        Tolerance.AssertClose(expected.Y, y, atol, 1e-4, $"{what} Y");
        Tolerance.AssertClose(expected.Yh, yh, atol, 1e-4, $"{what} Y_h");
        if (spec.Lstm) Tolerance.AssertClose(expected.Yc, yc, atol, 1e-4, $"{what} Y_c");
    }

    public static float[] RandomTensor(int count, int seed, float scale = 1f)
    {
        var rng = new System.Random(seed);
        var a = new float[count];
        for (int i = 0; i < count; i++) a[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return a;
    }
}
