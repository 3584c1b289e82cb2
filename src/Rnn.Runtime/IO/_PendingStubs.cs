// Placeholder until the IO branch lands; replaced by the real reader and dictionary.
namespace Rnn.Runtime.IO;

public sealed class TensorDictionary : ITensorSource
{
    private readonly Dictionary<string, (int[] Shape, float[] Data)> _tensors = new();
    private readonly List<string> _names = new();
    public string SourceName { get; set; } = "tensors";
    public IReadOnlyList<string> Names => _names;
    public void Add(string name, int[] shape, float[] data) { _tensors.Add(name, (shape, data)); _names.Add(name); }
    public bool TryGetShape(string name, out int[] shape)
    {
        if (_tensors.TryGetValue(name, out var t)) { shape = t.Shape; return true; }
        shape = []; return false;
    }
    public void Read(string name, Span<float> destination) => _tensors[name].Data.CopyTo(destination);
}

public sealed class SafeTensorsFile : ITensorSource, IDisposable
{
    public static SafeTensorsFile Open(string path) => throw new NotImplementedException(path);
    public string SourceName => "";
    public IReadOnlyList<string> Names => [];
    public bool TryGetShape(string name, out int[] shape) { shape = []; return false; }
    public void Read(string name, Span<float> destination) { }
    public void Dispose() { }
}
