namespace Rnn.Training.Parameters;

/// <summary>
/// A named trainable tensor: its values and the gradient accumulated for them, both flat in C (row-major) order.
/// Networks own their parameters and expose them; optimizers and gradient clipping read and update them in place.
/// </summary>
public sealed class Parameter
{
    /// <summary>Creates a parameter of the given shape with zero values and a zero gradient.</summary>
    /// <param name="name">PyTorch state_dict name, e.g. <c>weight_ih_l0</c>.</param>
    /// <param name="shape">Dimensions, outermost first; every dimension must be ≥ 0.</param>
    public Parameter(string name, ReadOnlySpan<int> shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Shape = shape.ToArray();
        Length = ElementCount(name, Shape);
        Value = new float[Length];
        Grad = new float[Length];
    }

    /// <summary>Creates a parameter that takes ownership of <paramref name="value"/> (not copied).</summary>
    public Parameter(string name, ReadOnlySpan<int> shape, float[] value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        Name = name;
        Shape = shape.ToArray();
        Length = ElementCount(name, Shape);
        if (value.Length != Length)
            throw new ArgumentException(
                $"Parameter '{name}' has shape ({string.Join(", ", Shape)}) = {Length} elements, " +
                $"but the value array has {value.Length}.", nameof(value));
        Value = value;
        Grad = new float[Length];
    }

    /// <summary>PyTorch state_dict name.</summary>
    public string Name { get; }

    /// <summary>Dimensions, outermost first. Treat as read-only.</summary>
    public int[] Shape { get; }

    /// <summary>Number of elements (product of <see cref="Shape"/>).</summary>
    public int Length { get; }

    /// <summary>Values, flat in C order; length <see cref="Length"/>.</summary>
    public float[] Value { get; }

    /// <summary>Gradient of the loss with respect to <see cref="Value"/>, same layout; backward passes add to it.</summary>
    public float[] Grad { get; }

    /// <summary>Sets the gradient to zero (PyTorch's <c>zero_grad</c> with set_to_none=False).</summary>
    public void ZeroGrad() => Array.Clear(Grad);

    public override string ToString() => $"{Name} ({string.Join(", ", Shape)})";

    private static int ElementCount(string name, int[] shape)
    {
        long count = 1;
        foreach (int dim in shape)
        {
            if (dim < 0)
                throw new ArgumentException(
                    $"Parameter '{name}' has a negative dimension in shape ({string.Join(", ", shape)}).", nameof(shape));
            count *= dim;
            if (count > Array.MaxLength)
                throw new ArgumentException(
                    $"Parameter '{name}' with shape ({string.Join(", ", shape)}) has more elements than an array can hold.",
                    nameof(shape));
        }
        return (int)count;
    }
}
