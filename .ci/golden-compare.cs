// Compares `rnn run` / `rnn grad` outputs with the PyTorch golden vectors, within each case's manifest tolerance
// (|actual - expected| <= atol + rtol·|expected|, the tests' rule). Used by .ci/arm64 for the emulated ARM64 build.
// Usage: dotnet run .ci/golden-compare.cs -- GOLDEN_DIR OUTPUT_DIR CASE...
//   OUTPUT_DIR/CASE/ holds y.npy, hn.npy, [cn.npy] and grad/ (d_x.npy, d_h0.npy, [d_c0.npy], grads.safetensors).
// Int8: dotnet run .ci/golden-compare.cs -- --int8 GOLDEN_DIR OUTPUT_DIR CASE/KERNEL...
//   OUTPUT_DIR/CASE/KERNEL/ holds another machine's `rnn run --precision int8` outputs (y.npy, hn.npy, [cn.npy]);
//   they must equal, bit for bit, the int8 outputs computed here (integer sums are exact on every kernel, and the
//   float work around them is the same on every path that fuses multiply-add).
// bfloat16: the same with --bf16 and `rnn run --precision bf16` outputs: every vector path sums a bf16 product in the
//   same order with fused multiply-adds, so another machine's vector path must give this machine's bits too.
#:project ../src/Rnn.Runtime/Rnn.Runtime.csproj
#:property PublishAot=false
using System.Text.Json;
using Rnn.Runtime;
using Rnn.Runtime.IO;

if (args.Length >= 4 && args[0] == "--int8") return CompareExactly(WeightPrecision.Int8, args[1], args[2], args[3..]);
if (args.Length >= 4 && args[0] == "--bf16") return CompareExactly(WeightPrecision.BFloat16, args[1], args[2], args[3..]);
if (args.Length < 3) { Console.Error.WriteLine("usage: golden-compare GOLDEN_DIR OUTPUT_DIR CASE..."); return 2; }
string golden = args[0], outputs = args[1];
int failures = 0, checkedValues = 0;
foreach (string name in args[2..])
{
    string g = Path.Combine(golden, name), o = Path.Combine(outputs, name);
    using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(g, "manifest.json")));
    JsonElement tol = manifest.RootElement.GetProperty("tolerance_hint");
    double fa = tol.GetProperty("forward_atol").GetDouble(), fr = tol.GetProperty("forward_rtol").GetDouble();
    double ga = tol.GetProperty("grad_atol").GetDouble(), gr = tol.GetProperty("grad_rtol").GetDouble();
    bool lstm = File.Exists(Path.Combine(g, "cn.npy"));
    foreach (string f in lstm ? new[] { "y", "hn", "cn" } : new[] { "y", "hn" })
        Compare($"{name}/{f}", ReadNpy(Path.Combine(g, f + ".npy")), ReadNpy(Path.Combine(o, f + ".npy")), fa, fr);
    foreach (string f in lstm ? new[] { "d_x", "d_h0", "d_c0" } : new[] { "d_x", "d_h0" })
        Compare($"{name}/{f}", ReadNpy(Path.Combine(g, f + ".npy")), ReadNpy(Path.Combine(o, "grad", f + ".npy")), ga, gr);
    using SafeTensorsFile expected = SafeTensorsFile.Open(Path.Combine(g, "grads.safetensors"));
    using SafeTensorsFile actual = SafeTensorsFile.Open(Path.Combine(o, "grad", "grads.safetensors"));
    if (expected.Names.Count != actual.Names.Count) Fail($"{name}: {actual.Names.Count} gradients, expected {expected.Names.Count}");
    foreach (string t in expected.Names) Compare($"{name}/grad {t}", expected.ReadFloat32(t), actual.ReadFloat32(t), ga, gr);
}
Console.WriteLine($"golden-compare: {args.Length - 2} cases, {checkedValues} values, {failures} outside tolerance");
return failures == 0 ? 0 : 1;

