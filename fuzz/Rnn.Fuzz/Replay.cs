namespace Rnn.Fuzz;

/// <summary>Runs saved inputs through a harness without AFL: the CI check and the way to reproduce a finding.</summary>
internal static class Replay
{
    public static int Run(Harness harness, ReadOnlySpan<string> paths)
    {
        int accepted = 0, refused = 0, crashed = 0;
        foreach (string path in paths)
        {
            string[] files = Directory.Exists(path) ? Directory.GetFiles(path) : [path];
            Array.Sort(files, StringComparer.Ordinal);
            foreach (string file in files)
            {
                if (Path.GetFileName(file) is "README.txt" or ".gitkeep") continue;
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
