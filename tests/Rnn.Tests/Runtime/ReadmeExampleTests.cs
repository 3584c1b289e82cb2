using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime;

public class ReadmeExampleTests
{
    /// <summary>
    /// The README's "Embedding it" code, line for line between the markers but for the file's folder, on a saved
    /// 2-layer nn.LSTM state_dict:
    /// it must compile against the public API as written, and the stream and the session must agree (sequence 0 of
    /// the batch is the stream's frames; the others are padding of other lengths).
    /// </summary>
    [Fact]
    public void TheReadmeEmbeddingExampleRunsAsWritten()
    {
        using var tmp = new TempDirectory();
        var writer = new SafeTensorsWriter();
        writer.AddAll(RnnModel.RandomStateDict(CellKind.Lstm, 6, 5, numLayers: 2, seed: 4));
        string lstmSafetensors = tmp.File("lstm.safetensors");
        writer.Save(lstmSafetensors);
        var rng = new Random(2);
        float[][] frames = new float[100][];
        for (int t = 0; t < frames.Length; t++)
        {
            frames[t] = new float[6];
            for (int i = 0; i < 6; i++) frames[t][i] = (float)(rng.NextDouble() * 2 - 1);
        }
        float[] input = new float[100 * 16 * 6], output = new float[100 * 16 * 5], hn = new float[2 * 16 * 5], cn = new float[2 * 16 * 5];
        for (int t = 0; t < 100; t++) frames[t].CopyTo(input, t * 16 * 6);
        int[] lengths = new int[16];
        for (int b = 0; b < 16; b++) lengths[b] = 100 - 5 * b;

        // --- README.md, "Embedding it" ---
        using RnnModel model = RnnModel.Load(lstmSafetensors);      // nn.LSTM state_dict: layers, sizes, cell from the names
        using RnnStream stream = model.CreateStream(streams: 1);         // state lives here; Step allocates nothing
        float[] x = new float[model.InputSize], h = new float[model.HiddenSize];
        foreach (float[] frame in frames)
        {
            frame.CopyTo(x, 0);
            stream.Step(x, h);                                             // h = the last layer's new hidden state
        }

        using RnnSession session = model.CreateSession(maxSequenceLength: 100, maxBatch: 16);
        session.Run(input, output, sequenceLength: 100, batch: 16, lengths: lengths, hn: hn, cn: cn);  // (T, B, I) → (T, B, D·H)
        // --- end of the README's code ---

        // The stream folds x and h into one product, the session projects x first: same maths, other rounding.
        Tolerance.AssertClose(h, output.AsSpan(99 * 16 * 5, 5).ToArray(), 1e-5, 1e-5, "stream h vs session y[99, 0]");
        Tolerance.AssertClose(h, hn.AsSpan(1 * 16 * 5, 5).ToArray(), 1e-5, 1e-5, "stream h vs session hn[last layer, 0]");
        Assert.Contains(h, v => v != 0);
    }

    /// <summary>The code above is the README's: every line of its "Embedding it" block, in order, but for the file's
    /// folder (the README's "lstm.safetensors" is a temporary file here).</summary>
    [Fact]
    public void TheExampleAboveIsTheReadmesCode()
    {
        string root = GoldenData.FindRepoRoot() ?? throw new InvalidOperationException("no Rnn.slnx above the test binaries");
        string[] readme = File.ReadAllLines(Path.Combine(root, "README.md"));
        int heading = Array.IndexOf(readme, "## Embedding it");
        Assert.True(heading >= 0, "README.md has no '## Embedding it' section");
        int open = Array.IndexOf(readme, "```csharp", heading), close = Array.IndexOf(readme, "```", open + 1);
        Assert.True(open > heading && close > open, "the section's code block");
        string[] test = File.ReadAllLines(Path.Combine(root, "tests", "Rnn.Tests", "Runtime", "ReadmeExampleTests.cs"));
        int begin = Array.FindIndex(test, l => l.Trim() == "// --- README.md, \"Embedding it\" ---");
        int end = Array.FindIndex(test, l => l.Trim() == "// --- end of the README's code ---");
        Assert.True(begin >= 0 && end > begin, "the markers around the copy");

        static List<string> Code(IEnumerable<string> lines)
        {
            var code = new List<string>();
            foreach (string line in lines)
                if (line.Trim() is { Length: > 0 } trimmed && trimmed != "using Rnn.Runtime;") code.Add(trimmed);
            return code;
        }
        List<string> fromReadme = Code(readme[(open + 1)..close]), fromTest = Code(test[(begin + 1)..end]);
        for (int i = 0; i < fromReadme.Count; i++) fromReadme[i] = fromReadme[i].Replace("\"lstm.safetensors\"", "lstmSafetensors");
        Assert.Equal(fromReadme, fromTest);
    }
}