void Compare(string what, float[] expected, float[] actual, double atol, double rtol)
{
    if (expected.Length != actual.Length) { Fail($"{what}: {actual.Length} values, expected {expected.Length}"); return; }
    for (int i = 0; i < expected.Length; i++)
    {
        double err = Math.Abs((double)actual[i] - expected[i]);
        if (!(err <= atol + rtol * Math.Abs(expected[i])))
        {
            Fail($"{what}[{i}] = {actual[i]:R}, expected {expected[i]:R} (|diff| {err:E2} > {atol:E1} + {rtol:E1}·|expected|)");
            return;
        }
    }
    checkedValues += expected.Length;
}

// The runtime's npy reader is internal; these files are the tests' and our own writer's: '<f4', C order.
static float[] ReadNpy(string path)
{
    byte[] bytes = File.ReadAllBytes(path);
    int major = bytes[6];
    int headerLength = major == 1 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToInt32(bytes, 8);
    int start = (major == 1 ? 10 : 12) + headerLength;
    string header = System.Text.Encoding.ASCII.GetString(bytes, major == 1 ? 10 : 12, headerLength);
    if (!header.Contains("'<f4'") || header.Contains("'fortran_order': True"))
        throw new InvalidDataException($"{path}: expected a little-endian float32 C-order array, header {header.Trim()}");
    return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan(start)).ToArray();
}

// Runs each case's weights at the precision here and compares the other machine's outputs bit for bit.
static int CompareExactly(WeightPrecision precision, string golden, string outputs, string[] runs)
{
    int mismatches = 0, values = 0;
    string label = precision == WeightPrecision.Int8 ? "int8" : "bf16";
    foreach (string run in runs)
    {
        string name = run.Split('/')[0], g = Path.Combine(golden, name), o = Path.Combine(outputs, run);
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(g, "manifest.json")));
        int T = manifest.RootElement.GetProperty("seq_len").GetInt32(), B = manifest.RootElement.GetProperty("batch").GetInt32();
        using RnnModel model = RnnModel.Load(Path.Combine(g, "weights.safetensors"));
        using RnnSession session = model.CreateSession(T, B, precision);
        bool lstm = model.Cell == CellKind.Lstm;
        int state = model.NumLayers * model.Directions * B * model.HiddenSize;
        var y = new float[T * B * model.Directions * model.HiddenSize];
        float[] hn = new float[state], cn = new float[lstm ? state : 0];
        session.Run(ReadNpy(Path.Combine(g, "x.npy")), y, T, B, h0: ReadNpy(Path.Combine(g, "h0.npy")),
            c0: lstm ? ReadNpy(Path.Combine(g, "c0.npy")) : default, hn: hn, cn: lstm ? cn : default);
        foreach ((string f, float[] here) in lstm ? new[] { ("y", y), ("hn", hn), ("cn", cn) } : new[] { ("y", y), ("hn", hn) })
        {
            float[] there = ReadNpy(Path.Combine(o, f + ".npy"));
            int at = -1;
            for (int i = 0; there.Length == here.Length && i < here.Length && at < 0; i++)
                if (BitConverter.SingleToInt32Bits(here[i]) != BitConverter.SingleToInt32Bits(there[i])) at = i;
            if (there.Length != here.Length)
                Console.Error.WriteLine($"golden-compare: {label} {run}/{f}: {there.Length} values, expected {here.Length}");
            else if (at >= 0)
                Console.Error.WriteLine($"golden-compare: {label} {run}/{f}[{at}] = {there[at]:R}, this machine's {label} gives {here[at]:R} (not bit for bit)");
            else { values += here.Length; continue; }
            mismatches++;
        }
    }
    Console.WriteLine($"golden-compare: {label} {runs.Length} runs, {values} values equal bit for bit, {mismatches} outputs differ");
    return mismatches == 0 ? 0 : 1;
}

void Fail(string message)
{
    Console.Error.WriteLine("golden-compare: " + message);
    failures++;
}
