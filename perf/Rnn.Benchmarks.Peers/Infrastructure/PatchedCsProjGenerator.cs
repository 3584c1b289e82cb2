using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains;
using BenchmarkDotNet.Toolchains.CsProj;
using BenchmarkDotNet.Toolchains.DotNetCli;

namespace Rnn.Benchmarks.Infrastructure;

/// <summary>
/// BenchmarkDotNet's default generator, plus one line in the generated child project: an import of
/// build/WeakenGlibcxx.targets. The child project copies TorchSharp's native library from the NuGet cache into
/// its own output and ignores Directory.Build.targets, so without this the child would get an unpatched
/// libLibTorchSharp.so that Debian 12's loader rejects.
/// </summary>
internal sealed class PatchedCsProjGenerator : CsProjGenerator
{
    private const string TargetFramework = "net10.0";

    private PatchedCsProjGenerator()
        : base(TargetFramework, cliPath: null!, packagesPath: null!, runtimeFrameworkVersion: null!, isNetCore: true)
    {
    }

    public static IToolchain CreateToolchain() => new Toolchain(
        "net10.0 (TorchSharp patched)",
        new PatchedCsProjGenerator(),
        new DotNetCliBuilder(TargetFramework, customDotNetCliPath: null!, logOutput: false),
        new DotNetCliExecutor(customDotNetCliPath: null!));

    protected override void GenerateProject(BuildPartition buildPartition, ArtifactsPaths artifactsPaths, ILogger logger)
    {
        base.GenerateProject(buildPartition, artifactsPaths, logger);
        FileInfo benchmarkProject = GetProjectFilePath(buildPartition.RepresentativeBenchmarkCase.Descriptor.Type, logger);
        string targets = Path.Combine(benchmarkProject.DirectoryName!, "build", "WeakenGlibcxx.targets");
        string project = File.ReadAllText(artifactsPaths.ProjectFilePath);
        int end = project.LastIndexOf("</Project>", StringComparison.Ordinal);
        if (end < 0) throw new InvalidOperationException($"Unexpected generated project {artifactsPaths.ProjectFilePath}: no </Project>.");
        File.WriteAllText(artifactsPaths.ProjectFilePath,
            project.Insert(end, $"  <Import Project=\"{targets}\" />{Environment.NewLine}"));
    }
}
