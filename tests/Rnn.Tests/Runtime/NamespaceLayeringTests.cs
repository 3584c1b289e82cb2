using System.Text.RegularExpressions;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime;

/// <summary>
/// Rnn.Runtime's namespaces run one way: kernels at the bottom; cells and I/O (model description, file formats)
/// above them; layers above those; the model, sessions and streams on top. The root's small vocabulary types
/// (CellKind, KernelPath, WeightPrecision, RnnFormatException, ...) sit beside the kernels and any layer may use them.
/// Checked on the sources: no file names a type declared in a layer above its own (comments and strings excluded).
/// </summary>
public partial class NamespaceLayeringTests
{
    private static readonly string[] TopFiles = ["RnnModel", "RnnSession", "RnnStream"];

    /// <summary>The layer of a source file, by folder: 0 vocabulary and kernels, 1 cells and I/O, 2 layers, 3 top.</summary>
    private static int LayerOf(string relative)
    {
        string first = relative.Split('/')[0];
        return first switch
        {
            "Kernels" => 0,
            "Cells" or "IO" => 1,
            "Layers" => 2,
            _ when Array.Exists(TopFiles, t => first.StartsWith(t + ".", StringComparison.Ordinal)) => 3,
            _ => 0, // the root's vocabulary types
        };
    }

    [Fact]
    public void No_runtime_source_names_a_type_from_a_layer_above_its_own()
    {
        string root = Path.Combine(GoldenData.FindRepoRoot() ?? throw new InvalidOperationException("repository root not found"), "src", "Rnn.Runtime");
        var files = new List<(string Relative, int Layer, string Code)>();
        foreach (string path in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            if (relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal)) continue;
            files.Add((relative, LayerOf(relative), CodeOnly().Replace(File.ReadAllText(path), " ")));
        }
        Assert.True(files.Count > 40, $"found only {files.Count} sources under {root}");

        var declaredIn = new Dictionary<string, (string File, int Layer)>();
        foreach (var (relative, layer, code) in files)
            foreach (Match m in Declaration().Matches(code))
                declaredIn.TryAdd(m.Groups[1].Value, (relative, layer));
        Assert.Contains("RnnModel", declaredIn.Keys);
        Assert.Contains("Gemm", declaredIn.Keys);

        var violations = new List<string>();
        foreach (var (relative, layer, code) in files)
            foreach (Match m in Identifier().Matches(code))
                if (declaredIn.TryGetValue(m.Value, out var where) && where.Layer > layer)
                    violations.Add($"{relative} (layer {layer}) names {m.Value} from {where.File} (layer {where.Layer})");
        Assert.True(violations.Count == 0, string.Join('\n', violations.Distinct()));
    }

    // Comments (line, block, XML doc) and string/char literals: a cref or a message may name any type.
    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|@?\$?""(?:[^""\\\n]|\\.)*""|'(?:[^'\\\n]|\\.)+'", RegexOptions.Singleline)]
    private static partial Regex CodeOnly();

    // Top-level declarations only (file-scoped namespaces put them at column 0): a nested type (GruCell.Args) is
    // reached through its outer type, and counting it would flag every other Args in the assembly.
    [GeneratedRegex(@"^(?:(?:public|internal|static|sealed|abstract|readonly|partial|ref|unsafe|file)\s+)*(?:class|struct|record|enum|interface)\s+(?:struct\s+|class\s+)?([A-Z]\w*)", RegexOptions.Multiline)]
    private static partial Regex Declaration();

    [GeneratedRegex(@"\b[A-Z]\w*\b")]
    private static partial Regex Identifier();
}
