using System.Text.Encodings.Web;
using System.Text.Json;

namespace GoldenGen;

/// <summary>The JSON style of the committed files: two-space indent, no escaping of '+' or quotes, no final newline.</summary>
internal static class Json
{
    public static void WriteFile(string path, Action<Utf8JsonWriter> write)
    {
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        write(writer);
    }

    public static void Numbers(Utf8JsonWriter writer, string name, ReadOnlySpan<float> values)
    {
        writer.WriteStartArray(name);
        foreach (float value in values) writer.WriteNumberValue(value);
        writer.WriteEndArray();
    }

    public static void Numbers(Utf8JsonWriter writer, string name, ReadOnlySpan<long> values)
    {
        writer.WriteStartArray(name);
        foreach (long value in values) writer.WriteNumberValue(value);
        writer.WriteEndArray();
    }

    public static void Strings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (string value in values) writer.WriteStringValue(value);
        writer.WriteEndArray();
    }
}
