using System.Runtime.InteropServices;

namespace Rnn.Benchmarks.Peers;

/// <summary>
/// Writes an ONNX model (ir_version 8, opset 17) holding one <c>LSTM</c> or <c>GRU</c> node, from PyTorch-layout
/// weights, with a hand-written protobuf encoder (no Python, no protoc, no onnx package).
/// Graph inputs: X (T, B, I), initial_h (1, B, H), and for LSTM initial_c (1, B, H).
/// Graph outputs: Y (T, 1, B, H) when requested, Y_h (1, B, H), and for LSTM Y_c (1, B, H).
/// Initializers: W (1, G·H, I), R (1, G·H, H), B (1, 2·G·H) = [Wb, Rb], gates reordered to ONNX order:
/// PyTorch LSTM i, f, g, o → ONNX i, o, f, c; PyTorch GRU r, z, n → ONNX z, r, h (linear_before_reset = 1,
/// which is PyTorch's GRU: r multiplies (W_hn h + b_hn)).
/// With <c>quantized</c> (LSTM only) the node is ONNX Runtime's <c>com.microsoft.DynamicQuantizeLSTM</c>: W (1, I, 4H)
/// and R (1, H, 4H) as int8, transposed as that op wants them, each output column quantized symmetrically with its
/// own scale (W_scale, R_scale (1, 4H); zero points 0), as our int8 weights are per output row.
/// </summary>
internal static class OnnxModelWriter
{
    public const long IrVersion = 8;
    public const long Opset = 17;

    // onnx.proto field numbers (only those used here).
    private const int ModelIrVersion = 1, ModelProducerName = 2, ModelGraph = 7, ModelOpsetImport = 8;
    private const int OpsetVersion = 2;
    private const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5;
    private const int AttrName = 1, AttrI = 3, AttrType = 20, AttrTypeInt = 2;
    private const int NodeDomain = 7, OpsetDomain = 1;
    private const int TensorDims = 1, TensorDataType = 2, TensorName = 8, TensorRawData = 9, DataTypeFloat = 1, DataTypeInt8 = 3;
    private const string MicrosoftDomain = "com.microsoft";
    private const int ValueInfoName = 1, ValueInfoType = 2;
    private const int TypeTensorType = 1, TensorTypeElemType = 1, TensorTypeShape = 2;
    private const int ShapeDim = 1, DimValue = 1;

    // Source block (PyTorch order) for each destination block (ONNX order).
    private static readonly int[] LstmOnnxFromPyTorch = [0, 3, 1, 2]; // i, o, f, c  ←  i, f, g, o
    private static readonly int[] GruOnnxFromPyTorch = [1, 0, 2];     // z, r, h     ←  r, z, n

    public static byte[] Write(RnnWeights w, int sequenceLength, int batch, bool includeY, bool quantized = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequenceLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        int I = w.InputSize, H = w.HiddenSize, G = w.Gates;
        bool lstm = w.Cell == CellType.Lstm;
        if (quantized && !lstm) throw new NotSupportedException("ONNX Runtime has a quantized LSTM (DynamicQuantizeLSTM), no quantized GRU.");
        int[] order = lstm ? LstmOnnxFromPyTorch : GruOnnxFromPyTorch;

        float[] onnxW = ReorderGateBlocks(w.WeightIh, order, H * I);
        float[] onnxR = ReorderGateBlocks(w.WeightHh, order, H * H);
        float[] onnxB = new float[2 * G * H];
        ReorderGateBlocks(w.BiasIh, order, H).CopyTo(onnxB, 0);
        ReorderGateBlocks(w.BiasHh, order, H).CopyTo(onnxB, G * H);

        var node = new ProtobufWriter();
        // Inputs by position: X, W, R, B, sequence_lens (absent), initial_h, initial_c.
        node.String(NodeInput, "X").String(NodeInput, "W").String(NodeInput, "R").String(NodeInput, "B")
            .String(NodeInput, "").String(NodeInput, "initial_h");
        if (lstm) node.String(NodeInput, "initial_c");
        // DynamicQuantizeLSTM goes on: P (absent), W_scale, W_zero_point, R_scale, R_zero_point.
        if (quantized) node.String(NodeInput, "").String(NodeInput, "W_scale").String(NodeInput, "W_zero_point")
            .String(NodeInput, "R_scale").String(NodeInput, "R_zero_point");
        // Outputs by position: Y, Y_h, Y_c; an empty name leaves an optional output out.
        node.String(NodeOutput, includeY ? "Y" : "").String(NodeOutput, "Y_h");
        if (lstm) node.String(NodeOutput, "Y_c");
        node.String(NodeName, lstm ? "lstm" : "gru").String(NodeOpType, quantized ? "DynamicQuantizeLSTM" : lstm ? "LSTM" : "GRU");
        if (quantized) node.String(NodeDomain, MicrosoftDomain);
        node.Message(NodeAttribute, IntAttribute("hidden_size", H));
        if (!lstm) node.Message(NodeAttribute, IntAttribute("linear_before_reset", 1));

        var graph = new ProtobufWriter();
        graph.Message(GraphNode, node).String(GraphName, lstm ? "lstm_layer" : "gru_layer");
        if (quantized)
        {
            AddQuantized(graph, "W", onnxW, G * H, I);
            AddQuantized(graph, "R", onnxR, G * H, H);
        }
        else
        {
            graph.Message(GraphInitializer, FloatTensor("W", [1, G * H, I], onnxW));
            graph.Message(GraphInitializer, FloatTensor("R", [1, G * H, H], onnxR));
        }
        graph.Message(GraphInitializer, FloatTensor("B", [1, 2 * G * H], onnxB));
        graph.Message(GraphInput, FloatValueInfo("X", [sequenceLength, batch, I]));
        graph.Message(GraphInput, FloatValueInfo("initial_h", [1, batch, H]));
        if (lstm) graph.Message(GraphInput, FloatValueInfo("initial_c", [1, batch, H]));
        if (includeY) graph.Message(GraphOutput, FloatValueInfo("Y", [sequenceLength, 1, batch, H]));
        graph.Message(GraphOutput, FloatValueInfo("Y_h", [1, batch, H]));
        if (lstm) graph.Message(GraphOutput, FloatValueInfo("Y_c", [1, batch, H]));

        var opset = new ProtobufWriter().Int64(OpsetVersion, Opset); // domain omitted = the default ONNX domain
        var model = new ProtobufWriter()
            .Int64(ModelIrVersion, IrVersion)
            .String(ModelProducerName, "Rnn.Benchmarks")
            .Message(ModelGraph, graph)
            .Message(ModelOpsetImport, opset);
        if (quantized) model.Message(ModelOpsetImport, new ProtobufWriter().String(OpsetDomain, MicrosoftDomain).Int64(OpsetVersion, 1));
        return model.ToArray();
    }

