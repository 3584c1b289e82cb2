using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Workloads.Data;

/// <summary>Reads ROOT/&lt;split&gt;/neg/*.txt then ROOT/&lt;split&gt;/pos/*.txt, each folder in ordinal file-name order.</summary>
internal static class ImdbFolderReader
{
    public static int Read(string root, ImdbSplit split, ImdbReviewVisitor visitor)
    {
        var buffer = new ImdbTextBuffer();
        int count = 0;
        string splitFolder = Path.Combine(root, ImdbReviewPath.SplitFolderName(split));
        foreach ((string labelName, int label) in (ReadOnlySpan<(string, int)>)[("neg", 0), ("pos", 1)])
        {
            string folder = Path.Combine(splitFolder, labelName);
            if (!Directory.Exists(folder))
                throw new RnnFormatException($"IMDB folder layout under '{root}' lacks the '{labelName}' folder '{folder}'", folder);
            string[] files = Directory.GetFiles(folder, "*.txt");
            Array.Sort(files, StringComparer.Ordinal);
            foreach (string file in files)
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
                long length = stream.Length;
                if (length > int.MaxValue) throw new RnnFormatException($"IMDB review '{file}' is too large ({length} bytes)", file);
                byte[] bytes = buffer.Bytes((int)length);
                stream.ReadExactly(bytes, 0, (int)length);
                visitor(ImdbReviewPath.ParseFileName(Path.GetFileName(file), label), buffer.Decode(bytes.AsSpan(0, (int)length)));
                count++;
            }
        }
        return count;
    }
}
