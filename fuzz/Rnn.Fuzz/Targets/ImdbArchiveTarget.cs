using System.IO.Compression;
using Rnn.Workloads.Data;

namespace Rnn.Fuzz.Targets;

/// <summary>
/// The aclImdb .tar.gz (`imdb train --data`): an input that starts with the gzip magic is the file itself (gzip
/// framing and trailer checks); any other input is a tar stream the harness gzips, so mutations reach TarReader and
/// the entry-name parser instead of dying in deflate. Then ImdbDataset.Load as for JSON lines.
/// </summary>
internal sealed class ImdbArchiveTarget : FuzzTarget
{
    private ImdbWordIndex? _index;
    private readonly MemoryStream _gzipped = new();

    public override string Name => "imdb-archive";
    public override string Description => "ImdbDataset.Load of an aclImdb .tar.gz (gzip checks, TarReader, entry names, reviews)";

    public override void Run(ReadOnlySpan<byte> input, ScratchFolder scratch)
    {
        ReadOnlySpan<byte> file = input;
        if (!input.StartsWith((ReadOnlySpan<byte>)[0x1f, 0x8b]))
        {
            _gzipped.SetLength(0);
            using (var gzip = new GZipStream(_gzipped, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(input);
            file = _gzipped.GetBuffer().AsSpan(0, (int)_gzipped.Length);
        }
        ImdbRows.LoadAndWalk(scratch.Write("aclImdb_v1.tar.gz", file), _index ??= SeedModels.WordIndex());
    }

    // Gzipping a tar costs a few copies of the input on top of the default bound.
    public override long AllocationBound(int inputLength) => base.AllocationBound(inputLength) + 4L * inputLength;
}
