namespace Rnn.Fuzz;

/// <summary>Runs saved inputs through a harness without AFL: the CI check and the way to reproduce a finding.</summary>
internal static class Replay
{
    public static int Run(Harness harness, ReadOnlySpan<string> paths)
    {
        var inputs = new List<string>();
        foreach (string path in paths)
        {
            string[] files = Directory.Exists(path) ? Directory.GetFiles(path) : [path];
            Array.Sort(files, StringComparer.Ordinal);
            foreach (string file in files)
                if (Path.GetFileName(file) is not ("README.txt" or ".gitkeep")) inputs.Add(file);
        }
        // The first input to reach a code path pays its type initialisers and JIT (about 6 MB for checkpoint-meta's
        // readers), which the allocation bound would charge to that input; AFL's persistent loop pays them once,
        // early. So every input runs once unchecked, then again under the rules.
        foreach (string file in inputs)
        {
            try { harness.Target.Run(File.ReadAllBytes(file), harness.Scratch); }
            catch (Exception) { }
        }
        int accepted = 0, refused = 0, crashed = 0;
        {
            foreach (string file in inputs)
            {
                byte[] input = File.ReadAllBytes(file);
                try
                {
                    Exception? refusal = harness.Execute(input);
                    if (refusal is null) accepted++;
                    else refused++;
                }
                catch (Exception e)
                {
                    crashed++;
                    Console.Error.WriteLine($"CRASH {harness.Target.Name} {file}: {e.GetType().FullName}: {e.Message}");
                    Console.Error.WriteLine(e.StackTrace);
                }
            }
        }
        Console.WriteLine($"{harness.Target.Name}: {accepted + refused + crashed} inputs, {accepted} accepted, {refused} refused, {crashed} crashed");
        return crashed == 0 ? 0 : 1;
    }
}
