namespace Rnn.Runtime.IO.Onnx;

/// <summary>
/// The parts of an ONNX <c>ModelProto</c> a recurrent node needs: IR version, opset imports and the main graph's
/// nodes, initializers, inputs and outputs (subgraphs, functions and metadata are skipped). Raw tensor data stays in
/// <see cref="Bytes"/> and is read only when a tensor is used.
/// </summary>
internal sealed class OnnxModelProto
{
    // onnx.proto field numbers.
    private const int ModelIrVersion = 1, ModelGraph = 7, ModelOpsetImport = 8;
    private const int OpsetDomain = 1, OpsetVersion = 2;
    private const int GraphNode = 1, GraphNameField = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
    private const int ValueInfoName = 1;

    /// <summary>The whole file: raw_data of the initializers points into it.</summary>
    public byte[] Bytes { get; }
    public long IrVersion { get; private set; }
    /// <summary>Opset version per domain ("" is the default ONNX domain).</summary>
    public Dictionary<string, long> Opsets { get; } = new(StringComparer.Ordinal);
    public string GraphName { get; private set; } = "";
    public List<OnnxNodeProto> Nodes { get; } = [];
    public Dictionary<string, OnnxTensorProto> Initializers { get; } = new(StringComparer.Ordinal);
    public List<string> Inputs { get; } = [];
    public List<string> Outputs { get; } = [];
    public bool HasGraph { get; private set; }

    private OnnxModelProto(byte[] bytes) => Bytes = bytes;

    /// <summary>
    /// Parses a serialized ModelProto. The single entry point for untrusted bytes (a fuzz harness calls it):
    /// anything malformed throws <see cref="RnnFormatException"/> naming <paramref name="sourceName"/> and the message.
    /// </summary>
    public static OnnxModelProto Parse(byte[] bytes, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var model = new OnnxModelProto(bytes);
        string where = "ModelProto";
        try
        {
            var r = new ProtobufReader(bytes);
            while (!r.End)
            {
                var (field, wire) = r.ReadTag();
                switch (field)
                {
                    case ModelIrVersion:
                        r.Expect(field, wire, ProtobufReader.WireVarint, "ir_version");
                        model.IrVersion = r.ReadInt64();
                        break;
                    case ModelOpsetImport:
                        r.Expect(field, wire, ProtobufReader.WireLengthDelimited, "opset_import");
                        where = "ModelProto.opset_import";
                        model.ReadOpset(r.ReadMessage());
                        break;
                    case ModelGraph:
                        r.Expect(field, wire, ProtobufReader.WireLengthDelimited, "graph");
                        where = "GraphProto";
                        model.ReadGraph(r.ReadMessage(), ref where);
                        model.HasGraph = true;
                        break;
                    default:
                        r.Skip(wire);
                        break;
                }
                where = "ModelProto";
            }
        }
        catch (ProtobufException e)
        {
            throw new RnnFormatException($"{sourceName}: not a valid ONNX model: {where}: {e.Message}.", sourceName, inner: e);
        }
        if (!model.HasGraph)
            throw new RnnFormatException($"{sourceName}: not an ONNX model: no graph in the ModelProto ({bytes.Length} bytes).", sourceName);
        return model;
    }

    private void ReadOpset(ProtobufReader r)
    {
        string domain = "";
        long version = 0;
        while (!r.End)
        {
            var (field, wire) = r.ReadTag();
            if (field == OpsetDomain && wire == ProtobufReader.WireLengthDelimited) domain = r.ReadString();
            else if (field == OpsetVersion && wire == ProtobufReader.WireVarint) version = r.ReadInt64();
            else r.Skip(wire);
        }
        Opsets[domain == "ai.onnx" ? "" : domain] = version;
    }

    private void ReadGraph(ProtobufReader r, ref string where)
    {
        while (!r.End)
        {
            var (field, wire) = r.ReadTag();
            switch (field)
            {
                case GraphNode:
                    r.Expect(field, wire, ProtobufReader.WireLengthDelimited, "node");
                    where = $"GraphProto.node[{Nodes.Count}]";
                    Nodes.Add(OnnxNodeProto.Read(r.ReadMessage()));
                    break;
                case GraphNameField:
                    r.Expect(field, wire, ProtobufReader.WireLengthDelimited, "name");
                    GraphName = r.ReadString();
                    break;
                case GraphInitializer:
                    r.Expect(field, wire, ProtobufReader.WireLengthDelimited, "initializer");
                    where = $"GraphProto.initializer[{Initializers.Count}]";
                    OnnxTensorProto t = OnnxTensorProto.Read(r.ReadMessage());
                    Initializers[t.Name] = t; // a later duplicate wins, as in ONNX Runtime's graph resolution
                    break;
                case GraphInput or GraphOutput:
                    r.Expect(field, wire, ProtobufReader.WireLengthDelimited, field == GraphInput ? "input" : "output");
                    where = field == GraphInput ? "GraphProto.input" : "GraphProto.output";
                    (field == GraphInput ? Inputs : Outputs).Add(ReadValueInfoName(r.ReadMessage()));
                    break;
                default:
                    r.Skip(wire);
                    break;
            }
            where = "GraphProto";
        }
    }

    private static string ReadValueInfoName(ProtobufReader r)
    {
        string name = "";
        while (!r.End)
        {
            var (field, wire) = r.ReadTag();
            if (field == ValueInfoName && wire == ProtobufReader.WireLengthDelimited) name = r.ReadString();
            else r.Skip(wire);
        }
        return name;
    }
}
