using System.Buffers.Binary;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime.IO;

/// <summary>F16 and BF16 convert exactly to float32; other dtypes open but refuse to be read as float.</summary>
public sealed class SafeTensorsDTypeTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    // Bit patterns and the float32 each must become, worked out from the formats' definitions.
    private static readonly (ushort Bits, float Value)[] F16Cases =
    [
        (0x3C00, 1f), (0xC000, -2f), (0x3800, 0.5f), (0x7BFF, 65504f), (0x0001, MathF.ScaleB(1f, -24)),
        (0x0400, MathF.ScaleB(1f, -14)), (0x7C00, float.PositiveInfinity), (0xFC00, float.NegativeInfinity),
        (0x8000, -0f), (0x3555, 0.333251953125f),
    ];

    private static readonly (ushort Bits, float Value)[] BF16Cases =
    [
        (0x3F80, 1f), (0xC040, -3f), (0x3E20, 0.15625f), (0x4049, 3.140625f), (0x7F7F, 3.3895314e38f),
        (0x0001, MathF.ScaleB(1f, -133)), (0x7F80, float.PositiveInfinity), (0x8000, -0f),
    ];

    [Fact]
    public void F16_and_BF16_convert_exactly_and_NaN_stays_NaN()
    {
        // Each list is repeated so that both the vectorized conversion and its scalar tail see every case.
        const int repeats = 9;
        (ushort Bits, float Value)[] f16 = Repeat(F16Cases, repeats);
        (ushort Bits, float Value)[] bf16 = Repeat(BF16Cases, repeats);
        byte[] data = new byte[2 * (f16.Length + 1 + bf16.Length + 1)];
        int at = 0;
        foreach ((ushort bits, _) in f16) { BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(at), bits); at += 2; }
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(at), 0x7E00); at += 2; // F16 NaN
        int bf16Begin = at;
        foreach ((ushort bits, _) in bf16) { BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(at), bits); at += 2; }
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(at), 0x7FC0); // BF16 NaN
        string header =
            $"{{\"h\":{{\"dtype\":\"F16\",\"shape\":[{f16.Length + 1}],\"data_offsets\":[0,{bf16Begin}]}}," +
            $"\"b\":{{\"dtype\":\"BF16\",\"shape\":[{bf16.Length + 1}],\"data_offsets\":[{bf16Begin},{data.Length}]}}}}";
        string path = _temp.File("half.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(header, data));

        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        Assert.Equal("F16", file.GetDType("h"));
        Assert.Equal("BF16", file.GetDType("b"));
        float[] h = file.ReadFloat32("h");
        float[] b = file.ReadFloat32("b");
        for (int i = 0; i < f16.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(f16[i].Value), BitConverter.SingleToInt32Bits(h[i]));
        Assert.True(float.IsNaN(h[^1]));
        for (int i = 0; i < bf16.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(bf16[i].Value), BitConverter.SingleToInt32Bits(b[i]));
        Assert.True(float.IsNaN(b[^1]));

        static (ushort, float)[] Repeat((ushort, float)[] cases, int times)
            => Enumerable.Repeat(cases, times).SelectMany(c => c).ToArray();
    }

    [Theory]
    [InlineData("F16")]
    [InlineData("BF16")]
    public void Half_tensors_larger_than_the_conversion_chunk_convert_every_element(string dtype)
    {
        // 100,003 elements cross several 64 KiB conversion chunks and end on a partial one.
        const int count = 100_003;
        var data = new byte[2 * count];
        for (int i = 0; i < count; i++)
        {
            float expected = Expected(i);
            ushort bits = dtype == "F16"
                ? BitConverter.HalfToUInt16Bits((Half)expected)
                : (ushort)(BitConverter.SingleToUInt32Bits(expected) >> 16);
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * i), bits);
        }
        string path = _temp.File($"big_{dtype}.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build($"{{\"t\":{{\"dtype\":\"{dtype}\",\"shape\":[{count}],\"data_offsets\":[0,{2 * count}]}}}}", data));

        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        float[] values = file.ReadFloat32("t");
        for (int i = 0; i < count; i++)
        {
            if (values[i] != Expected(i)) Assert.Fail($"element {i}: expected {Expected(i)}, read {values[i]}");
        }

        // Small integers (|n| <= 256) are exact in both F16 and BF16, so the expected value is unambiguous.
        static float Expected(int i) => (i % 2 == 0 ? 1 : -1) * (i % 257);
    }

    [Theory]
    [InlineData("F64", 8)]
    [InlineData("I64", 8)]
    [InlineData("I32", 4)]
    [InlineData("U8", 1)]
    [InlineData("BOOL", 1)]
    [InlineData("F8_E4M3", 1)]
    public void Other_dtypes_open_but_reading_them_as_float_names_file_tensor_and_dtype(string dtype, int size)
    {
        string header =
            $"{{\"step\":{{\"dtype\":\"{dtype}\",\"shape\":[2],\"data_offsets\":[0,{2 * size}]}}," +
            $"\"w\":{{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[{2 * size},{2 * size + 4}]}}}}";
        byte[] data = new byte[2 * size + 4];
        BitConverter.GetBytes(7.5f).CopyTo(data, 2 * size);
        string path = _temp.File($"mixed_{dtype}.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(header, data));

        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        Assert.Equal(dtype, file.GetDType("step"));
        Assert.Equal([7.5f], file.ReadFloat32("w"));
        var e = Assert.Throws<RnnFormatException>(() => file.ReadFloat32("step"));
        Assert.Contains($"mixed_{dtype}.safetensors", e.Message);
        Assert.Contains("'step'", e.Message);
        Assert.Contains(dtype, e.Message);
        Assert.Equal("step", e.TensorName);
    }

    [Fact]
    public void Sub_byte_dtypes_are_sized_in_bits()
    {
        // F4 packs two elements per byte: shape [6] is 3 bytes; shape [3] would be 1.5 bytes and is rejected.
        string path = _temp.File("f4.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build("{\"q\":{\"dtype\":\"F4\",\"shape\":[6],\"data_offsets\":[0,3]}}", 3));
        using (SafeTensorsFile file = SafeTensorsFile.Open(path)) Assert.Equal("F4", file.GetDType("q"));

        File.WriteAllBytes(path, SafeTensorsBytes.Build("{\"q\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]}}", 2));
        var e = Assert.Throws<RnnFormatException>(() => SafeTensorsFile.Open(path));
        Assert.Contains("whole number of bytes", e.Message);
    }
}
