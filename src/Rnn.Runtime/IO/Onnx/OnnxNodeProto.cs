namespace Rnn.Runtime.IO.Onnx;

/// <summary>An ONNX <c>NodeProto</c>: operator, inputs and outputs by position ("" for an omitted optional one), attributes.</summary>
internal sealed class OnnxNodeProto
{
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5, NodeDomain = 7;

    public string Name { get; private set; } = "";
    public string OpType { get; private set; } = "";
    public string Domain { get; private set; } = "";
    public List<string> Inputs { get; } = [];
    public List<string> Outputs { get; } = [];
    public List<OnnxAttributeProto> Attributes { get; } = [];

    /// <summary>The input at <paramref name="index"/>, or "" when absent (ONNX's way of omitting an optional input).</summary>
    public string Input(int index) => index < Inputs.Count ? Inputs[index] : "";

    /// <summary>The output at <paramref name="index"/>, or "" when not produced.</summary>
    public string Output(int index) => index < Outputs.Count ? Outputs[index] : "";

    public OnnxAttributeProto? Attribute(string name)
    {
        foreach (OnnxAttributeProto a in Attributes)
            if (a.Name == name) return a;
        return null;
    }

    /// <summary>"LSTM node 'name'" (or its position when unnamed), for messages.</summary>
    public string Describe(int index) => Name.Length > 0 ? $"{OpType} node '{Name}'" : $"{OpType} node #{index} (unnamed)";

    public static OnnxNodeProto Read(ProtobufReader r)
    {
        var node = new OnnxNodeProto();
        while (!r.End)
        {
            var (field, wire) = r.ReadTag();
            switch (field)
            {
                case NodeInput: r.Expect(field, wire, ProtobufReader.WireLengthDelimited, "input"); node.Inputs.Add(r.ReadString()); break;
                case NodeOutput: r.Expect(field, wire, ProtobufReader.WireLengthDelimited, "output"); node.Outputs.Add(r.ReadString()); break;
                case NodeName: r.Expect(field, wire, ProtobufReader.WireLengthDelimited, "name"); node.Name = r.ReadString(); break;
                case NodeOpType: r.Expect(field, wire, ProtobufReader.WireLengthDelimited, "op_type"); node.OpType = r.ReadString(); break;
                case NodeDomain: r.Expect(field, wire, ProtobufReader.WireLengthDelimited, "domain"); node.Domain = r.ReadString(); break;
                case NodeAttribute:
                    r.Expect(field, wire, ProtobufReader.WireLengthDelimited, "attribute");
                    node.Attributes.Add(OnnxAttributeProto.Read(r.ReadMessage()));
                    break;
                default: r.Skip(wire); break;
            }
        }
        return node;
    }
}

/// <summary>An ONNX <c>AttributeProto</c>: the scalar and list kinds a recurrent node uses, and a tensor (for Constant nodes).</summary>
internal sealed class OnnxAttributeProto
{
    private const int AttrName = 1, AttrF = 2, AttrI = 3, AttrS = 4, AttrT = 5, AttrFloats = 7, AttrInts = 8, AttrStrings = 9, AttrType = 20;

    /// <summary>AttributeProto.AttributeType values.</summary>
    public const int TypeFloat = 1, TypeInt = 2, TypeString = 3, TypeTensor = 4, TypeFloats = 6, TypeInts = 7, TypeStrings = 8;

    public string Name { get; private set; } = "";
    /// <summary>The declared type; 0 in files from before IR version 2, where the set field tells.</summary>
    public int Type { get; private set; }
    public float F { get; private set; }
    public long I { get; private set; }
    public string S { get; private set; } = "";
    public OnnxTensorProto? T { get; private set; }
    public List<float> Floats { get; } = [];
    public List<long> Ints { get; } = [];
    public List<string> Strings { get; } = [];
    private bool _hasF, _hasI, _hasS;

    /// <summary>The type from the declared one, or from the field that was set.</summary>
    public int EffectiveType => Type != 0 ? Type
        : _hasF ? TypeFloat : _hasI ? TypeInt : _hasS ? TypeString : T is not null ? TypeTensor
        : Floats.Count > 0 ? TypeFloats : Ints.Count > 0 ? TypeInts : Strings.Count > 0 ? TypeStrings : 0;

    public static OnnxAttributeProto Read(ProtobufReader r)
    {
        var a = new OnnxAttributeProto();
        while (!r.End)
        {
            var (field, wire) = r.ReadTag();
            switch (field)
            {
                case AttrName: r.Expect(field, wire, ProtobufReader.WireLengthDelimited, "name"); a.Name = r.ReadString(); break;
                case AttrType: r.Expect(field, wire, ProtobufReader.WireVarint, "type"); a.Type = r.ReadInt32(); break;
                case AttrF: r.Expect(field, wire, ProtobufReader.WireFixed32, "f"); a.F = r.ReadFloat(); a._hasF = true; break;
                case AttrI: r.Expect(field, wire, ProtobufReader.WireVarint, "i"); a.I = r.ReadInt64(); a._hasI = true; break;
                case AttrS:
                    r.Expect(field, wire, ProtobufReader.WireLengthDelimited, "s");
                    a.S = ReadLatinOrUtf8(ref r);
                    a._hasS = true;
                    break;
                case AttrT: r.Expect(field, wire, ProtobufReader.WireLengthDelimited, "t"); a.T = OnnxTensorProto.Read(r.ReadMessage()); break;
                case AttrFloats:
                    if (wire == ProtobufReader.WireLengthDelimited) OnnxTensorProto.ReadPackedFloats(r.ReadMessage(), a.Floats);
                    else { r.Expect(field, wire, ProtobufReader.WireFixed32, "floats"); a.Floats.Add(r.ReadFloat()); }
                    break;
                case AttrInts:
                    if (wire == ProtobufReader.WireLengthDelimited) OnnxTensorProto.ReadPackedVarints(r.ReadMessage(), a.Ints);
                    else { r.Expect(field, wire, ProtobufReader.WireVarint, "ints"); a.Ints.Add(r.ReadInt64()); }
                    break;
                case AttrStrings:
                    r.Expect(field, wire, ProtobufReader.WireLengthDelimited, "strings");
                    a.Strings.Add(ReadLatinOrUtf8(ref r));
                    break;
                default: r.Skip(wire); break;
            }
        }
        return a;
    }

    // Attribute strings are bytes in onnx.proto; the ones a recurrent node has (direction, activations) are ASCII.
    private static string ReadLatinOrUtf8(ref ProtobufReader r)
    {
        ReadOnlySpan<byte> bytes = r.ReadBytes();
        return System.Text.Encoding.UTF8.GetString(bytes);
    }
}
