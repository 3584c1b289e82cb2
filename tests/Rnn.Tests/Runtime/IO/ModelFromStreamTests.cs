using System.Buffers;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;
using Rnn.Tests.TestSupport.Onnx;

namespace Rnn.Tests.Runtime.IO;

/// <summary>RnnModel.Load(Stream) and Load(bytes): the same model as from the path, the format told from the bytes,
/// bounded reads, and errors that name the source.</summary>
public class ModelFromStreamTests
{
    /// <summary>A stream that cannot seek and hands out at most <c>chunk</c> bytes per read, as a socket does.</summary>
    private sealed class TrickleStream(byte[] bytes, int chunk) : Stream
    {
        private int _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public bool Disposed { get; private set; }
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, chunk), bytes.Length - _position);
            bytes.AsSpan(_position, n).CopyTo(buffer.AsSpan(offset));
            _position += n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing) { Disposed = true; base.Dispose(disposing); }
    }

    /// <summary>A stream that never ends (zeros), counting what it handed out.</summary>
    private sealed class EndlessStream : Stream
    {
        public long Served { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) { buffer.AsSpan(offset, count).Clear(); Served += count; return count; }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static byte[] SafeTensorsOf(TensorDictionary tensors)
    {
        var writer = new SafeTensorsWriter();
        writer.AddAll(tensors);
        using var memory = new MemoryStream();
        writer.WriteTo(memory);
        return memory.ToArray();
    }

    /// <summary>Six steps of one stream, every output kept: two models agree when these are equal bit for bit.</summary>
    private static float[] Outputs(RnnModel model)
    {
        using RnnStream stream = model.CreateStream();
        var all = new float[6 * model.OutputSize];
        float[] x = OnnxRunner.RandomTensor(model.InputSize, 4);
        for (int t = 0; t < 6; t++) stream.Step(x, all.AsSpan(t * model.OutputSize, model.OutputSize));
        return all;
    }

    [Fact]
    public void SafeTensorsFromBytesOrAnyStreamIsTheModelFromThePath()
    {
        byte[] file = SafeTensorsOf(RnnModel.RandomStateDict(CellKind.Lstm, 5, 7, numLayers: 2, seed: 3));
        using var tmp = new TempDirectory();
        File.WriteAllBytes(tmp.File("m.safetensors"), file);
        using RnnModel fromPath = RnnModel.Load(tmp.File("m.safetensors"));
        float[] expected = Outputs(fromPath);

        using (RnnModel m = RnnModel.Load(file)) Assert.Equal(expected, Outputs(m));
        using (RnnModel m = RnnModel.Load(new MemoryStream(file))) Assert.Equal(expected, Outputs(m));
        var trickle = new TrickleStream(file, 7);
        using (RnnModel m = RnnModel.Load(trickle, "trickle")) Assert.Equal(expected, Outputs(m));
        Assert.False(trickle.Disposed); // the caller owns the stream
        // Read from the stream's position on, as the caller left it.
        var prefixed = new MemoryStream([0xFF, 0xFE, .. file]) { Position = 2 };
        using (RnnModel m = RnnModel.Load(prefixed)) Assert.Equal(expected, Outputs(m));
        using (FileStream fs = File.OpenRead(tmp.File("m.safetensors")))
        using (RnnModel m = RnnModel.Load(fs)) Assert.Equal(expected, Outputs(m));
    }

    [Fact]
    public void OnnxIsToldFromItsBytes()
    {
        OnnxNodeSpec spec = OnnxNodeSpec.Random("GRU", 3, 4, seed: 2) with { LinearBeforeReset = 1 };
        byte[] bytes = spec.ToGraph().ToBytes();
        using var tmp = new TempDirectory();
        File.WriteAllBytes(tmp.File("m.onnx"), bytes);
        using RnnModel fromPath = RnnModel.Load(tmp.File("m.onnx"));
        using RnnModel fromBytes = RnnModel.Load(bytes, "gru.onnx");
        using RnnModel fromStream = RnnModel.Load(new TrickleStream(bytes, 5), "gru.onnx");
        Assert.Equal(Outputs(fromPath), Outputs(fromBytes));
        Assert.Equal(Outputs(fromPath), Outputs(fromStream));
        Assert.Equal("gru.onnx", fromStream.Onnx!.FilePath);
    }

    [Fact]
    public void ExternalOnnxDataIsRefusedFromBytes()
    {
        OnnxNodeSpec spec = OnnxNodeSpec.Random("LSTM", 3, 4, seed: 5) with { Storage = Rnn.Benchmarks.Peers.OnnxGraphWriter.Storage.External };
        var e = Assert.Throws<RnnFormatException>(() => RnnModel.Load(spec.ToGraph().ToBytes(), "ext.onnx"));
        Assert.Contains("ext.onnx", e.Message);
        Assert.Contains("external data", e.Message);
        Assert.Equal("ext.onnx", e.FilePath);
    }

    [Theory]
    [InlineData(new byte[0], "it is empty")]
    [InlineData(new byte[] { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' }, "68656C6C6F")]
    [InlineData(new byte[] { 2, 0, 0, 0, 0, 0, 0, 0, (byte)'[', (byte)']' }, "02000000000000005B")]
    public void BytesOfNeitherFormatAreRefusedByName(byte[] bytes, string shown)
    {
        var e = Assert.Throws<RnnFormatException>(() => RnnModel.Load(new MemoryStream(bytes), "weights.bin"));
        Assert.Contains("'weights.bin' is neither safetensors", e.Message);
        Assert.Contains(shown, e.Message);
    }

    [Fact]
    public void TruncatedSafeTensorsNameTheSource()
    {
        byte[] file = SafeTensorsOf(RnnModel.RandomStateDict(CellKind.Gru, 3, 4));
        var e = Assert.Throws<RnnFormatException>(() => RnnModel.Load(file.AsSpan(0, file.Length - 5), "resource m.safetensors"));
        Assert.Contains("resource m.safetensors", e.Message);
        Assert.Contains("past the end", e.Message);
    }

    [Fact]
    public void AStreamThatNeverEndsIsRefusedAfterTheLimitNotBuffered()
    {
        var endless = new EndlessStream();
        var e = Assert.Throws<RnnFormatException>(() => StreamBytes.ReadToEnd(endless, 1 << 20, "endless", out _));
        Assert.Contains("'endless' carries more than 1,048,576 bytes", e.Message);
        Assert.InRange(endless.Served, (1 << 20) + 1, 2 << 20); // read one byte past the limit, not gigabytes
    }

    [Fact]
    public void ASeekableStreamLongerThanTheLimitIsRefusedBeforeReading()
    {
        var big = new MemoryStream(new byte[4096]);
        var e = Assert.Throws<RnnFormatException>(() => StreamBytes.ReadToEnd(big, 1000, "big", out _));
        Assert.Contains("'big' holds 4,096 bytes, more than the 1,000", e.Message);
        Assert.Equal(0, big.Position);
    }

    [Fact]
    public void AStreamUpToTheLimitIsReadWhole()
    {
        byte[] data = new byte[100_000];
        byte[] buffer = StreamBytes.ReadToEnd(new TrickleStream(data, 999), 1 << 20, "t", out int length);
        Assert.Equal(data.Length, length);
        ArrayPool<byte>.Shared.Return(buffer);
        // A stream of exactly the limit is accepted (the probe past it finds the end).
        buffer = StreamBytes.ReadToEnd(new TrickleStream(new byte[1 << 16], 1000), 1 << 16, "t", out length);
        Assert.Equal(1 << 16, length);
        ArrayPool<byte>.Shared.Return(buffer);
    }

    [Fact]
    public void FormatSpecificArgumentsAreRefusedForTheOtherFormat()
    {
        byte[] safetensors = SafeTensorsOf(RnnModel.RandomStateDict(CellKind.Gru, 3, 4));
        Assert.Throws<ArgumentException>(() => RnnModel.Load(safetensors, node: "x"));
        byte[] onnx = (OnnxNodeSpec.Random("GRU", 3, 4) with { LinearBeforeReset = 1 }).ToGraph().ToBytes();
        Assert.Throws<ArgumentException>(() => RnnModel.Load(onnx, prefix: "rnn."));
    }
}
