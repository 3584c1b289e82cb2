namespace Rnn.Training;

/// <summary>A trainable tensor: its PyTorch state_dict name, shape, values and accumulated gradient.</summary>
public sealed class Parameter
{
    public string Name { get; }
    public int[] Shape { get; }
    public float[] Value { get; }
    public float[] Grad { get; }
    public int Length => Value.Length;

    public Parameter(string name, int[] shape, float[]? value = null)
    {
        long count = 1;
        foreach (int s in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(s);
            count *= s;
        }
        if (value is not null && value.Length != count)
            throw new ArgumentException($"Parameter '{name}': {value.Length} values for shape of {count} elements.", nameof(value));
        Name = name;
        Shape = shape;
        Value = value ?? new float[count];
        Grad = new float[count];
    }

    public void ZeroGrad() => Array.Clear(Grad);
}
