using System.Globalization;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using System.Text.Json;

namespace Rnn.Cli.Commands.Bench;

/// <summary>
/// What <c>rnn bench --suite NAME --json FILE</c> writes and <c>rnn bench compare</c> reads: the run's context and
/// every workload with all its samples. Written and read with the span-based JSON API (no reflection, so AOT-safe).
/// </summary>
internal sealed record BenchReport
{
    /// <summary>The format's name and version, checked on reading.</summary>
    public const string Format = "rnn-bench-report/1";

    public string? Suite { get; init; }
    public string? CreatedUtc { get; init; }
    public string? Commit { get; init; }
    public string? CommitSource { get; init; }
    public string? DefaultKernel { get; init; }
    public MachineInfo Machine { get; init; } = new();
    public IReadOnlyList<WorkloadResult> Workloads { get; init; } = [];

    public void Write(Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("format", Format);
        WriteOptional(w, "suite", Suite);
        WriteOptional(w, "created_utc", CreatedUtc);
        WriteOptional(w, "commit", Commit);
        WriteOptional(w, "commit_source", CommitSource);
        WriteOptional(w, "default_kernel", DefaultKernel);
        w.WriteStartObject("machine");
        WriteOptional(w, "cpu", Machine.Cpu);
        w.WriteNumber("logical_cores", Machine.LogicalCores);
        w.WriteStartArray("caches");
        foreach (CacheInfo c in Machine.Caches)
        {
            w.WriteStartObject();
            w.WriteNumber("level", c.Level);
            w.WriteString("type", c.Type);
            w.WriteNumber("size_bytes", c.SizeBytes);
            WriteOptional(w, "shared_cpu_list", c.SharedWith);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("load_average");
        foreach (double l in Machine.LoadAverage) w.WriteNumberValue(l);
        w.WriteEndArray();
        WriteOptional(w, "os", Machine.Os);
        WriteOptional(w, "dotnet", Machine.Dotnet);
        w.WriteEndObject();
        w.WriteStartArray("workloads");
        foreach (WorkloadResult r in Workloads)
        {
            w.WriteStartObject();
            w.WriteString("name", r.Name);
            WriteOptional(w, "kind", r.Kind);
            WriteOptional(w, "cell", r.Cell);
            w.WriteNumber("input", r.Input);
            w.WriteNumber("hidden", r.Hidden);
            w.WriteNumber("layers", r.Layers);
            w.WriteNumber("batch", r.Batch);
            w.WriteNumber("sequence_length", r.SequenceLength);
            WriteOptional(w, "precision", r.Precision);
            WriteOptional(w, "kernel", r.Kernel);
            if (r.Error is not null) w.WriteString("error", r.Error);
            w.WriteString("unit", "ns_per_op");
            w.WriteNumber("ops_per_sample", r.OpsPerSample);
            JsonLine.Number(w, "median", Math.Round(r.Median, 3));
            JsonLine.Number(w, "alloc_bytes_per_op", r.AllocBytesPerOp);
            w.WriteStartArray("samples");
            // Round-trip precision: what compare reads back is exactly what was measured.
            foreach (double s in r.Samples) w.WriteNumberValue(s);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Reads a report written by <see cref="Write"/>; the error names the file and what is wrong.</summary>
    public static BenchReport Read(JsonElement root, string path)
    {
        string? format = OptionalString(root, "format");
        if (format != Format)
            throw new RnnFormatException($"{path}: not an rnn bench report (format '{format ?? "missing"}', expected '{Format}').", path);
        if (!root.TryGetProperty("workloads", out JsonElement workloads) || workloads.ValueKind != JsonValueKind.Array)
            throw new RnnFormatException($"{path}: no 'workloads' array.", path);
        var results = new List<WorkloadResult>();
        int index = 0;
        foreach (JsonElement e in workloads.EnumerateArray())
        {
            string where = $"{path}: workloads[{index++}]";
            if (e.ValueKind != JsonValueKind.Object) throw new RnnFormatException($"{where} is not an object.", path);
            string name = OptionalString(e, "name") ?? throw new RnnFormatException($"{where} has no 'name'.", path);
            string? unit = OptionalString(e, "unit");
            if (unit is not null && unit != "ns_per_op")
                throw new RnnFormatException($"{where} ('{name}') has unit '{unit}', expected 'ns_per_op'.", path);
            results.Add(new WorkloadResult
            {
                Name = name,
                Kind = OptionalString(e, "kind"),
                Cell = OptionalString(e, "cell"),
                Input = OptionalInt(e, "input"),
                Hidden = OptionalInt(e, "hidden"),
                Layers = OptionalInt(e, "layers"),
                Batch = OptionalInt(e, "batch"),
                SequenceLength = OptionalInt(e, "sequence_length"),
                Precision = OptionalString(e, "precision"),
                Kernel = OptionalString(e, "kernel"),
                Error = OptionalString(e, "error"),
                OpsPerSample = OptionalInt(e, "ops_per_sample"),
                AllocBytesPerOp = e.TryGetProperty("alloc_bytes_per_op", out JsonElement a) && a.ValueKind == JsonValueKind.Number ? a.GetDouble() : double.NaN,
                Samples = ReadSamples(e, where, name, path),
            });
        }
        MachineInfo machine = new();
        if (root.TryGetProperty("machine", out JsonElement m) && m.ValueKind == JsonValueKind.Object)
        {
            var caches = new List<CacheInfo>();
            if (m.TryGetProperty("caches", out JsonElement cs) && cs.ValueKind == JsonValueKind.Array)
                foreach (JsonElement c in cs.EnumerateArray())
                    caches.Add(new CacheInfo(OptionalInt(c, "level"), OptionalString(c, "type") ?? "", OptionalLong(c, "size_bytes"), OptionalString(c, "shared_cpu_list")));
            var load = new List<double>();
            if (m.TryGetProperty("load_average", out JsonElement ls) && ls.ValueKind == JsonValueKind.Array)
                foreach (JsonElement l in ls.EnumerateArray())
                    if (l.ValueKind == JsonValueKind.Number) load.Add(l.GetDouble());
            machine = new MachineInfo
            {
                Cpu = OptionalString(m, "cpu"),
                LogicalCores = OptionalInt(m, "logical_cores"),
                Caches = [.. caches],
                LoadAverage = [.. load],
                Os = OptionalString(m, "os"),
                Dotnet = OptionalString(m, "dotnet"),
            };
        }
        return new BenchReport
        {
            Suite = OptionalString(root, "suite"),
            CreatedUtc = OptionalString(root, "created_utc"),
            Commit = OptionalString(root, "commit"),
            CommitSource = OptionalString(root, "commit_source"),
            DefaultKernel = OptionalString(root, "default_kernel"),
            Machine = machine,
            Workloads = results,
        };
    }

    private static double[] ReadSamples(JsonElement e, string where, string name, string path)
    {
        if (!e.TryGetProperty("samples", out JsonElement samples) || samples.ValueKind != JsonValueKind.Array)
            throw new RnnFormatException($"{where} ('{name}') has no 'samples' array.", path);
        var values = new double[samples.GetArrayLength()];
        int i = 0;
        foreach (JsonElement s in samples.EnumerateArray())
        {
            if (s.ValueKind != JsonValueKind.Number || !s.TryGetDouble(out double v) || !double.IsFinite(v) || v <= 0)
                throw new RnnFormatException($"{where} ('{name}'): samples[{i}] is {s.GetRawText()}, expected a positive number of nanoseconds.", path);
            values[i++] = v;
        }
        return values;
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    private static string? OptionalString(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int OptionalInt(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : 0;

    private static long OptionalLong(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long i) ? i : 0;

    /// <summary>Now, as an ISO-8601 UTC time to the second.</summary>
    public static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
