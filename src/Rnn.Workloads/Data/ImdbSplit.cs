namespace Rnn.Workloads.Data;

/// <summary>The aclImdb split: the top-level train/ or test/ folder (25,000 reviews each).</summary>
public enum ImdbSplit
{
    Train,
    Test,
}
