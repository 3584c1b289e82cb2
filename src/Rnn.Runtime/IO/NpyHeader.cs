using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Rnn.Runtime.IO;

/// <summary>
/// The preamble of a .npy file (magic, version, header length) and its header, a Python dict literal such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (6, 1, 3), }</c>, parsed by hand: it is tiny and
/// has exactly three keys. Only little-endian float arrays in C order are accepted.
/// </summary>
internal sealed class NpyHeader
{
    // 0x93 then "NUMPY" (a "\x93NUMPY" literal would not do: C# reads \x as UTF-16 and u8 encodes it in two bytes).
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Guards against a bogus length (numpy's own reader refuses more than 10,000 by default).</summary>
    internal const int MaxHeaderBytes = 1 << 20;

    public StoredFloatType DType { get; }
    public int[] Shape { get; }
    public long ElementCount { get; }
    /// <summary>File offset of the first data byte.</summary>
    public long DataOffset { get; }

    private NpyHeader(StoredFloatType dtype, int[] shape, long elementCount, long dataOffset)
    {
        DType = dtype;
        Shape = shape;
        ElementCount = elementCount;
        DataOffset = dataOffset;
    }

    /// <summary>Reads and validates the header, including that the file holds exactly the data the shape needs.</summary>
    public static NpyHeader Read(SafeFileHandle file, string path)
    {
        long fileLength = RandomAccess.GetLength(file);
        Span<byte> preamble = stackalloc byte[12];
        if (fileLength < 10)
            throw Error(path, $"it has {fileLength} bytes, too few for the 10-byte .npy preamble.");
        int preambleRead = (int)Math.Min(preamble.Length, fileLength);
        LittleEndianFloatReader.ReadExactly(file, 0, preamble[..preambleRead], path, null);
        if (!preamble[..6].SequenceEqual(Magic))
            throw Error(path, $"it does not start with the .npy magic \\x93NUMPY (found {Convert.ToHexString(preamble[..6])}).");

        byte major = preamble[6], minor = preamble[7];
        long headerLength;
        int headerStart;
        Encoding encoding;
        if (major == 1 && minor == 0)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(preamble[8..]);
            headerStart = 10;
            encoding = Encoding.Latin1;
        }
        else if ((major == 2 || major == 3) && minor == 0)
        {
            if (preambleRead < 12) throw Error(path, $"it has {fileLength} bytes, too few for the 12-byte version {major}.0 preamble.");
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(preamble[8..]);
            headerStart = 12;
            encoding = major == 3 ? Encoding.UTF8 : Encoding.Latin1;
        }
        else
        {
            throw Error(path, $"it has format version {major}.{minor}; supported are 1.0, 2.0 and 3.0.");
        }

        if (headerLength > MaxHeaderBytes)
            throw Error(path, $"its header claims {headerLength} bytes, more than the {MaxHeaderBytes} allowed.");
        if (headerStart + headerLength > fileLength)
            throw Error(path, $"its header claims {headerLength} bytes but the file has only {fileLength - headerStart} after the preamble: truncated.");
        var headerBytes = new byte[headerLength];
        LittleEndianFloatReader.ReadExactly(file, headerStart, headerBytes, path, null);
        string text = encoding.GetString(headerBytes);

        (string descr, bool fortranOrder, int[] shape) = new DictParser(text, path).Parse();
        StoredFloatType dtype = ParseDescr(descr, path);
        if (fortranOrder)
            throw Error(path, "it stores the array in Fortran (column-major) order; only C order (fortran_order False) is supported. Save it with np.ascontiguousarray.");
        if (!TensorShapes.TryGetElementCount(shape, out long count))
            throw Error(path, $"its shape {TensorShapes.Format(shape)} has too many elements.");

        long dataOffset = headerStart + headerLength;
        Int128 expectedBytes = (Int128)count * StoredFloatTypes.ByteSize(dtype);
        long actualBytes = fileLength - dataOffset;
        if (actualBytes != expectedBytes)
        {
            string what = actualBytes < expectedBytes ? "truncated" : "it has extra bytes after the data";
            throw Error(path,
                $"shape {TensorShapes.Format(shape)} of '{descr}' needs {expectedBytes} data bytes ({count} elements) but the file has {actualBytes}: {what}.");
        }
        return new NpyHeader(dtype, shape, count, dataOffset);
    }

