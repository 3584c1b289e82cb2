using System.Buffers.Binary;
using System.IO.Compression;
using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Workloads.Data;

/// <summary>
/// Decompresses a .gz file and, on <see cref="VerifyToEnd"/>, checks the decompressed bytes against the gzip trailer
/// (CRC-32 and length mod 2^32). .NET's GZipStream does not check the trailer, and a truncated or bit-flipped file can
/// end early without an exception, which would silently drop reviews. Single-member gzip only (what gzip, tar -z and
/// Python's gzip module write).
/// </summary>
internal sealed class GzipCheckedReadStream : Stream
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    private readonly string _path;
    private readonly FileStream _file;
    private readonly GZipStream _gzip;
    private uint _crc = 0xFFFFFFFFu;
    private long _length;

    public GzipCheckedReadStream(string path)
    {
        _path = path;
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        _gzip = new GZipStream(_file, CompressionMode.Decompress);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read = _gzip.Read(buffer);
        uint crc = _crc;
        uint[] table = CrcTable;
        foreach (byte b in buffer[..read]) crc = table[(byte)(crc ^ b)] ^ (crc >> 8);
        _crc = crc;
        _length += read;
        return read;
    }

    /// <summary>Reads whatever the consumer left (tar padding), then compares with the trailer.</summary>
    public void VerifyToEnd()
    {
        Span<byte> scratch = stackalloc byte[4096];
        while (Read(scratch) > 0) { }
        Span<byte> trailer = stackalloc byte[8];
        if (_file.Length < 18) throw Mismatch("too short for a gzip file");
        _file.Seek(-8, SeekOrigin.End);
        _file.ReadExactly(trailer);
        uint expectedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        uint expectedLength = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        uint crc = ~_crc;
        if (crc != expectedCrc || (uint)_length != expectedLength)
            throw Mismatch($"decompressed {_length} bytes with CRC-32 {crc:x8}, but the gzip trailer says " +
                           $"{expectedLength} bytes (mod 2^32) with CRC-32 {expectedCrc:x8}");
    }

    private RnnFormatException Mismatch(string detail)
        => new($"'{_path}' is truncated or corrupt: {detail} (only single-member gzip is supported)", _path);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gzip.Dispose();
            _file.Dispose();
        }
        base.Dispose(disposing);
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
