using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Rnn.Benchmarks.Peers;
using Rnn.Fuzz.Targets;
using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Fuzz;

/// <summary>
/// Writes fuzz/corpus/TARGET/*: small valid inputs, from our own writers and trainers, a few golden PyTorch files,
/// and hand-made variants for the branches our writers never take (F16/BF16 data, npy versions 2 and 3, '&lt;f8').
/// The committed corpus is this command's output; rerun it when a format changes.
/// </summary>
internal static class SeedCorpus
{
    public static int Write(string corpus, string golden)
    {
        using var scratch = new ScratchFolder();
        SafeTensors(Dir(corpus, "safetensors"), golden, scratch);
        NpyFiles(Dir(corpus, "npy"), golden, scratch);
        Checkpoints(Dir(corpus, "checkpoint"), Dir(corpus, "checkpoint-meta"), scratch);
        JsonLines(Dir(corpus, "imdb-jsonl"));
        Archives(Dir(corpus, "imdb-archive"));
        WordIndexes(Dir(corpus, "word-index"));
        OnnxModels(Dir(corpus, "onnx"), Path.Combine(corpus, "..", "..", "tests", "onnx-ort"));
        return 0;
    }

    private static string Dir(string corpus, string target)
    {
        string dir = Path.Combine(corpus, target);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static void SafeTensors(string dir, string golden, ScratchFolder scratch)
    {
        // Golden state_dicts as PyTorch wrote them (the two smallest: GRU one-way, LSTM bidirectional).
        File.Copy(Path.Combine(golden, "gru_l1_uni", "weights.safetensors"), Path.Combine(dir, "golden-gru-l1-uni.safetensors"));
        File.Copy(Path.Combine(golden, "lstm_l1_bi", "weights.safetensors"), Path.Combine(dir, "golden-lstm-l1-bi.safetensors"));
        // Our writer: an Elman RNN with input 1, hidden 2, and metadata.
        var writer = new SafeTensorsWriter();
        writer.Metadata["format"] = "pt";
        writer.Add("weight_ih_l0", [2, 1], [0.5f, -0.25f]);
        writer.Add("weight_hh_l0", [2, 2], [0.1f, 0.2f, 0.3f, 0.4f]);
        writer.Add("bias_ih_l0", [2], [0.01f, 0.02f]);
        writer.Add("bias_hh_l0", [2], [-0.01f, 0.03f]);
        writer.Save(Path.Combine(dir, "ours-rnn-h2.safetensors"));
        // The same tensors stored as F16 and BF16, with one 0-d tensor and a dtype the float reader refuses.
        File.WriteAllBytes(Path.Combine(dir, "handmade-rnn-f16.safetensors"), HalfPrecision("F16"));
        File.WriteAllBytes(Path.Combine(dir, "handmade-rnn-bf16.safetensors"), HalfPrecision("BF16"));
        File.WriteAllBytes(Path.Combine(dir, "handmade-metadata-only.safetensors"), SafeTensorsBytes("""{"__metadata__":{"format":"pt"}}""", []));
        // int8 files: the golden GRU as `rnn quantize` writes it, and an Elman RNN with an I8 W_hh whose row 1 holds -128.
        using (SafeTensorsFile gru = SafeTensorsFile.Open(Path.Combine(golden, "gru_l1_uni", "weights.safetensors")))
            Int8StateDict.Quantize(gru, null, out _, out _).Save(Path.Combine(dir, "ours-gru-int8.safetensors"));
        var int8 = new SafeTensorsWriter();
        int8.Add("weight_ih_l0", [2, 1], [0.5f, -0.25f]);
        int8.Add("weight_hh_l0", [2, 2], [(sbyte)5, (sbyte)-127, (sbyte)-128, (sbyte)3]);
        int8.Add("weight_hh_l0_scale", [2, 1], [0.01f, 0.002f]);
        int8.Save(Path.Combine(dir, "ours-rnn-int8-min.safetensors"));
        _ = scratch;
    }

    /// <summary>weight_ih_l0 (2, 1), weight_hh_l0 (2, 2), no biases, plus a 0-d I64 "step": 6 half floats then 8 bytes.</summary>
    private static byte[] HalfPrecision(string dtype)
    {
        float[] values = [0.5f, -0.25f, 0.1f, 0.2f, 0.3f, 0.4f];
        var data = new byte[values.Length * 2 + 8];
        for (int i = 0; i < values.Length; i++)
        {
            ushort bits = dtype == "F16"
                ? BitConverter.HalfToUInt16Bits((Half)values[i])
                : (ushort)(BitConverter.SingleToUInt32Bits(values[i]) >> 16);
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * i), bits);
        }
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(12), 42);
        string header =
            $$$"""{"weight_ih_l0":{"dtype":"{{{dtype}}}","shape":[2,1],"data_offsets":[0,4]},"weight_hh_l0":{"dtype":"{{{dtype}}}","shape":[2,2],"data_offsets":[4,12]},"step":{"dtype":"I64","shape":[],"data_offsets":[12,20]}}""";
        return SafeTensorsBytes(header, data);
    }

    private static byte[] SafeTensorsBytes(string header, ReadOnlySpan<byte> data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        int padded = (json.Length + 7) & ~7;
        var bytes = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        json.CopyTo(bytes, 8);
        bytes.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        data.CopyTo(bytes.AsSpan(8 + padded));
        return bytes;
    }

    private static void NpyFiles(string dir, string golden, ScratchFolder scratch)
    {
        File.Copy(Path.Combine(golden, "gru_l1_uni", "h0.npy"), Path.Combine(dir, "golden-h0.npy"));
        File.Copy(Path.Combine(golden, "gru_l1_uni", "x.npy"), Path.Combine(dir, "golden-x.npy"));
        Npy.Write(Path.Combine(dir, "ours-3d.npy"), [1f, 2f, 3f, 4f, 5f, 6f], [3, 1, 2]);
        Npy.Write(Path.Combine(dir, "ours-0d.npy"), [7f], []);
        Npy.Write(Path.Combine(dir, "ours-empty.npy"), [], [0, 4]);
        // numpy's other spellings: version 2.0 and 3.0 preambles, '<f8' and '<f2', double quotes, Python 2 longs.
        File.WriteAllBytes(Path.Combine(dir, "handmade-v2-f8.npy"), NpyBytes(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16));
        File.WriteAllBytes(Path.Combine(dir, "handmade-v3-f2.npy"), NpyBytes(3, "{\"descr\": \"<f2\", \"fortran_order\": False, \"shape\": (1, 3L), }", 6));
        _ = scratch;
    }

    private static byte[] NpyBytes(byte major, string dict, int dataBytes)
    {
        int prefix = major == 1 ? 10 : 12;
        int headerLength = dict.Length + 1;
        headerLength += (64 - (prefix + headerLength) % 64) % 64;
        var bytes = new byte[prefix + headerLength + dataBytes];
        ReadOnlySpan<byte> magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        magic.CopyTo(bytes);
        bytes[6] = major;
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)headerLength);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)headerLength);
        Encoding.ASCII.GetBytes(dict).CopyTo(bytes, prefix);
        bytes.AsSpan(prefix + dict.Length, headerLength - dict.Length - 1).Fill((byte)' ');
        bytes[prefix + headerLength - 1] = (byte)'\n';
        for (int i = 0; i < dataBytes; i++) bytes[prefix + headerLength + i] = (byte)(0x3c + i % 3);
        return bytes;
    }

    private static void Checkpoints(string dir, string metaDir, ScratchFolder scratch)
    {
        (string Name, string Path)[] seeds =
        [
            ("imdb-lstm", SeedModels.TrainImdb(scratch)),
            ("charlm-gru", SeedModels.TrainCharLm(scratch, "gru")),
            ("charlm-rnn", SeedModels.TrainCharLm(scratch, "rnn")),
        ];
        foreach (var (name, path) in seeds)
        {
            File.Copy(path, Path.Combine(dir, name + ".safetensors"));
            File.WriteAllBytes(Path.Combine(metaDir, name + ".meta"), CheckpointMetaTarget.InputOf(path));
        }
    }

    private static void JsonLines(string dir)
    {
        string data = SeedModels.WriteImdbData(Path.Combine(Path.GetTempPath(), $"rnn-fuzz-seeds-{Environment.ProcessId}"));
        File.Copy(Path.Combine(data, "train.jsonl"), Path.Combine(dir, "ours-4-reviews.jsonl"));
        Directory.Delete(data, recursive: true);
        // Two short reviews as the published JSON lines hold them (non-ASCII, <br />, escaped quotes), CRLF and a blank line.
        File.WriteAllText(Path.Combine(dir, "published-style.jsonl"),
            "{\"id\": 17, \"rating\": 3, \"label\": 0, \"text\": \"It's about 8\u00bd minutes too long. A \\\"mystic\\\" man<br /><br />Ridiculous!!!\"}\r\n" +
            "\r\n{\"label\": 1, \"text\": \"Great \\u00e9 film\", \"extra\": [1, {\"x\": null}]}");
    }

    private static void Archives(string dir)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(new UstarTarEntry(TarEntryType.Directory, "aclImdb/train/"));
            AddText(writer, "aclImdb/README", "not a review");
            AddText(writer, "aclImdb/train/neg/0_3.txt", "a bad film, not good");
            AddText(writer, "aclImdb/train/pos/1_10.txt", "a good film<br />The one.");
            AddText(writer, "aclImdb/test/pos/2_9.txt", "other split");
        }
        File.WriteAllBytes(Path.Combine(dir, "ours-ustar.tar"), tar.ToArray());
        var gnu = new MemoryStream();
        using (var writer = new TarWriter(gnu, TarEntryFormat.Gnu, leaveOpen: true))
            AddText(writer, "aclImdb/train/pos/7_8.txt", "good");
        using var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(gnu.ToArray());
        File.WriteAllBytes(Path.Combine(dir, "ours-gnu.tar.gz"), gz.ToArray());
    }

    private static void AddText(TarWriter writer, string name, string text)
    {
        TarEntry entry = writer.Format == TarEntryFormat.Gnu ? new GnuTarEntry(TarEntryType.RegularFile, name) : new UstarTarEntry(TarEntryType.RegularFile, name);
        entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        writer.WriteEntry(entry);
    }

    private static void WordIndexes(string dir)
    {
        File.WriteAllText(Path.Combine(dir, "ours.json"), SeedModels.WordIndexJson);
        File.WriteAllText(Path.Combine(dir, "keras-style.json"),
            "{\"fawn\": 34701, \"tsukino\": 52006, \"nunnery\": 52007, \"sonja\": 16816, \"vani\": 63951, \"woods\": 1408, " +
            "\"\\u00e1ngela\": 88500, \"don't\": 89, \"br\": 7, \"the\": 1}");
    }

    /// <summary>
    /// ONNX models: a few of tests/onnx-ort's one-node cases (every operator and direction, layout 1, no B, peepholes,
    /// input_forget, clip, both GRU forms, explicit activations, omitted outputs), one with float_data initializers and
    /// a two-layer LSTM stack as torch.onnx.export writes it (LSTM, Squeeze, LSTM), and ONNX Runtime's quantized LSTM.
    /// </summary>
    private static void OnnxModels(string dir, string onnxOrt)
    {
        string[] cases =
        [
            "rnn_bidirectional_relu", "rnn_reverse_tanh_clip", "lstm_forward_lens_state", "lstm_bidirectional_all_variants",
            "lstm_reverse_peepholes_layout1", "gru_lbr1_reverse_layout1", "gru_lbr0_forward_defaults", "gru_lbr1_bidirectional_nobias_noY",
        ];
        foreach (string name in cases)
        {
            string from = Path.Combine(onnxOrt, name, "model.onnx");
            if (!File.Exists(from)) throw new FileNotFoundException($"seed model {from} not found (tests/onnx-ort of the checkout beside {dir})");
            File.Copy(from, Path.Combine(dir, $"ort-{name.Replace('_', '-')}.onnx"));
        }
        float[] w = Ramp(4 * 3 * 2), r = Ramp(4 * 3 * 3), b = Ramp(2 * 4 * 3);
        var floatData = new OnnxGraphWriter("float_data");
        floatData.Node("LSTM", "lstm", ["X", "W", "R", "B"], ["Y", "Y_h"], ("hidden_size", 3L));
        floatData.Initializer("W", [1, 12, 2], w, OnnxGraphWriter.Storage.FloatData).Initializer("R", [1, 12, 3], r, OnnxGraphWriter.Storage.FloatData)
            .Initializer("B", [1, 24], b, OnnxGraphWriter.Storage.FloatData).Input("X", [null, null, 2]);
        File.WriteAllBytes(Path.Combine(dir, "ours-lstm-float-data.onnx"), floatData.ToBytes());
        var stack = new OnnxGraphWriter("stack");
        stack.Node("LSTM", "lstm0", ["X", "W0", "R0", "B0"], ["Y0"], ("hidden_size", 3L));
        stack.Node("Squeeze", "squeeze0", ["Y0", "axes"], ["X1"]);
        stack.Node("LSTM", "lstm1", ["X1", "W1", "R1", "B1"], ["Y1"], ("hidden_size", 3L));
        stack.Initializer("W0", [1, 12, 2], w).Initializer("R0", [1, 12, 3], r).Initializer("B0", [1, 24], b)
            .Initializer("W1", [1, 12, 3], Ramp(36)).Initializer("R1", [1, 12, 3], r).Initializer("B1", [1, 24], b)
            .Input("X", [null, null, 2]).Input("axes", [1]).Output("Y1", [null, 1, null, 3]);
        File.WriteAllBytes(Path.Combine(dir, "ours-lstm-stack.onnx"), stack.ToBytes());
        QuantizedLstm(dir, "ours-dq-lstm-int8-per-column.onnx", OnnxGraphWriter.Int8, directions: 1, perColumn: true);
        QuantizedLstm(dir, "ours-dq-lstm-uint8-bidirectional.onnx", OnnxGraphWriter.UInt8, directions: 2, perColumn: false);
    }

    /// <summary>ONNX Runtime's DynamicQuantizeLSTM (I = 2, H = 3): W (D, 2, 12) and R (D, 3, 12) as INT8 or UINT8, their
    /// scales and zero points per direction or per column.</summary>
    private static void QuantizedLstm(string dir, string file, int dataType, int directions, bool perColumn)
    {
        const int I = 2, H = 3, G = 4 * H;
        byte[] Bytes(int n)
        {
            var a = new byte[n];
            for (int i = 0; i < n; i++) a[i] = dataType == OnnxGraphWriter.Int8 ? (byte)(sbyte)(i * 37 % 255 - 127) : (byte)(i * 37 % 256);
            return a;
        }
        long[] scaleDims = perColumn ? [directions, G] : [directions];
        int scales = perColumn ? directions * G : directions;
        var scale = new float[scales];
        for (int i = 0; i < scales; i++) scale[i] = 0.01f + 0.001f * i;
        var zero = new byte[scales];
        if (dataType == OnnxGraphWriter.UInt8) zero.AsSpan().Fill(128);
        var g = new OnnxGraphWriter("dq_lstm");
        g.Node("com.microsoft", "DynamicQuantizeLSTM", "qlstm",
            ["X", "W", "R", "B", "", "", "", "", "W_scale", "W_zero_point", "R_scale", "R_zero_point"], ["Y", "Y_h", "Y_c"],
            ("hidden_size", (long)H), ("direction", directions == 2 ? "bidirectional" : "forward"));
        g.Initializer("W", [directions, I, G], Bytes(directions * I * G), dataType).Initializer("R", [directions, H, G], Bytes(directions * H * G), dataType);
        g.Initializer("W_scale", scaleDims, scale).Initializer("W_zero_point", scaleDims, zero, dataType);
        g.Initializer("R_scale", scaleDims, scale).Initializer("R_zero_point", scaleDims, zero, dataType);
        g.Initializer("B", [directions, 8 * H], Ramp(directions * 8 * H)).Input("X", [null, null, I]);
        File.WriteAllBytes(Path.Combine(dir, file), g.ToBytes());
    }

    private static float[] Ramp(int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (i % 7 - 3) * 0.125f;
        return a;
    }
}
