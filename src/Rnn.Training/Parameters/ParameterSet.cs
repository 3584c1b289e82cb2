using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Rnn.Training.Parameters;

/// <summary>
/// An ordered collection of parameters with unique names, the unit optimizers and gradient clipping work on.
/// Order is the order of <see cref="Add"/> (use PyTorch's state_dict order so that exported state lines up).
/// </summary>
public sealed class ParameterSet : IReadOnlyList<Parameter>
{
    private readonly List<Parameter> _parameters = [];
    private readonly Dictionary<string, Parameter> _byName = new(StringComparer.Ordinal);

    public ParameterSet()
    {
    }

    public ParameterSet(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (Parameter parameter in parameters) Add(parameter);
    }

    public int Count => _parameters.Count;

    /// <summary>Sum of the element counts of all parameters.</summary>
    public long TotalElementCount { get; private set; }

    public Parameter this[int index] => _parameters[index];

    /// <summary>The parameter called <paramref name="name"/>; throws if there is none.</summary>
    public Parameter this[string name] => TryGet(name, out Parameter? parameter)
        ? parameter
        : throw new KeyNotFoundException(
            $"No parameter named '{name}'. Parameters: {string.Join(", ", _byName.Keys)}.");

    /// <summary>Appends a parameter; its name must not already be in the set.</summary>
    public void Add(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (!_byName.TryAdd(parameter.Name, parameter))
            throw new ArgumentException($"A parameter named '{parameter.Name}' is already in the set.", nameof(parameter));
        _parameters.Add(parameter);
        TotalElementCount += parameter.Length;
    }

    public bool Contains(string name) => _byName.ContainsKey(name);

    public bool TryGet(string name, [MaybeNullWhen(false)] out Parameter parameter) =>
        _byName.TryGetValue(name, out parameter);

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGrad()
    {
        foreach (Parameter parameter in _parameters) parameter.ZeroGrad();
    }

    /// <summary>Struct enumerator so that <c>foreach</c> over a set does not allocate.</summary>
    public List<Parameter>.Enumerator GetEnumerator() => _parameters.GetEnumerator();

    IEnumerator<Parameter> IEnumerable<Parameter>.GetEnumerator() => _parameters.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _parameters.GetEnumerator();
}
