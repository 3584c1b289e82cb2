using System.Buffers.Binary;
using System.Text;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime.IO;

public sealed class NpyRoundTripTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<int[], string> Shapes => new()
    {
        { [], "()" },
        { [0], "(0,)" },
        { [1], "(1,)" },
        { [5], "(5,)" },
        { [2, 3], "(2, 3)" },
        { [3, 1, 4], "(3, 1, 4)" },
        { [2, 0, 3], "(2, 0, 3)" },
        { [1, 1, 1, 1, 7], "(1, 1, 1, 1, 7)" },
        { [20, 2, 64], "(20, 2, 64)" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Write_then_read_gives_back_shape_and_exact_bits_with_numpy_header(int[] shape, string shapeText)
    {
        float[] data = SafeTensorsRoundTripTests.Values(shape.Aggregate(1, (a, b) => a * b), seed: 7 + shape.Length);
        string path = _temp.File("a.npy");
        Npy.Write(path, data, shape);

        NpyArray back = Npy.Read(path);
        Assert.Equal(shape, back.Shape);
        Assert.Equal(SafeTensorsRoundTripTests.Bits(data), SafeTensorsRoundTripTests.Bits(back.Data));

        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(NpyBytes.Magic, bytes[..6]);
        Assert.Equal(new byte[] { 1, 0 }, bytes[6..8]);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        Assert.Equal(0, (10 + headerLength) % 64);
        Assert.Equal(bytes.Length, 10 + headerLength + 4 * data.Length);
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.Equal($"{{'descr': '<f4', 'fortran_order': False, 'shape': {shapeText}, }}", header.TrimEnd('\n').TrimEnd(' '));
        Assert.EndsWith(" \n", header);
    }

    [Fact]
    public void Read_into_a_span_returns_the_shape_and_checks_the_length()
    {
        string path = _temp.File("span_target.npy");
        Npy.Write(path, [1f, 2f, 3f, 4f, 5f, 6f], [3, 2]);

        var destination = new float[6];
        Npy.Read(path, destination, out int[] shape);
        Assert.Equal([3, 2], shape);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], destination);

        var e = Assert.Throws<ArgumentException>(() => Npy.Read(path, new float[5], out _));
        Assert.Contains("span_target.npy", e.Message);
        Assert.Contains("[3, 2] (6 elements)", e.Message);
        Assert.Contains("holds 5", e.Message);
    }

    [Fact]
    public void A_header_longer_than_64_KiB_is_written_as_version_2()
    {
        int[] shape = Enumerable.Repeat(1, 23_000).ToArray();
        string path = _temp.File("many_dims.npy");
        Npy.Write(path, [42f], shape);

        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(2, bytes[6]);
        Assert.Equal(0L, (12 + BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8))) % 64);
        NpyArray back = Npy.Read(path);
        Assert.Equal(shape, back.Shape);
        Assert.Equal([42f], back.Data);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Versions_2_and_3_are_read(byte major)
    {
        string path = _temp.File($"v{major}.npy");
        File.WriteAllBytes(path, NpyBytes.Build(NpyBytes.F4Dict("(2,)"), NpyBytes.Float32(1.5f, -2.5f), major));
        NpyArray back = Npy.Read(path);
        Assert.Equal([2], back.Shape);
        Assert.Equal([1.5f, -2.5f], back.Data);
    }

    [Fact]
    public void Float64_is_converted_to_float32()
    {
        double[] values = [1.0, -0.1, 1e-50, 1e300, double.NaN];
        var data = new byte[8 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8 * i), values[i]);
        string path = _temp.File("f8.npy");
        File.WriteAllBytes(path, NpyBytes.Build(NpyBytes.F4Dict("(5,)", descr: "<f8"), data));

        float[] back = Npy.Read(path).Data;
        Assert.Equal([1f, -0.1f, 0f, float.PositiveInfinity], back[..4]);
        Assert.True(float.IsNaN(back[4]));
    }

    [Fact]
    public void Float16_is_converted_to_float32()
    {
        var data = new byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(data, 0x3C00);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2), 0xC100);
        string path = _temp.File("f2.npy");
        File.WriteAllBytes(path, NpyBytes.Build(NpyBytes.F4Dict("(2,)", descr: "<f2"), data));
        Assert.Equal([1f, -2.5f], Npy.Read(path).Data);
    }

    [Fact]
    public void Old_style_header_with_double_quotes_long_suffix_and_no_trailing_comma_is_read()
    {
        string path = _temp.File("py2.npy");
        File.WriteAllBytes(path, NpyBytes.Build("{\"descr\":\"<f4\",\"fortran_order\":False,\"shape\":(2L, 1L)}", NpyBytes.Float32(3f, 4f)));
        NpyArray back = Npy.Read(path);
        Assert.Equal([2, 1], back.Shape);
        Assert.Equal([3f, 4f], back.Data);
    }

    [Fact]
    public void Writing_data_that_disagrees_with_the_shape_throws_and_leaves_the_old_file()
    {
        string path = _temp.File("keep.npy");
        Npy.Write(path, [1f, 2f], [2]);
        byte[] before = File.ReadAllBytes(path);

        var e = Assert.Throws<ArgumentException>(() => Npy.Write(path, [1f, 2f, 3f], [2, 2]));
        Assert.Contains("[2, 2] has 4 elements but 3 values", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["keep.npy"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void NpyArray_rejects_data_that_disagrees_with_the_shape()
    {
        Assert.Throws<ArgumentException>(() => new NpyArray([2, 2], new float[3]));
    }
}
