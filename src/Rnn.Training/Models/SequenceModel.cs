using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Layers;
using Rnn.Training.Parameters;
using Rnn.Training.Random;

namespace Rnn.Training.Models;

/// <summary>
/// The master copy of an Embedding → recurrent stack → Dense network's parameters, with PyTorch module names
/// ("embedding.weight", "rnn.weight_ih_l0", …, "fc.weight", "fc.bias"), so a state_dict saved from it loads into
/// a PyTorch module with attributes embedding, rnn and fc. Replicas that compute gradients share these values.
/// </summary>
public sealed class SequenceModel
{
    public const string EmbeddingPrefix = "embedding.";
    public const string RecurrentPrefix = "rnn.";
    public const string DensePrefix = "fc.";

    public SequenceModelConfig Config { get; }
    public ParameterSet Parameters { get; }
    public Parameter Embedding { get; }
    public IReadOnlyList<Parameter> Recurrent { get; }
    public Parameter DenseWeight { get; }
    public Parameter DenseBias { get; }

    private SequenceModel(SequenceModelConfig config, Parameter embedding, List<Parameter> recurrent, Parameter denseWeight, Parameter denseBias)
    {
        Config = config;
        Embedding = embedding;
        Recurrent = recurrent;
        DenseWeight = denseWeight;
        DenseBias = denseBias;
        Parameters = new ParameterSet();
        Parameters.Add(embedding);
        foreach (Parameter p in recurrent) Parameters.Add(p);
        Parameters.Add(denseWeight);
        Parameters.Add(denseBias);
    }

    /// <summary>
    /// PyTorch's default initialisation from a seed: Embedding N(0, 1), recurrent U(±1/√H), Linear U(±1/√in)
    /// (what kaiming_uniform with a = √5 gives) for weight and bias.
    /// </summary>
    public static SequenceModel Create(SequenceModelConfig config, ulong seed)
    {
        config.Validate();
        var rng = new DeterministicRandom(seed);
        var embedding = new Parameter(EmbeddingPrefix + "weight", [config.VocabularySize, config.EmbeddingSize]);
        rng.Fork(1).FillNormal(embedding.Value);
        RnnArchitecture arch = config.RecurrentArchitecture();
        TensorDictionary init = RnnModel.RandomStateDict(arch.Cell, arch.InputSize, arch.HiddenSize, arch.NumLayers, arch.Bidirectional, seed);
        var recurrent = new List<Parameter>();
        foreach (string name in RecurrentNames(arch))
        {
            init.TryGetShape(name.Substring(RecurrentPrefix.Length), out int[] shape);
            var p = new Parameter(name, shape);
            init.Read(name.Substring(RecurrentPrefix.Length), p.Value);
            recurrent.Add(p);
        }
        var weight = new Parameter(DensePrefix + "weight", [config.OutputSize, config.HiddenSize]);
        var bias = new Parameter(DensePrefix + "bias", [config.OutputSize]);
        float bound = 1f / MathF.Sqrt(config.HiddenSize);
        DeterministicRandom dense = rng.Fork(2);
        dense.FillUniform(weight.Value, -bound, bound);
        dense.FillUniform(bias.Value, -bound, bound);
        return new SequenceModel(config, embedding, recurrent, weight, bias);
    }

    /// <summary>Names of the recurrent parameters in the order the stack trainer lists them.</summary>
    public static List<string> RecurrentNames(RnnArchitecture arch)
    {
        var names = new List<string>();
        for (int l = 0; l < arch.NumLayers; l++)
            for (int d = 0; d < arch.Directions; d++)
            {
                names.Add(arch.WeightIh(l, d));
                names.Add(arch.WeightHh(l, d));
                names.Add(arch.BiasIh(l, d));
                names.Add(arch.BiasHh(l, d));
            }
        return names;
    }

    /// <summary>Copies every parameter's values from <paramref name="source"/>, checking names, shapes and finiteness.</summary>
    public void LoadValues(ITensorSource source)
    {
        foreach (Parameter p in Parameters)
        {
            if (!source.TryGetShape(p.Name, out int[] shape))
                throw new RnnFormatException($"{source.SourceName}: missing tensor '{p.Name}' (expected shape {PyTorchStateDict.Show(p.Shape)}).", source.SourceName, p.Name);
            if (!shape.AsSpan().SequenceEqual(p.Shape))
                throw new RnnFormatException($"{source.SourceName}: tensor '{p.Name}' has shape {PyTorchStateDict.Show(shape)}, expected {PyTorchStateDict.Show(p.Shape)}.", source.SourceName, p.Name);
        }
        ParameterLoading.ReadAll(source, Parameters);
    }

    public static SequenceModel FromTensors(SequenceModelConfig config, ITensorSource source)
    {
        SequenceModel model = Create(config, 0);
        model.LoadValues(source);
        return model;
    }

    /// <summary>The parameters as a PyTorch state_dict (values shared, not copied).</summary>
    public TensorDictionary ToStateDict()
    {
        var tensors = new TensorDictionary { SourceName = "model" };
        foreach (Parameter p in Parameters) tensors.Add(p.Name, p.Shape, p.Value);
        return tensors;
    }

    /// <summary>Inference objects over a snapshot of the current values (packed for the kernels).</summary>
    public InferenceModel ToInference(KernelPath? path = null)
    {
        TensorDictionary sd = ToStateDict();
        var embedding = Rnn.Runtime.Layers.Embedding.FromTensors(sd, EmbeddingPrefix);
        RnnModel rnn = RnnModel.FromTensors(sd, Config.CellKind, RecurrentPrefix, path);
        Dense dense = Dense.FromTensors(sd, DensePrefix, DenseActivation.Identity, path);
        return new InferenceModel(Config, embedding, rnn, dense);
    }
}

/// <summary>The runtime's view of a trained sequence model: embedding, recurrent stack and Dense head.</summary>
public sealed class InferenceModel(SequenceModelConfig config, Embedding embedding, RnnModel recurrent, Dense dense) : IDisposable
{
    public SequenceModelConfig Config { get; } = config;
    public Embedding Embedding { get; } = embedding;
    public RnnModel Recurrent { get; } = recurrent;
    public Dense Dense { get; } = dense;

    public void Dispose()
    {
        Recurrent.Dispose();
        Dense.Dispose();
    }
}
