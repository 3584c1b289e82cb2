namespace Rnn.Runtime.IO;

/// <summary>
/// Named float32 tensors held in memory, in insertion order. It keeps the arrays it is given (no copy),
/// so a trainer can update parameters in place and save them, and tests can build sources by hand.
/// </summary>
public sealed class TensorDictionary : ITensorSource
{
    private readonly Dictionary<string, (int[] Shape, float[] Data)> _tensors = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private readonly System.Collections.ObjectModel.ReadOnlyCollection<string> _readOnlyNames;

    /// <summary>An empty dictionary.</summary>
    public TensorDictionary() => _readOnlyNames = _names.AsReadOnly();

    /// <summary>What error messages call this source.</summary>
    public string SourceName { get; set; } = "(in-memory tensors)";

    /// <summary>Tensor names in the order they were added.</summary>
    public IReadOnlyList<string> Names => _readOnlyNames;

    /// <summary>Number of tensors.</summary>
    public int Count => _names.Count;

    /// <summary>The data array of <paramref name="name"/> (the array that was added, not a copy).</summary>
    public float[] this[string name] => GetTensor(name).Data;

    /// <summary>Adds <paramref name="data"/> (C order, kept by reference) as tensor <paramref name="name"/>.</summary>
    public void Add(string name, int[] shape, float[] data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        TensorShapes.CheckValueCount(shape, data.Length, name);
        if (!_tensors.TryAdd(name, ((int[])shape.Clone(), data)))
            throw new ArgumentException($"Tensor '{TextSafety.Escape(name)}' is already in {TextSafety.Escape(SourceName)}.", nameof(name));
        _names.Add(name);
    }

    /// <summary>Copies every tensor of <paramref name="source"/> into a new dictionary named after it.</summary>
    public static TensorDictionary ReadAll(ITensorSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var result = new TensorDictionary { SourceName = source.SourceName };
        foreach (string name in source.Names)
        {
            if (!source.TryGetShape(name, out int[] shape))
                throw new RnnFormatException($"'{source.SourceName}' lists tensor '{name}' but has no shape for it.", source.SourceName, name);
            var data = new float[TensorShapes.ElementCountOfArgument(shape, nameof(source))];
            source.Read(name, data);
            result.Add(name, shape, data);
        }
        return result;
    }

    /// <summary>Whether a tensor of this name was added.</summary>
    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <summary>A copy of the shape of <paramref name="name"/>, if present.</summary>
    public bool TryGetShape(string name, out int[] shape)
    {
        if (_tensors.TryGetValue(name, out var tensor))
        {
            shape = (int[])tensor.Shape.Clone();
            return true;
        }
        shape = [];
        return false;
    }

    /// <summary>A copy of the shape of <paramref name="name"/>; a missing name throws <see cref="RnnFormatException"/>.</summary>
    public int[] GetShape(string name) => (int[])GetTensor(name).Shape.Clone();

    /// <summary>Copies tensor <paramref name="name"/> into <paramref name="destination"/>, which must have its exact size.</summary>
    public void Read(string name, Span<float> destination)
    {
        (int[] shape, float[] data) = GetTensor(name);
        if (destination.Length != data.Length)
            throw new ArgumentException(
                $"Tensor '{TextSafety.Escape(name)}' in {TextSafety.Escape(SourceName)} has shape {TensorShapes.Format(shape)} ({data.Length} elements) but the destination holds {destination.Length}.",
                nameof(destination));
        data.CopyTo(destination);
    }

    private (int[] Shape, float[] Data) GetTensor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_tensors.TryGetValue(name, out var tensor)) return tensor;
        throw new RnnFormatException($"{SourceName} has no tensor '{name}'.", SourceName, name);
    }
}
