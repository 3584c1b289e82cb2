using System.Text;
using System.Text.Json;

namespace OrtCases;

/// <summary>
/// Writes manifest.json: the producer, the tolerance the tests apply, and per case its operator, attributes, sizes,
/// sequence_lens, the input and output tensors present (one .npy each in the case folder) and the cell variants it needs.
/// </summary>
internal static class Manifest
{
    /// <summary>
    /// |ours - ONNX Runtime| ≤ atol + rtol·|ONNX Runtime|: two float32 implementations of the same node at these sizes
    /// (≤ 5 steps, hidden ≤ 5) differ by a few ulps of values below ~2; the tests also hold ONNX Runtime's values to the
    /// same bound against a double-precision reference.
    /// </summary>
    public const double Atol = 1e-5, Rtol = 1e-5;

    public static void Write(string path, IReadOnlyList<CaseSummary> cases, string ortVersion)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("producer", $"ONNX Runtime {ortVersion} (Microsoft.ML.OnnxRuntime NuGet), CPU execution provider, 1 thread");
            json.WriteString("generator", "tools/OrtCases (dotnet run --project tools/OrtCases -c Release -- --out DIR)");
            json.WriteString("layout_note", "layout 1 cases: ONNX Runtime ran the same node with layout 0 on the transposed inputs; " +
                "the committed inputs and outputs are transposed to layout 1");
            json.WriteNumber("atol", Atol);
            json.WriteNumber("rtol", Rtol);
            json.WriteStartArray("cases");
            foreach (CaseSummary s in cases)
            {
                CaseSpec c = s.Spec;
                json.WriteStartObject();
                json.WriteString("name", c.Name);
                json.WriteString("op", c.Op);
                json.WriteString("direction", c.Direction);
                json.WriteNumber("layout", c.Layout);
                json.WriteNumber("seed", c.Seed);
                json.WriteNumber("seq_len", s.SeqLen);
                json.WriteNumber("batch", s.Batch);
                json.WriteNumber("input_size", s.InputSize);
                json.WriteNumber("hidden_size", s.HiddenSize);
                json.WriteBoolean("bias", c.Bias);
                json.WriteBoolean("peepholes", c.Peepholes);
                if (c.Clip is { } clip) json.WriteNumber("clip", clip); else json.WriteNull("clip");
                if (c.InputForget is { } f) json.WriteNumber("input_forget", f);
                if (c.Op == "GRU") json.WriteNumber("linear_before_reset", c.LinearBeforeReset ?? 0);
                if (c.Activations is { } a) WriteStrings(json, "activations", a);
                if (s.SequenceLens is { } lens)
                {
                    json.WriteStartArray("sequence_lens");
                    foreach (int l in lens) json.WriteNumberValue(l);
                    json.WriteEndArray();
                }
                else json.WriteNull("sequence_lens");
                WriteStrings(json, "inputs", s.Inputs);
                WriteStrings(json, "outputs", s.Outputs);
                WriteStrings(json, "variants", c.Variants());
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
        File.WriteAllBytes(path, stream.ToArray());
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, string[] values)
    {
        json.WriteStartArray(name);
        foreach (string v in values) json.WriteStringValue(v);
        json.WriteEndArray();
    }
}
