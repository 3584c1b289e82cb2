using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Training.Parameters;

namespace Rnn.Training.Optimizers;

/// <summary>
/// Base of the optimizers: owns the parameter list, the learning rate, the step count and the per-parameter
/// state buffers (allocated once in the constructor, so <see cref="Step"/> never allocates).
/// The parameter list is captured at construction. Every parameter is updated on every step (there is no
/// "gradient is None" case as in PyTorch). Hyper-parameters are doubles, like PyTorch's Python floats.
/// As in PyTorch, a NaN or ∞ gradient passed to <see cref="Step"/> reaches the parameters and, for Adam and RMSprop, the
/// moment buffers for good: check the gradient norm first (<see cref="Models.ShardedTrainer"/> skips such steps).
/// Not thread-safe: one caller steps an optimizer.
/// </summary>
public abstract class Optimizer
{
    private readonly Parameter[] _parameters;
    private readonly List<StateBuffer> _state = [];
    private double _learningRate;
    private KernelPath _kernelPath = KernelPaths.Default;

    protected Optimizer(IReadOnlyList<Parameter> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0)
            throw new ArgumentException($"{GetType().Name} got an empty parameter list.", nameof(parameters));
        _parameters = new Parameter[parameters.Count];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < _parameters.Length; i++)
        {
            Parameter parameter = parameters[i]
                ?? throw new ArgumentException($"Parameter {i} is null.", nameof(parameters));
            if (!names.Add(parameter.Name))
                throw new ArgumentException(
                    $"Parameter name '{parameter.Name}' appears more than once; optimizer state is keyed by name.",
                    nameof(parameters));
            _parameters[i] = parameter;
        }
        LearningRate = learningRate;
    }

    /// <summary>The parameters this optimizer updates, in order.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Learning rate of the next <see cref="Step"/>; schedules set it between steps.</summary>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "Invalid learning rate: must be finite and >= 0.");
            _learningRate = value;
        }
    }

    /// <summary>Number of steps taken (PyTorch's <c>state['step']</c>); the next step is number StepCount + 1.</summary>
    public long StepCount { get; private set; }

    /// <summary>Instruction-set path of the update kernels; all paths give identical bits. Tests lower it.</summary>
    internal KernelPath KernelPath
    {
        get => _kernelPath;
        set
        {
            KernelPaths.EnsureSupported(value);
            _kernelPath = value;
        }
    }

    /// <summary>Updates every parameter from its gradient, one fused pass per parameter.</summary>
    public void Step()
    {
        long step = StepCount + 1;
        PrepareStep(step);
        for (int i = 0; i < _parameters.Length; i++) UpdateParameter(i, _parameters[i], step);
        StepCount = step;
    }

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGrad()
    {
        foreach (Parameter parameter in _parameters) parameter.ZeroGrad();
    }

    /// <summary>
    /// Copies of the state buffers, named <c>{parameter name}.{kind}</c> with PyTorch's kinds (<c>exp_avg</c>,
    /// <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c>, <c>momentum_buffer</c>, <c>square_avg</c>, <c>grad_avg</c>).
    /// Save them with <see cref="StepCount"/>.
    /// </summary>
    public IEnumerable<(string Name, float[] Data)> ExportState()
    {
        foreach (StateBuffer buffer in _state) yield return (buffer.Name, (float[])buffer.Data.Clone());
    }

    /// <summary>Names of the state buffers this optimizer exports and expects back, in export order.</summary>
    public IReadOnlyList<string> StateNames
    {
        get
        {
            var names = new string[_state.Count];
            for (int i = 0; i < names.Length; i++) names[i] = _state[i].Name;
            return names;
        }
    }

    /// <summary>
    /// Restores state written by <see cref="ExportState"/> of an optimizer of the same kind, settings and
    /// parameters. Every buffer must be present with the right length; nothing changes if any check fails.
    /// </summary>
    public void ImportState(IEnumerable<(string Name, float[] Data)> state, long stepCount)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        var byName = new Dictionary<string, StateBuffer>(_state.Count, StringComparer.Ordinal);
        foreach (StateBuffer buffer in _state) byName.Add(buffer.Name, buffer);
        var incoming = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach ((string name, float[] data) in state)
        {
            if (!byName.TryGetValue(name, out StateBuffer? target))
                throw new ArgumentException(
                    $"Unknown {GetType().Name} state tensor '{name}'. Expected: {string.Join(", ", byName.Keys)}.",
                    nameof(state));
            if (data is null || data.Length != target.Data.Length)
                throw new ArgumentException(
                    $"{GetType().Name} state tensor '{name}' has {data?.Length ?? 0} elements, expected {target.Data.Length}.",
                    nameof(state));
            if (!incoming.TryAdd(name, data))
                throw new ArgumentException($"{GetType().Name} state tensor '{name}' is given twice.", nameof(state));
        }
        if (incoming.Count != byName.Count)
        {
            var missing = new List<string>();
            foreach (string name in byName.Keys)
                if (!incoming.ContainsKey(name)) missing.Add(name);
            throw new ArgumentException(
                $"{GetType().Name} state is missing tensor(s): {string.Join(", ", missing)}.", nameof(state));
        }
        foreach ((string name, float[] data) in incoming) data.AsSpan().CopyTo(byName[name].Data);
        StepCount = stepCount;
    }

    /// <summary>Allocates a zeroed state buffer for parameter <paramref name="index"/>; call from constructors.</summary>
    protected float[] CreateStateBuffer(int index, string kind)
    {
        var data = new float[_parameters[index].Length];
        _state.Add(new StateBuffer($"{_parameters[index].Name}.{kind}", data));
        return data;
    }

    /// <summary>Computes per-step constants (bias corrections and such) before the parameters are updated.</summary>
    protected virtual void PrepareStep(long step)
    {
    }

    /// <summary>Applies step number <paramref name="step"/> (1-based) to parameter <paramref name="index"/>.</summary>
    protected abstract void UpdateParameter(int index, Parameter parameter, long step);

    protected static void ValidateNonNegative(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"Invalid {name}: must be finite and >= 0.");
    }

    protected static void ValidateUnitInterval(double value, string name)
    {
        if (!(value >= 0 && value < 1))
            throw new ArgumentOutOfRangeException(name, value, $"Invalid {name}: must be in [0, 1).");
    }

    private sealed record StateBuffer(string Name, float[] Data);
}
