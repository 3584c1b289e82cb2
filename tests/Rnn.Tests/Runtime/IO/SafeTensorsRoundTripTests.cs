using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime.IO;

public sealed class SafeTensorsRoundTripTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<int[]> Shapes => [[], [0], [1], [7], [3, 5], [2, 1, 3, 1], [0, 4], [2, 3, 4, 5], [1, 1, 1, 1, 1, 9]];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Write_then_read_gives_back_shape_and_exact_bits(int[] shape)
    {
        float[] data = Values(shape.Aggregate(1, (a, b) => a * b), seed: shape.Length);
        var writer = new SafeTensorsWriter();
        writer.Add("t", shape, data);
        // A second tensor after it checks that offsets after an odd-sized tensor are right.
        writer.Add("u", [3], [1f, 2f, 3f]);
        string path = _temp.File("roundtrip.safetensors");
        writer.Save(path);

        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        Assert.Equal(shape, file.GetShape("t"));
        Assert.Equal(Bits(data), Bits(file.ReadFloat32("t")));
        Assert.Equal([1f, 2f, 3f], file.ReadFloat32("u"));
    }

    [Fact]
    public void Special_values_keep_their_bits()
    {
        float[] data = [float.NaN, -0f, 0f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.MaxValue, BitConverter.Int32BitsToSingle(0x7FC00123)];
        var writer = new SafeTensorsWriter();
        writer.Add("special", [data.Length], data);
        string path = _temp.File("special.safetensors");
        writer.Save(path);

        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        Assert.Equal(Bits(data), Bits(file.ReadFloat32("special")));
    }

    [Fact]
    public void Names_are_stored_in_ordinal_order_whatever_the_order_of_Add()
    {
        string[] added = ["weight_hh_l0", "Zeta", "bias_ih_l0", "a.b", "bias_hh_l0", "é-name", "weight_ih_l0"];
        var writer = new SafeTensorsWriter();
        for (int i = 0; i < added.Length; i++) writer.Add(added[i], [1], [i]);
        string path = _temp.File("order.safetensors");
        writer.Save(path);

        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        Assert.Equal(added.Order(StringComparer.Ordinal), file.Names);
        for (int i = 0; i < added.Length; i++) Assert.Equal([(float)i], file.ReadFloat32(added[i]));
    }

    [Fact]
    public void Metadata_round_trips_including_quotes_and_unicode()
    {
        var writer = new SafeTensorsWriter();
        writer.Add("x", [2], [1f, 2f]);
        writer.Metadata["format"] = "pt";
        writer.Metadata["note"] = "quote \" backslash \\ newline \n tab \t ünïcødé +<>&";
        writer.Metadata["empty"] = "";
        string path = _temp.File("meta.safetensors");
        writer.Save(path);

        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        Assert.Equal(writer.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal), file.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Without_metadata_the_header_has_no_metadata_entry()
    {
        var writer = new SafeTensorsWriter();
        writer.Add("x", [1], [5f]);
        string path = _temp.File("nometa.safetensors");
        writer.Save(path);

        (_, string json) = SafeTensorsBytes.ReadHeader(File.ReadAllBytes(path));
        Assert.DoesNotContain("__metadata__", json);
        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void Header_is_compact_json_padded_with_spaces_to_a_multiple_of_8()
    {
        var writer = new SafeTensorsWriter();
        writer.Add("b", [2, 2], [1f, 2f, 3f, 4f]);
        writer.Add("a", [3], [5f, 6f, 7f]);
        string path = _temp.File("layout.safetensors");
        writer.Save(path);
        byte[] bytes = File.ReadAllBytes(path);

        (ulong length, string json) = SafeTensorsBytes.ReadHeader(bytes);
        Assert.Equal(0UL, length % 8);
        Assert.Equal(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},\"b\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[12,28]}}",
            json.TrimEnd(' '));
        Assert.Equal(8 + (int)length + 28, bytes.Length);
        // Data is little-endian float32, "a" first.
        Assert.Equal(5f, BitConverter.ToSingle(bytes, 8 + (int)length));
        Assert.Equal(4f, BitConverter.ToSingle(bytes, bytes.Length - 4));
    }

    [Fact]
    public void An_empty_writer_produces_a_valid_file_with_no_tensors()
    {
        string path = _temp.File("empty.safetensors");
        new SafeTensorsWriter().Save(path);

        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        Assert.Empty(file.Names);
    }

    [Fact]
    public void WriteTo_a_stream_gives_the_same_bytes_as_Save()
    {
        var writer = new SafeTensorsWriter();
        writer.Add("x", [2, 3], Values(6, seed: 1));
        writer.Metadata["k"] = "v";
        string path = _temp.File("stream.safetensors");
        writer.Save(path);
        using var memory = new MemoryStream();
        writer.WriteTo(memory);

        Assert.Equal(File.ReadAllBytes(path), memory.ToArray());
    }

    [Fact]
    public void AddAll_copies_every_tensor_of_a_source()
    {
        var source = new TensorDictionary();
        source.Add("w", [2, 2], [1f, 2f, 3f, 4f]);
        source.Add("b", [2], [5f, 6f]);
        var writer = new SafeTensorsWriter();
        writer.AddAll(source);
        string path = _temp.File("addall.safetensors");
        writer.Save(path);

        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        TensorDictionary back = TensorDictionary.ReadAll(file);
        Assert.Equal(["b", "w"], back.Names);
        Assert.Equal(source["w"], back["w"]);
        Assert.Equal(source["b"], back["b"]);
        Assert.Equal(file.SourceName, back.SourceName);
    }

    [Fact]
    public void Read_into_a_destination_of_the_wrong_length_names_tensor_expected_and_actual()
    {
        string path = WriteSingle("weights_x.safetensors", "weight_ih_l0", [2, 3]);
        using SafeTensorsFile file = SafeTensorsFile.Open(path);

        var e = Assert.Throws<ArgumentException>(() => file.Read("weight_ih_l0", new float[5]));
        Assert.Contains("weight_ih_l0", e.Message);
        Assert.Contains("[2, 3] (6 elements)", e.Message);
        Assert.Contains("holds 5", e.Message);
        Assert.Contains("weights_x.safetensors", e.Message);
    }

    [Fact]
    public void Asking_for_a_missing_tensor_names_file_and_tensor()
    {
        string path = WriteSingle("has_one.safetensors", "present", [1]);
        using SafeTensorsFile file = SafeTensorsFile.Open(path);

        Assert.False(file.TryGetShape("absent", out _));
        Assert.False(file.Contains("absent"));
        var e = Assert.Throws<RnnFormatException>(() => file.ReadFloat32("absent"));
        Assert.Contains("has_one.safetensors", e.Message);
        Assert.Contains("'absent'", e.Message);
        Assert.Equal("absent", e.TensorName);
        Assert.Equal(file.SourceName, e.FilePath);
    }

    [Fact]
    public void Shapes_handed_out_are_copies()
    {
        string path = WriteSingle("copy.safetensors", "t", [2, 3]);
        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        file.GetShape("t")[0] = 99;
        Assert.True(file.TryGetShape("t", out int[] shape));
        shape[1] = 99;

        Assert.Equal([2, 3], file.GetShape("t"));
    }

    [Fact]
    public void Reading_after_Dispose_throws_ObjectDisposedException()
    {
        string path = WriteSingle("disposed.safetensors", "t", [2]);
        SafeTensorsFile file = SafeTensorsFile.Open(path);
        file.Dispose();

        Assert.Throws<ObjectDisposedException>(() => file.ReadFloat32("t"));
    }

    [Fact]
    public void Concurrent_reads_of_one_file_each_get_their_own_tensor()
    {
        var writer = new SafeTensorsWriter();
        for (int i = 0; i < 16; i++) writer.Add($"t{i:D2}", [1000], Enumerable.Repeat((float)i, 1000).ToArray());
        string path = _temp.File("parallel.safetensors");
        writer.Save(path);

        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        Parallel.For(0, 64, k =>
        {
            int i = k % 16;
            Assert.All(file.ReadFloat32($"t{i:D2}"), v => Assert.Equal(i, v));
        });
    }

    [Fact]
    public void Writer_rejects_a_tensor_whose_data_disagrees_with_its_shape()
    {
        var writer = new SafeTensorsWriter();
        var e = Assert.Throws<ArgumentException>(() => writer.Add("bias_hh_l0", [4, 3], new float[11]));
        Assert.Contains("bias_hh_l0", e.Message);
        Assert.Contains("[4, 3] (12 elements)", e.Message);
        Assert.Contains("11 values", e.Message);
        Assert.Equal(0, writer.Count);
    }

    [Fact]
    public void Writer_rejects_duplicate_reserved_and_negative_shaped_tensors()
    {
        var writer = new SafeTensorsWriter();
        writer.Add("a", [1], [1f]);
        Assert.Contains("'a'", Assert.Throws<ArgumentException>(() => writer.Add("a", [1], [2f])).Message);
        Assert.Throws<ArgumentException>(() => writer.Add("__metadata__", [1], [1f]));
        Assert.Throws<ArgumentException>(() => writer.Add("neg", [-1, 2], [1f]));
        Assert.Throws<ArgumentException>(() => writer.Add("", [1], [1f]));
        Assert.Equal(1, writer.Count);
    }

    [Fact]
    public void Missing_file_throws_FileNotFoundException_with_the_path()
    {
        string path = _temp.File("does_not_exist.safetensors");
        var e = Assert.Throws<FileNotFoundException>(() => SafeTensorsFile.Open(path));
        Assert.Contains("does_not_exist.safetensors", e.Message);
    }

    private string WriteSingle(string fileName, string tensorName, int[] shape)
    {
        var writer = new SafeTensorsWriter();
        writer.Add(tensorName, shape, Values(shape.Aggregate(1, (a, b) => a * b), seed: 3));
        string path = _temp.File(fileName);
        writer.Save(path);
        return path;
    }

    internal static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * MathF.Pow(10, random.Next(-5, 5));
        return values;
    }

    internal static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
