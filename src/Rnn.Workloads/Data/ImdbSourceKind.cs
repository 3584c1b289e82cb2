namespace Rnn.Workloads.Data;

/// <summary>The on-disk form of the IMDB reviews.</summary>
public enum ImdbSourceKind
{
    /// <summary>train.jsonl.gz / test.jsonl.gz: one {"id","rating","label","text"} object per line (plain .jsonl also read).</summary>
    JsonLines,

    /// <summary>aclImdb_v1_labeled.tar.gz (or aclImdb_v1.tar.gz), read streaming, never extracted.</summary>
    Archive,

    /// <summary>The extracted aclImdb layout: ROOT/train/pos/&lt;id&gt;_&lt;rating&gt;.txt, ROOT/train/neg/...</summary>
    Folder,
}
