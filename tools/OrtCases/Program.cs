using System.Reflection;
using OrtCases;

// Regenerates the ONNX Runtime reference cases (tests/onnx-ort) and optionally compares them with a committed copy.
// Usage: OrtCases --out DIR [--compare tests/onnx-ort]
string? output = null, compare = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out" when i + 1 < args.Length: output = args[++i]; break;
        case "--compare" when i + 1 < args.Length: compare = args[++i]; break;
        default:
            Console.Error.WriteLine($"error: unexpected argument '{args[i]}'. Usage: OrtCases --out DIR [--compare ONNX_ORT_DIR]");
            return 2;
    }
}
if (output is null)
{
    Console.Error.WriteLine("error: --out DIR is required. Usage: OrtCases --out DIR [--compare ONNX_ORT_DIR]");
    return 2;
}

string ortVersion = typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly
    .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";
Directory.CreateDirectory(output);
var summaries = new List<CaseSummary>();
foreach (CaseSpec c in Cases.All()) summaries.Add(CaseGenerator.Generate(c, output));
Manifest.Write(Path.Combine(output, "manifest.json"), summaries, ortVersion);
Console.WriteLine($"wrote {summaries.Count} cases (ONNX Runtime {ortVersion}) to {output}");
return compare is null ? 0 : GoldenGen.Comparison.Run(compare, output);
