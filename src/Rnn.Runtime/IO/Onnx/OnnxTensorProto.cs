namespace Rnn.Runtime.IO.Onnx;

/// <summary>
/// An ONNX <c>TensorProto</c>: name, dims, element type and where the values are — raw_data (an offset into the
/// model's bytes), one of the typed repeated fields, or an external file (<see cref="External"/>).
/// </summary>
internal sealed class OnnxTensorProto
{
    private const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorInt32Data = 5, TensorInt64Data = 7,
        TensorName = 8, TensorRawData = 9, TensorDoubleData = 10, TensorExternalData = 13, TensorDataLocation = 14;
    private const int EntryKey = 1, EntryValue = 2;

    /// <summary>TensorProto.DataType values this runtime reads.</summary>
    public const int Float = 1, UInt8 = 2, Int8 = 3, Int32 = 6, Int64 = 7, Float16 = 10, Double = 11, BFloat16 = 16;

    public string Name { get; private set; } = "";
    public List<long> Dims { get; } = [];
    public int DataType { get; private set; }
    /// <summary>raw_data's place in the model's bytes; Length −1 when the tensor has no raw_data.</summary>
    public int RawOffset { get; private set; }
    public int RawLength { get; private set; } = -1;
    public List<float> FloatData { get; } = [];
    public List<double> DoubleData { get; } = [];
    public List<long> Int32Data { get; } = []; // int32_data holds int32, and float16/bfloat16 bit patterns
    public List<long> Int64Data { get; } = [];
    /// <summary>external_data key/value pairs (location, offset, length, checksum) when data_location is EXTERNAL.</summary>
    public List<KeyValuePair<string, string>> External { get; } = [];
    public bool IsExternal { get; private set; }

    public static string TypeName(int dataType) => dataType switch
    {
        Float => "FLOAT", UInt8 => "UINT8", Int8 => "INT8", 4 => "UINT16", 5 => "INT16", Int32 => "INT32", Int64 => "INT64",
        8 => "STRING", 9 => "BOOL", Float16 => "FLOAT16", Double => "DOUBLE", 12 => "UINT32", 13 => "UINT64",
        BFloat16 => "BFLOAT16", _ => $"data type {dataType}",
    };

    public static OnnxTensorProto Read(ProtobufReader r)
    {
        var t = new OnnxTensorProto();
        while (!r.End)
        {
            var (field, wire) = r.ReadTag();
            switch (field)
            {
                case TensorDims:
                    if (wire == ProtobufReader.WireLengthDelimited) ReadPackedVarints(r.ReadMessage(), t.Dims);
                    else { r.Expect(field, wire, ProtobufReader.WireVarint, "dims"); t.Dims.Add(r.ReadInt64()); }
                    break;
                case TensorDataType: r.Expect(field, wire, ProtobufReader.WireVarint, "data_type"); t.DataType = r.ReadInt32(); break;
                case TensorName: r.Expect(field, wire, ProtobufReader.WireLengthDelimited, "name"); t.Name = r.ReadString(); break;
                case TensorRawData:
                    r.Expect(field, wire, ProtobufReader.WireLengthDelimited, "raw_data");
                    t.RawLength = r.ReadBytes(out int offset).Length;
                    t.RawOffset = offset;
                    break;
                case TensorFloatData:
                    if (wire == ProtobufReader.WireLengthDelimited) ReadPackedFloats(r.ReadMessage(), t.FloatData);
                    else { r.Expect(field, wire, ProtobufReader.WireFixed32, "float_data"); t.FloatData.Add(r.ReadFloat()); }
                    break;
                case TensorDoubleData:
                    if (wire == ProtobufReader.WireLengthDelimited)
                    {
                        var packed = r.ReadMessage();
                        while (!packed.End) t.DoubleData.Add(BitConverter.UInt64BitsToDouble(packed.ReadFixed64()));
                    }
                    else { r.Expect(field, wire, ProtobufReader.WireFixed64, "double_data"); t.DoubleData.Add(BitConverter.UInt64BitsToDouble(r.ReadFixed64())); }
                    break;
                case TensorInt32Data or TensorInt64Data:
                    List<long> target = field == TensorInt32Data ? t.Int32Data : t.Int64Data;
                    if (wire == ProtobufReader.WireLengthDelimited) ReadPackedVarints(r.ReadMessage(), target);
                    else { r.Expect(field, wire, ProtobufReader.WireVarint, field == TensorInt32Data ? "int32_data" : "int64_data"); target.Add(r.ReadInt64()); }
                    break;
                case TensorExternalData:
                    r.Expect(field, wire, ProtobufReader.WireLengthDelimited, "external_data");
                    t.External.Add(ReadEntry(r.ReadMessage()));
                    break;
                case TensorDataLocation:
                    r.Expect(field, wire, ProtobufReader.WireVarint, "data_location");
                    t.IsExternal = r.ReadInt32() == 1;
                    break;
                default: r.Skip(wire); break;
            }
        }
        return t;
    }

    public static void ReadPackedFloats(ProtobufReader r, List<float> values)
    {
        while (!r.End) values.Add(r.ReadFloat());
    }

    public static void ReadPackedVarints(ProtobufReader r, List<long> values)
    {
        while (!r.End) values.Add(r.ReadInt64());
    }

    private static KeyValuePair<string, string> ReadEntry(ProtobufReader r)
    {
        string key = "", value = "";
        while (!r.End)
        {
            var (field, wire) = r.ReadTag();
            if (field == EntryKey && wire == ProtobufReader.WireLengthDelimited) key = r.ReadString();
            else if (field == EntryValue && wire == ProtobufReader.WireLengthDelimited) value = r.ReadString();
            else r.Skip(wire);
        }
        return new(key, value);
    }
}
