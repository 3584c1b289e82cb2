using Rnn.Runtime.IO;

namespace Rnn.Runtime.Layers;

/// <summary>A lookup table from token ids to vectors, PyTorch nn.Embedding's layout: weight (vocabulary, dim).</summary>
public sealed class Embedding
{
    private readonly float[] _weight;

    /// <summary>num_embeddings: valid ids are 0..VocabularySize-1.</summary>
    public int VocabularySize { get; }

    /// <summary>embedding_dim.</summary>
    public int Dimension { get; }

    /// <summary>weight is (vocabulary, dim) row-major, copied; immutable afterwards, so lookups are thread-safe.</summary>
    public Embedding(ReadOnlySpan<float> weight, int vocabularySize, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabularySize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (weight.Length != vocabularySize * dimension)
            throw new ArgumentException($"Embedding weight has {weight.Length} floats, expected vocabulary {vocabularySize} x dim {dimension}.", nameof(weight));
        VocabularySize = vocabularySize;
        Dimension = dimension;
        _weight = weight.ToArray();
    }

    /// <summary>Loads "{prefix}weight" (vocabulary, dim), checking its shape and finiteness.</summary>
    public static Embedding FromTensors(ITensorSource source, string prefix)
    {
        float[] w = FiniteCheck.ReadMatrix(source, prefix + "weight", "the embedding table", "(vocabulary, dim)", out int vocabulary, out int dimension);
        return new Embedding(w, vocabulary, dimension);
    }

    /// <summary>The embedding of token <paramref name="id"/> (dim floats), a view of the table.</summary>
    public ReadOnlySpan<float> Row(int id)
    {
        if ((uint)id >= (uint)VocabularySize)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id must be 0..{VocabularySize - 1}.");
        return _weight.AsSpan(id * Dimension, Dimension);
    }

    /// <summary>Every id a row of a table of <paramref name="vocabularySize"/> rows; the error names the first bad one.
    /// Shared with the trainers, which check a whole batch before any of it is used.</summary>
    internal static void CheckIds(ReadOnlySpan<int> ids, int vocabularySize)
    {
        for (int i = 0; i < ids.Length; i++)
            if ((uint)ids[i] >= (uint)vocabularySize)
                throw new ArgumentOutOfRangeException(nameof(ids), ids[i], $"ids[{i}] = {ids[i]} is not a token id: must be 0..{vocabularySize - 1}.");
    }

    /// <summary>ids is (n); output is (n, dim). Every id is checked before anything is written.</summary>
    public void Lookup(ReadOnlySpan<int> ids, Span<float> output)
    {
        if (output.Length != (long)ids.Length * Dimension)
            throw new ArgumentException($"Embedding output has {output.Length} floats, expected ids {ids.Length} x dim {Dimension}.", nameof(output));
        CheckIds(ids, VocabularySize);
        for (int i = 0; i < ids.Length; i++) _weight.AsSpan(ids[i] * Dimension, Dimension).CopyTo(output.Slice(i * Dimension, Dimension));
    }
}
