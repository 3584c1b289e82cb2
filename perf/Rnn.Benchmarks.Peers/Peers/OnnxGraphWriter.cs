using System.Runtime.InteropServices;

namespace Rnn.Benchmarks.Peers;

/// <summary>
/// Writes a small ONNX model (one graph of nodes, float initializers, inputs and outputs) with the hand-written
/// protobuf encoder: enough to describe any RNN / LSTM / GRU node with every attribute, for the benchmarks, the
/// ONNX Runtime reference tool and (linked into) the tests. Initializers go in as raw_data, float_data or an
/// external data file beside the model.
/// </summary>
internal sealed class OnnxGraphWriter
{
    // onnx.proto field numbers (only those used here).
    private const int ModelIrVersion = 1, ModelProducerName = 2, ModelGraph = 7, ModelOpsetImport = 8, OpsetVersion = 2;
    private const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5, NodeDomain = 7, OpsetDomain = 1;
    private const int AttrName = 1, AttrF = 2, AttrI = 3, AttrS = 4, AttrInts = 8, AttrStrings = 9, AttrType = 20;
    private const int AttrTypeFloat = 1, AttrTypeInt = 2, AttrTypeString = 3, AttrTypeInts = 7, AttrTypeStrings = 8;
    private const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorName = 8, TensorRawData = 9,
        TensorExternalData = 13, TensorDataLocation = 14, EntryKey = 1, EntryValue = 2;
    private const int ValueInfoName = 1, ValueInfoType = 2, TypeTensorType = 1, TensorTypeElemType = 1, TensorTypeShape = 2, ShapeDim = 1,
        DimValue = 1, DimParam = 2;
    public const int Float = 1, UInt8 = 2, Int8 = 3, Int32 = 6;
    private readonly List<string> _domains = [];

    /// <summary>Where an initializer's values go.</summary>
    public enum Storage { RawData, FloatData, External }

    private readonly ProtobufWriter _graph = new();
    private readonly List<(string File, byte[] Bytes)> _external = [];

    public long IrVersion { get; init; } = 8;
    public long Opset { get; init; } = 17;

    public OnnxGraphWriter(string name = "graph") => _graph.String(GraphName, name);

    /// <summary>A node; attribute values are long (INT), float (FLOAT), string (STRING), long[] (INTS) or string[] (STRINGS).</summary>
    public OnnxGraphWriter Node(string opType, string name, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes) =>
        Node("", opType, name, inputs, outputs, attributes);

    /// <summary>A node of another operator domain (com.microsoft); the model then imports opset 1 of it.</summary>
    public OnnxGraphWriter Node(string domain, string opType, string name, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var node = new ProtobufWriter();
        foreach (string i in inputs) node.String(NodeInput, i);
        foreach (string o in outputs) node.String(NodeOutput, o);
        node.String(NodeName, name).String(NodeOpType, opType);
        if (domain.Length > 0)
        {
            node.String(NodeDomain, domain);
            if (!_domains.Contains(domain)) _domains.Add(domain);
        }
        foreach (var (attrName, value) in attributes)
        {
            var a = new ProtobufWriter().String(AttrName, attrName);
            switch (value)
            {
                case long l: a.Int64(AttrI, l).Int64(AttrType, AttrTypeInt); break;
                case int i: a.Int64(AttrI, i).Int64(AttrType, AttrTypeInt); break;
                case float f: a.Float(AttrF, f).Int64(AttrType, AttrTypeFloat); break;
                case string s: a.String(AttrS, s).Int64(AttrType, AttrTypeString); break;
                case long[] ls:
                    foreach (long l in ls) a.Int64(AttrInts, l);
                    a.Int64(AttrType, AttrTypeInts);
                    break;
                case string[] ss:
                    foreach (string s in ss) a.String(AttrStrings, s);
                    a.Int64(AttrType, AttrTypeStrings);
                    break;
                default: throw new ArgumentException($"attribute {attrName}: unsupported value type {value.GetType()}");
            }
            node.Message(NodeAttribute, a);
        }
        _graph.Message(GraphNode, node);
        return this;
    }

