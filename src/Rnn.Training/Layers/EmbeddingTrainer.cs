using System.Numerics.Tensors;

using Rnn.Runtime.Layers;
using Rnn.Training.Parameters;

namespace Rnn.Training.Layers;

/// <summary>A trainable lookup table, PyTorch nn.Embedding's name "{prefix}weight" (vocabulary, dim).</summary>
public sealed class EmbeddingTrainer
{
    public Parameter Weight { get; }
    public int VocabularySize { get; }
    public int Dimension { get; }

    public EmbeddingTrainer(string prefix, int vocabularySize, int dimension)
        : this(new Parameter(prefix + "weight", [vocabularySize, dimension]))
    {
    }

    public EmbeddingTrainer(Parameter weight)
    {
        if (weight.Shape.Length != 2) throw new ArgumentException($"Embedding parameter '{weight.Name}' must be (vocabulary, dim).");
        Weight = weight;
        VocabularySize = weight.Shape[0];
        Dimension = weight.Shape[1];
    }

    /// <summary>ids is (n); output is (n, dim).</summary>
    public void Forward(ReadOnlySpan<int> ids, Span<float> output)
    {
        Check(ids, output.Length, nameof(output));
        ReadOnlySpan<float> w = Weight.Value;
        for (int i = 0; i < ids.Length; i++) w.Slice(ids[i] * Dimension, Dimension).CopyTo(output.Slice(i * Dimension, Dimension));
    }

    /// <summary>Adds each row of dOutput (n, dim) to the gradient row of its id; every id is checked first.</summary>
    public void Backward(ReadOnlySpan<int> ids, ReadOnlySpan<float> dOutput)
    {
        Check(ids, dOutput.Length, nameof(dOutput));
        Span<float> g = Weight.Grad;
        for (int i = 0; i < ids.Length; i++)
        {
            Span<float> row = g.Slice(ids[i] * Dimension, Dimension);
            TensorPrimitives.Add(row, dOutput.Slice(i * Dimension, Dimension), row);
        }
    }

    private void Check(ReadOnlySpan<int> ids, int rowsLength, string rowsName)
    {
        if (rowsLength != (long)ids.Length * Dimension)
            throw new ArgumentException($"{rowsName} has {rowsLength} floats, expected ids {ids.Length} x dim {Dimension}.", rowsName);
        Embedding.CheckIds(ids, VocabularySize);
    }
}