    /// <summary>
    /// name (1, K, N) int8 = the transpose of <paramref name="rows"/> (N × K), each row n quantized symmetrically:
    /// q = round(w / s) to even, s = max|w_n| / 127; name_scale (1, N) = s, name_zero_point (1, N) = 0.
    /// </summary>
    private static void AddQuantized(ProtobufWriter graph, string name, float[] rows, int n, int k)
    {
        var q = new sbyte[k * n];
        var scale = new float[n];
        for (int r = 0; r < n; r++)
        {
            float max = 0;
            for (int j = 0; j < k; j++) max = MathF.Max(max, MathF.Abs(rows[r * k + j]));
            scale[r] = max == 0 ? 1 : max / 127f;
            for (int j = 0; j < k; j++) q[j * n + r] = (sbyte)Math.Clamp(MathF.Round(rows[r * k + j] / scale[r]), -127, 127);
        }
        graph.Message(GraphInitializer, Tensor(name, [1, k, n], DataTypeInt8, MemoryMarshal.AsBytes(q.AsSpan())));
        graph.Message(GraphInitializer, FloatTensor(name + "_scale", [1, n], scale));
        graph.Message(GraphInitializer, Tensor(name + "_zero_point", [1, n], DataTypeInt8, new byte[n]));
    }

    private static ProtobufWriter Tensor(string name, long[] dims, int dataType, ReadOnlySpan<byte> raw)
    {
        var t = new ProtobufWriter();
        foreach (long d in dims) t.Int64(TensorDims, d);
        t.Int64(TensorDataType, dataType).String(TensorName, name);
        t.Bytes(TensorRawData, raw);
        return t;
    }

    /// <summary>src holds blocks of blockSize floats in PyTorch gate order; result block d = src block order[d].</summary>
    internal static float[] ReorderGateBlocks(float[] src, int[] order, int blockSize)
    {
        var dst = new float[src.Length];
        for (int d = 0; d < order.Length; d++)
            Array.Copy(src, order[d] * blockSize, dst, d * blockSize, blockSize);
        return dst;
    }

    private static ProtobufWriter IntAttribute(string name, long value) =>
        new ProtobufWriter().String(AttrName, name).Int64(AttrI, value).Int64(AttrType, AttrTypeInt);

    private static ProtobufWriter FloatTensor(string name, long[] dims, float[] data)
    {
        var t = new ProtobufWriter();
        foreach (long d in dims) t.Int64(TensorDims, d); // unpacked repeated int64: valid for proto2 and proto3 readers
        t.Int64(TensorDataType, DataTypeFloat).String(TensorName, name);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("raw_data must be little-endian.");
        t.Bytes(TensorRawData, MemoryMarshal.AsBytes(data.AsSpan()));
        return t;
    }

    private static ProtobufWriter FloatValueInfo(string name, long[] dims)
    {
        var shape = new ProtobufWriter();
        foreach (long d in dims) shape.Message(ShapeDim, new ProtobufWriter().Int64(DimValue, d));
        var tensorType = new ProtobufWriter().Int64(TensorTypeElemType, DataTypeFloat).Message(TensorTypeShape, shape);
        var type = new ProtobufWriter().Message(TypeTensorType, tensorType);
        return new ProtobufWriter().String(ValueInfoName, name).Message(ValueInfoType, type);
    }
}
