namespace Rnn.Runtime.IO.Onnx;

/// <summary>
/// A forward-only reader of protobuf wire format over one message's bytes, for the few ONNX messages this runtime
/// reads. Every length is checked against the bytes that remain before anything is sliced or allocated, so a corrupt
/// or hostile file fails with <see cref="ProtobufException"/> instead of reading out of range or allocating what a
/// header claims.
/// </summary>
internal ref struct ProtobufReader
{
    public const int WireVarint = 0, WireFixed64 = 1, WireLengthDelimited = 2, WireFixed32 = 5;

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _baseOffset; // where _data starts in the whole file, for messages
    private int _position;

    public ProtobufReader(ReadOnlySpan<byte> data, int baseOffset = 0)
    {
        _data = data;
        _baseOffset = baseOffset;
        _position = 0;
    }

    public readonly bool End => _position >= _data.Length;

    /// <summary>Offset in the whole file of the next byte (for slices that outlive this reader).</summary>
    public readonly int FileOffset => _baseOffset + _position;

    /// <summary>The next field's number and wire type.</summary>
    public (int Field, int WireType) ReadTag()
    {
        ulong tag = ReadVarint();
        int field = (int)(tag >> 3), wire = (int)(tag & 7);
        if (field <= 0 || tag >> 3 > int.MaxValue) throw Fail($"field number {tag >> 3} is not valid");
        if (wire is 3 or 4) throw Fail($"field {field} uses protobuf groups (wire type {wire}), which ONNX never writes");
        if (wire is 6 or 7) throw Fail($"field {field} has wire type {wire}, which does not exist");
        return (field, wire);
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length) throw Fail("a number runs past the end of its message");
            byte b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw Fail("a varint is longer than 10 bytes");
    }

    public long ReadInt64() => (long)ReadVarint();

    /// <summary>An int32/enum field: protobuf writes negative values as 10-byte varints; the low 32 bits are the value.</summary>
    public int ReadInt32() => unchecked((int)ReadVarint());

    public uint ReadFixed32()
    {
        if (_data.Length - _position < 4) throw Fail("a 4-byte value runs past the end of its message");
        uint value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(_position));
        _position += 4;
        return value;
    }

    public ulong ReadFixed64()
    {
        if (_data.Length - _position < 8) throw Fail("an 8-byte value runs past the end of its message");
        ulong value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_position));
        _position += 8;
        return value;
    }

    public float ReadFloat() => BitConverter.UInt32BitsToSingle(ReadFixed32());

    /// <summary>A length-delimited field's bytes, checked against what remains; <paramref name="fileOffset"/> is where they start in the file.</summary>
    public ReadOnlySpan<byte> ReadBytes(out int fileOffset)
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
            throw Fail($"a field claims {length} bytes but only {_data.Length - _position} remain in its message");
        fileOffset = _baseOffset + _position;
        ReadOnlySpan<byte> bytes = _data.Slice(_position, (int)length);
        _position += (int)length;
        return bytes;
    }

    public ReadOnlySpan<byte> ReadBytes() => ReadBytes(out _);

    /// <summary>A nested message, as a reader over its bytes.</summary>
    public ProtobufReader ReadMessage()
    {
        ReadOnlySpan<byte> bytes = ReadBytes(out int offset);
        return new ProtobufReader(bytes, offset);
    }

    public string ReadString()
    {
        ReadOnlySpan<byte> bytes = ReadBytes();
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw Fail("a string is not valid UTF-8");
        }
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>Skips a field of the given wire type (one this reader does not need).</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case WireVarint: ReadVarint(); break;
            case WireFixed64: ReadFixed64(); break;
            case WireFixed32: ReadFixed32(); break;
            case WireLengthDelimited: ReadBytes(); break;
            default: throw Fail($"wire type {wireType} cannot be skipped");
        }
    }

    /// <summary>Throws unless the field has the wire type the schema gives it.</summary>
    public readonly void Expect(int field, int wireType, int expected, string what)
    {
        if (wireType != expected)
            throw Fail($"field {field} ({what}) has wire type {wireType}, expected {expected}");
    }

    public readonly ProtobufException Fail(string message) => new($"{message} (at byte {_baseOffset + _position})");
}

/// <summary>Bytes that are not the protobuf message they should be; the caller adds the file and message name.</summary>
internal sealed class ProtobufException(string message) : Exception(message);