    /// <summary>A FLOAT initializer; <see cref="Storage.External"/> puts its bytes in <paramref name="externalFile"/> (beside the model).</summary>
    public OnnxGraphWriter Initializer(string name, long[] dims, float[] data, Storage storage = Storage.RawData, string externalFile = "weights.bin")
    {
        var t = new ProtobufWriter();
        foreach (long d in dims) t.Int64(TensorDims, d); // unpacked repeated int64: valid for proto2 and proto3 readers
        t.Int64(TensorDataType, Float).String(TensorName, name);
        byte[] bytes = MemoryMarshal.AsBytes(data.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX stores little-endian data.");
        switch (storage)
        {
            case Storage.RawData: t.Bytes(TensorRawData, bytes); break;
            case Storage.FloatData: t.Bytes(TensorFloatData, bytes); break; // packed repeated float: the same bytes
            case Storage.External: External(t, bytes, externalFile); break;
        }
        _graph.Message(GraphInitializer, t);
        return this;
    }

    /// <summary>An INT8 (or, with <paramref name="dataType"/> <see cref="UInt8"/>, UINT8) initializer in raw_data, or
    /// with <see cref="Storage.External"/> in <paramref name="externalFile"/>.</summary>
    public OnnxGraphWriter Initializer(string name, long[] dims, byte[] data, int dataType, Storage storage = Storage.RawData, string externalFile = "weights.bin")
    {
        var t = new ProtobufWriter();
        foreach (long d in dims) t.Int64(TensorDims, d);
        t.Int64(TensorDataType, dataType).String(TensorName, name);
        if (storage == Storage.External) External(t, data, externalFile);
        else t.Bytes(TensorRawData, data);
        _graph.Message(GraphInitializer, t);
        return this;
    }

    /// <summary>Appends <paramref name="bytes"/> to <paramref name="file"/> and points the tensor at them.</summary>
    private void External(ProtobufWriter t, byte[] bytes, string file)
    {
        int index = _external.FindIndex(e => e.File == file);
        long offset = index < 0 ? 0 : _external[index].Bytes.Length;
        byte[] joined = index < 0 ? bytes : [.. _external[index].Bytes, .. bytes];
        if (index < 0) _external.Add((file, joined)); else _external[index] = (file, joined);
        t.Message(TensorExternalData, new ProtobufWriter().String(EntryKey, "location").String(EntryValue, file));
        t.Message(TensorExternalData, new ProtobufWriter().String(EntryKey, "offset").String(EntryValue, offset.ToString()));
        t.Message(TensorExternalData, new ProtobufWriter().String(EntryKey, "length").String(EntryValue, bytes.Length.ToString()));
        t.Int64(TensorDataLocation, 1);
    }

    /// <summary>A graph input; a null dim is symbolic.</summary>
    public OnnxGraphWriter Input(string name, long?[] dims, int elementType = Float) => ValueInfo(GraphInput, name, dims, elementType);

    public OnnxGraphWriter Output(string name, long?[] dims) => ValueInfo(GraphOutput, name, dims, Float);

    private OnnxGraphWriter ValueInfo(int field, string name, long?[] dims, int elementType)
    {
        var shape = new ProtobufWriter();
        foreach (long? d in dims)
            shape.Message(ShapeDim, d is { } v ? new ProtobufWriter().Int64(DimValue, v) : new ProtobufWriter().String(DimParam, "n"));
        var tensorType = new ProtobufWriter().Int64(TensorTypeElemType, elementType).Message(TensorTypeShape, shape);
        var type = new ProtobufWriter().Message(TypeTensorType, tensorType);
        _graph.Message(field, new ProtobufWriter().String(ValueInfoName, name).Message(ValueInfoType, type));
        return this;
    }

    /// <summary>The serialized ModelProto.</summary>
    public byte[] ToBytes()
    {
        var opset = new ProtobufWriter().Int64(OpsetVersion, Opset); // domain omitted = the default ONNX domain
        var model = new ProtobufWriter().Int64(ModelIrVersion, IrVersion).String(ModelProducerName, "Rnn.Benchmarks")
            .Message(ModelGraph, _graph).Message(ModelOpsetImport, opset);
        foreach (string domain in _domains) model.Message(ModelOpsetImport, new ProtobufWriter().String(OpsetDomain, domain).Int64(OpsetVersion, 1));
        return model.ToArray();
    }

    /// <summary>Writes the model to <paramref name="path"/> and its external data files beside it.</summary>
    public void Save(string path)
    {
        File.WriteAllBytes(path, ToBytes());
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        foreach (var (file, bytes) in _external) File.WriteAllBytes(Path.Combine(folder, file), bytes);
    }
}
