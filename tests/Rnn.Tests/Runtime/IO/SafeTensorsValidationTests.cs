using System.Buffers.Binary;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime.IO;

/// <summary>Every kind of broken file fails at Open with an RnnFormatException naming the file (and tensor).</summary>
public sealed class SafeTensorsValidationTests : IDisposable
{
    private const string A8 = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    // header JSON, data bytes, tensor the message must name (or null), fragment the message must contain
    [InlineData("{abc", 0, null, "not valid JSON")]
    [InlineData("", 0, null, "not valid JSON")]
    [InlineData("[1,2]", 0, null, "not a JSON object")]
    [InlineData("{} x", 0, null, "not valid JSON")]
    [InlineData("{" + A8 + ",}", 8, null, "not valid JSON")]
    [InlineData("{\"a\":5}", 0, "a", "expected an object")]
    [InlineData("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "a", "has no dtype")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8, "a", "has no shape")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8, "a", "has no data_offsets")]
    [InlineData("{\"a\":{\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "a", "expected a string")]
    [InlineData("{\"a\":{\"dtype\":\"Q7\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "a", "unknown dtype 'Q7'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,12]}}", 12, "a", "(12 bytes) but dtype F32 and shape [2] need 8 bytes")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8, "a", "negative size")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-4,4]}}", 8, "a", "negative data_offsets element -4")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "a", "negative shape element -2")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", 8, "a", "expected an integer")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4,8]}}", 8, "a", "3 data_offsets")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"dtype\":\"F16\"}}", 8, "a", "two dtype")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[3000000000],\"data_offsets\":[0,8]}}", 8, "a", "dimension 3000000000")]
    [InlineData("{" + A8 + "," + A8 + "}", 8, "a", "names tensor 'a' twice")]
    [InlineData("{" + A8 + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "b", "overlaps tensor 'a'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16, "a", "unused bytes [0, 8)")]
    [InlineData("{" + A8 + "}", 12, null, "4 trailing bytes")]
    [InlineData("{" + A8 + "}", 4, "a", "past the end of the data buffer (4 bytes)")]
    [InlineData("{\"__metadata__\":{\"k\":1}}", 0, null, "value of 'k' is the number 1, expected a string")]
    [InlineData("{\"__metadata__\":[]}", 0, null, "expected an object of strings")]
    [InlineData("{\"__metadata__\":{},\"__metadata__\":{}}", 0, null, "two \"__metadata__\"")]
    public void Bad_header_fails_at_Open_naming_file_and_tensor(string header, int dataLength, string? tensor, string fragment)
    {
        string path = _temp.File("bad_header.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(header, dataLength));

        RnnFormatException e = AssertOpenFails(path, fragment);
        Assert.Equal(tensor, e.TensorName);
        if (tensor is not null) Assert.Contains($"'{tensor}'", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void File_shorter_than_8_bytes_fails(int length)
    {
        string path = _temp.File("tiny.safetensors");
        File.WriteAllBytes(path, new byte[length]);
        AssertOpenFails(path, $"has {length} bytes, fewer than the 8-byte header length");
    }

    [Theory]
    [InlineData(100UL)]
    [InlineData(ulong.MaxValue)]
    public void Header_length_larger_than_the_file_fails(ulong declared)
    {
        var bytes = new byte[8 + 40];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declared);
        string path = _temp.File("long_header.safetensors");
        File.WriteAllBytes(path, bytes);
        AssertOpenFails(path, $"declares a {declared}-byte header but only 40 bytes follow");
    }

    [Fact]
    public void Invalid_utf8_in_a_tensor_name_fails()
    {
        byte[] file = SafeTensorsBytes.Build("{\"a\xff\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        // Replace the UTF-8 encoding of U+00FF (C3 BF) with a lone 0xFF byte plus a space to keep lengths.
        int at = file.AsSpan().IndexOf([(byte)0xC3, (byte)0xBF]);
        file[at] = 0xFF;
        file[at + 1] = (byte)'b';
        string path = _temp.File("bad_utf8.safetensors");
        File.WriteAllBytes(path, file);
        AssertOpenFails(path, "not valid");
    }

    [Fact]
    public void A_truncated_file_fails_at_Open_naming_the_tensor_that_is_cut_off()
    {
        var writer = new SafeTensorsWriter();
        writer.Add("first", [4], [1f, 2f, 3f, 4f]);
        writer.Add("second", [3], [5f, 6f, 7f]);
        string path = _temp.File("truncated.safetensors");
        writer.Save(path);
        byte[] whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole[..^4]);

        RnnFormatException e = AssertOpenFails(path, "past the end of the data buffer");
        Assert.Equal("second", e.TensorName);
        Assert.Contains("truncated", e.Message);

        // Cut inside the header: the declared header length no longer fits.
        File.WriteAllBytes(path, whole[..20]);
        AssertOpenFails(path, "-byte header but only 12 bytes follow");
    }

    [Fact]
    public void A_file_that_shrinks_after_Open_fails_cleanly_on_Read()
    {
        var writer = new SafeTensorsWriter();
        writer.Add("w", [1000], new float[1000]);
        string path = _temp.File("shrinks.safetensors");
        writer.Save(path);

        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) stream.SetLength(200);
        var e = Assert.Throws<RnnFormatException>(() => file.ReadFloat32("w"));
        Assert.Contains("shrinks.safetensors", e.Message);
        Assert.Equal("w", e.TensorName);
    }

    [Fact]
    public void Control_characters_from_the_file_are_escaped_in_the_message_itself()
    {
        // A dtype that would clear the screen and start a second line, were it printed as is: the runtime's own
        // message is safe to log, not only the CLI's error line.
        string path = _temp.File("evil.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build("{\"a\":{\"dtype\":\"\\u001b[2J\\n\\u202eF32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8));

        RnnFormatException e = AssertOpenFails(path, "unknown dtype '\\x1B[2J\\x0A\\u202EF32'");
        Assert.DoesNotContain('\u001b', e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\u202e', e.Message);
    }

    private static RnnFormatException AssertOpenFails(string path, string fragment)
    {
        var e = Assert.Throws<RnnFormatException>(() => SafeTensorsFile.Open(path));
        Assert.Contains(Path.GetFileName(path), e.Message);
        Assert.Contains(fragment, e.Message);
        Assert.Equal(Path.GetFullPath(path), e.FilePath);
        return e;
    }
}
