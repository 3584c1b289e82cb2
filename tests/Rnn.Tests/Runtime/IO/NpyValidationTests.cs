using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime.IO;

/// <summary>Every kind of unusable .npy file gives an RnnFormatException naming the file and the problem.</summary>
public sealed class NpyValidationTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    // header dict, data bytes, fragment the message must contain
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 24, "Fortran")]
    [InlineData("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", 24, "'>f4' is big-endian")]
    [InlineData("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", 24, "dtype '<i4' is not supported")]
    [InlineData("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }", 6, "dtype '|u1' is not supported")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 20, "needs 24 data bytes (6 elements) but the file has 20: truncated")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 28, "needs 24 data bytes (6 elements) but the file has 28: it has extra bytes")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 8, "needs 16 data bytes")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, }", 0, "'shape' is missing")]
    [InlineData("{'descr': '<f4', 'shape': (1,), }", 4, "'fortran_order' is missing")]
    [InlineData("{'fortran_order': False, 'shape': (1,), }", 4, "'descr' is missing")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1, }", 4, "unexpected key 'extra'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (5), }", 20, "not a tuple")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }", 24, "non-negative integer")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,), }", 4, "too large")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", 4, "not True or False")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } junk", 4, "after the closing brace")]
    [InlineData("'descr': '<f4'", 4, "expected '{'")]
    [InlineData("{'descr': '<f4, 'fortran_order': False, 'shape': (1,), }", 4, "malformed")]
    public void Bad_header_or_data_fails_naming_the_file(string dict, int dataLength, string fragment)
    {
        string path = _temp.File("bad.npy");
        File.WriteAllBytes(path, NpyBytes.Build(dict, new byte[dataLength]));
        AssertReadFails(path, fragment);
    }

    [Fact]
    public void Bad_magic_fails()
    {
        byte[] bytes = NpyBytes.Build(NpyBytes.F4Dict("(1,)"), new byte[4]);
        bytes[1] = (byte)'X';
        string path = _temp.File("magic.npy");
        File.WriteAllBytes(path, bytes);
        AssertReadFails(path, "magic");
    }

    [Fact]
    public void Too_short_file_fails()
    {
        string path = _temp.File("short.npy");
        File.WriteAllBytes(path, NpyBytes.Magic);
        AssertReadFails(path, "has 6 bytes");
    }

    [Theory]
    [InlineData(4, 0)]
    [InlineData(1, 1)]
    [InlineData(0, 0)]
    public void Unknown_version_fails(byte major, byte minor)
    {
        byte[] bytes = NpyBytes.Build(NpyBytes.F4Dict("(1,)"), new byte[4]);
        bytes[6] = major;
        bytes[7] = minor;
        string path = _temp.File("version.npy");
        File.WriteAllBytes(path, bytes);
        AssertReadFails(path, $"version {major}.{minor}");
    }

    [Fact]
    public void Header_length_past_the_end_of_the_file_fails()
    {
        byte[] bytes = NpyBytes.Build(NpyBytes.F4Dict("(1,)"), new byte[4]);
        string path = _temp.File("cut_header.npy");
        File.WriteAllBytes(path, bytes[..40]);
        AssertReadFails(path, "truncated");
    }

    [Fact]
    public void An_absurd_header_length_fails_before_anything_is_allocated()
    {
        byte[] bytes = NpyBytes.Build(NpyBytes.F4Dict("(1,)"), new byte[4], major: 2);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 0xFFFF_FFF0);
        string path = _temp.File("huge_header.npy");
        File.WriteAllBytes(path, bytes);
        AssertReadFails(path, "more than the 1048576 allowed");
    }

    [Fact]
    public void Missing_file_throws_FileNotFoundException_with_the_path()
    {
        string path = _temp.File("nowhere.npy");
        var e = Assert.Throws<FileNotFoundException>(() => Npy.Read(path));
        Assert.Contains("nowhere.npy", e.Message);
    }

    private static void AssertReadFails(string path, string fragment)
    {
        var e = Assert.Throws<RnnFormatException>(() => Npy.Read(path));
        Assert.Contains(Path.GetFileName(path), e.Message);
        Assert.Contains(fragment, e.Message);
        Assert.Equal(Path.GetFullPath(path), e.FilePath);
        // The span overload and ReadShape validate the same way.
        Assert.Throws<RnnFormatException>(() => Npy.ReadShape(path));
    }
}
