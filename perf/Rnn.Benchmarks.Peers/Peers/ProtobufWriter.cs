using System.Buffers;
using System.Text;

namespace Rnn.Benchmarks.Peers;

/// <summary>
/// The few pieces of the protobuf wire format an ONNX model needs: varints (wire type 0) and length-delimited
/// fields (wire type 2: strings, bytes, nested messages; weights go in as raw bytes) and floats (wire type 5). Nested messages
/// are encoded into their own writer first, so their length is known when the parent writes the prefix.
/// </summary>
internal sealed class ProtobufWriter
{
    private const int WireVarint = 0;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;

    private readonly ArrayBufferWriter<byte> _buffer = new();

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>int32/int64/enum/bool field. Negative values take 10 bytes (two's complement), as protobuf requires.</summary>
    public ProtobufWriter Int64(int field, long value)
    {
        Tag(field, WireVarint);
        Varint((ulong)value);
        return this;
    }

    /// <summary>float field (wire type 5, little-endian).</summary>
    public ProtobufWriter Float(int field, float value)
    {
        Tag(field, WireFixed32);
        System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    public ProtobufWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtobufWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, WireLengthDelimited);
        Varint((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    public ProtobufWriter Message(int field, ProtobufWriter message) => Bytes(field, message.WrittenSpan);

    private void Tag(int field, int wireType) => Varint(((ulong)field << 3) | (uint)wireType);

    private void Varint(ulong value)
    {
        Span<byte> span = _buffer.GetSpan(10);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        _buffer.Advance(n);
    }
}
