using GoldenGen;

// Regenerates the PyTorch reference vectors (tests/golden) with libtorch through TorchSharp, and optionally compares
// the result with a committed copy. Usage: GoldenGen --out DIR [--compare tests/golden]
string? output = null, compare = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out" when i + 1 < args.Length: output = args[++i]; break;
        case "--compare" when i + 1 < args.Length: compare = args[++i]; break;
        default:
            Console.Error.WriteLine($"error: unexpected argument '{args[i]}'. Usage: GoldenGen --out DIR [--compare GOLDEN_DIR]");
            return 2;
    }
}
if (output is null)
{
    Console.Error.WriteLine("error: --out DIR is required. Usage: GoldenGen --out DIR [--compare GOLDEN_DIR]");
    return 2;
}

Torch.UseOneThread();
Directory.CreateDirectory(Path.Combine(output, "clip_grad_norm"));
Directory.CreateDirectory(Path.Combine(output, "adam"));
var recurrent = new List<RecurrentSummary>();
foreach (RecurrentCase c in Cases.Recurrent)
{
    recurrent.Add(RecurrentCaseGenerator.Generate(c, output));
    Console.WriteLine($"{c.Name}: forward err {recurrent[^1].ForwardMaxAbsErr:E2}, grad err {recurrent[^1].GradMaxAbsErr:E2}");
}
var clip = Cases.Clip.Select(c => ClipCaseGenerator.Generate(c, output)).ToList();
var adam = Cases.Adam.Select(c => AdamCaseGenerator.Generate(c, output)).ToList();
IndexFile.Write(Path.Combine(output, "index.json"), recurrent, clip, adam);
Console.WriteLine($"wrote {recurrent.Count} recurrent, {clip.Count} clip and {adam.Count} Adam cases to {output}");

return compare is null ? 0 : Comparison.Run(compare, output);