    private static StoredFloatType ParseDescr(string descr, string path)
    {
        switch (descr)
        {
            case "<f4": return StoredFloatType.Float32;
            case "<f8": return StoredFloatType.Float64;
            case "<f2": return StoredFloatType.Float16;
        }
        if (descr.Length > 1 && descr[0] == '>')
            throw Error(path, $"its dtype '{descr}' is big-endian; only little-endian floats ('<f4', '<f8', '<f2') are supported.");
        throw Error(path, $"its dtype '{descr}' is not supported; expected '<f4' (or '<f8'/'<f2', converted to float32).");
    }

    private static RnnFormatException Error(string path, string problem) => new($"NumPy file '{path}': {problem}", path);

    /// <summary>A recursive-descent reader for the one dict literal numpy writes (either quote style, trailing commas).</summary>
    private ref struct DictParser(string text, string path)
    {
        private readonly string _text = text;
        private readonly string _path = path;
        private int _pos;

        public (string Descr, bool FortranOrder, int[] Shape) Parse()
        {
            string? descr = null;
            bool? fortranOrder = null;
            int[]? shape = null;

            Expect('{');
            while (true)
            {
                SkipSpace();
                if (TryConsume('}')) break;
                string key = ReadString();
                Expect(':');
                switch (key)
                {
                    case "descr":
                        if (descr is not null) throw Fail("key 'descr' appears twice");
                        SkipSpace();
                        descr = ReadString();
                        break;
                    case "fortran_order":
                        if (fortranOrder is not null) throw Fail("key 'fortran_order' appears twice");
                        fortranOrder = ReadBool();
                        break;
                    case "shape":
                        if (shape is not null) throw Fail("key 'shape' appears twice");
                        shape = ReadShape();
                        break;
                    default:
                        throw Fail($"unexpected key '{key}' (expected descr, fortran_order, shape)");
                }
                SkipSpace();
                if (TryConsume(',')) continue;
                Expect('}');
                break;
            }
            SkipSpace();
            if (_pos != _text.Length) throw Fail("unexpected text after the closing brace");
            if (descr is null) throw Fail("key 'descr' is missing");
            if (fortranOrder is null) throw Fail("key 'fortran_order' is missing");
            if (shape is null) throw Fail("key 'shape' is missing");
            return (descr, fortranOrder.Value, shape);
        }

        private string ReadString()
        {
            SkipSpace();
            if (_pos >= _text.Length || (_text[_pos] != '\'' && _text[_pos] != '"')) throw Fail("expected a quoted string");
            char quote = _text[_pos++];
            int end = _text.IndexOf(quote, _pos);
            if (end < 0) throw Fail("unterminated string");
            string value = _text[_pos..end];
            _pos = end + 1;
            return value;
        }

        private bool ReadBool()
        {
            SkipSpace();
            if (_text.AsSpan(_pos).StartsWith("True")) { _pos += 4; return true; }
            if (_text.AsSpan(_pos).StartsWith("False")) { _pos += 5; return false; }
            throw Fail("fortran_order is not True or False");
        }

        // Python tuple syntax: "()", "(5,)", "(2, 3)" and "(2, 3,)"; "(5)" is an int, not a tuple.
        private int[] ReadShape()
        {
            Expect('(');
            var dims = new List<int>();
            bool trailingComma = false;
            while (true)
            {
                SkipSpace();
                if (TryConsume(')')) break;
                dims.Add(ReadDimension());
                SkipSpace();
                trailingComma = TryConsume(',');
                if (!trailingComma)
                {
                    Expect(')');
                    break;
                }
            }
            if (dims.Count == 1 && !trailingComma) throw Fail("shape '(n)' is not a tuple; a 1-d shape is written '(n,)'");
            return [.. dims];
        }

        private int ReadDimension()
        {
            int start = _pos;
            while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++;
            if (_pos == start) throw Fail("expected a non-negative integer dimension in shape");
            if (!int.TryParse(_text.AsSpan(start, _pos - start), out int dim)) throw Fail($"shape dimension {_text[start.._pos]} is too large");
            if (_pos < _text.Length && _text[_pos] == 'L') _pos++; // Python 2 long literal, still written by old numpy
            return dim;
        }

        private void SkipSpace()
        {
            while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
        }

        private bool TryConsume(char c)
        {
            if (_pos < _text.Length && _text[_pos] == c)
            {
                _pos++;
                return true;
            }
            return false;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (!TryConsume(c)) throw Fail($"expected '{c}'");
        }

        private readonly RnnFormatException Fail(string problem)
            => Error(_path, $"its header dict is malformed: {problem} at character {_pos} of \"{_text.TrimEnd()}\".");
    }
}
