using System.Text.RegularExpressions;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Runtime.Kernels;
using Rnn.Training.Models;
using Rnn.Training.Parameters;
using Rnn.Training.Recurrent;

namespace Rnn.Tests.Training.Models;

/// <summary>
/// "Initialisation as PyTorch does (uniform ±1/√hidden), from a seeded generator", checked against PyTorch's rules
/// rather than against the code: nn.RNN / nn.LSTM / nn.GRU draw every weight and bias from U(-1/√H, 1/√H)
/// (RNNBase.reset_parameters); nn.Linear draws its weight with kaiming_uniform_(a = √5), whose bound is
/// √3 · √(2 / (1 + 5)) / √fan_in = 1/√in_features, and its bias from U(±1/√in_features); nn.Embedding draws N(0, 1).
/// Statistics are taken on values divided by the bound, u = v / b ~ U(-1, 1), with 5σ tolerances from the sample size;
/// the draws are seeded, so a passing case never flakes.
/// </summary>
public class InitialisationTests
{
    /// <summary>
    /// Smallest sample the spread statistics are taken on: a correct U(-1, 1) sample of n values has max |u| ≤ 0.9
    /// with probability 0.9ⁿ (2·10⁻¹² at 256), and the 5σ bands on mean and variance are then ±0.18 and ±0.093.
    /// </summary>
    private const int MinUniformSample = 256;

    /// <summary>Smallest sample for the N(0, 1) checks: 5σ bands of ±0.11 on the mean, ±0.08 on the standard deviation.</summary>
    private const int MinNormalSample = 2000;

    private const double Sigmas = 5;

    /// <summary>The code computes the bound as a float (1f / MathF.Sqrt(n)): two roundings of at most 2⁻²⁴ each.</summary>
    private const double BoundSlack = 1e-6;

    private static readonly int[] HiddenSizes = [3, 17, 64, 256];

    public static IEnumerable<object[]> RecurrentCases()
    {
        foreach (CellKind cell in Enum.GetValues<CellKind>())
            foreach (int hidden in HiddenSizes)
                foreach (int layers in new[] { 1, 2 })
                    foreach (bool bidirectional in new[] { false, true })
                        yield return [cell, hidden, layers, bidirectional];
    }

    public static IEnumerable<object[]> SequenceModelCases()
    {
        foreach (string cell in new[] { "lstm", "gru", "rnn-tanh", "rnn-relu" })
            foreach (int hidden in HiddenSizes)
                foreach (int layers in new[] { 1, 2 })
                    yield return [cell, hidden, layers];
    }

    /// <summary>
    /// Every tensor of the recurrent stack, as RnnModel.RandomStateDict makes it, as RnnModel.CreateRandom holds it
    /// after packing, and as RecurrentStackTrainer starts from, lies in [-1/√H, 1/√H] and, where large enough, fills it
    /// like U(-1/√H, 1/√H); so do the values of each kind (weight_ih, weight_hh, bias_ih, bias_hh) pooled over layers
    /// and directions.
    /// </summary>
    [Theory]
    [MemberData(nameof(RecurrentCases))]
    public void RecurrentWeightsAndBiasesAreUniformWithinOneOverSqrtHidden(CellKind cell, int hidden, int layers, bool bidirectional)
    {
        const int input = 10; // ≠ hidden, so a bound taken from the input size shows
        const ulong seed = 11;
        double bound = 1 / Math.Sqrt(hidden);
        string what = $"{cell} H={hidden} L={layers} bidirectional={bidirectional}";
        var arch = new RnnArchitecture(cell, input, hidden, layers, bidirectional, true, "");
        List<string> expectedNames = SequenceModel.RecurrentNames(arch);

        TensorDictionary dict = RnnModel.RandomStateDict(cell, input, hidden, layers, bidirectional, seed);
        Assert.Equal(expectedNames.Order(StringComparer.Ordinal), dict.Names.Order(StringComparer.Ordinal));
        int statistics = AssertUniformTensors($"RandomStateDict {what}", Tensors(dict), bound);
        if (hidden >= 17) Assert.True(statistics > 0, $"{what}: no tensor was large enough for the spread statistics.");

        using RnnModel model = RnnModel.CreateRandom(cell, input, hidden, layers, bidirectional, seed, KernelPath.Scalar);
        TensorDictionary packed = model.ToStateDict();
        Assert.Equal(expectedNames.Order(StringComparer.Ordinal), packed.Names.Order(StringComparer.Ordinal));
        AssertUniformTensors($"CreateRandom {what}", Tensors(packed), bound);

        using var trainer = new RecurrentStackTrainer(arch, 1, 1, KernelPath.Scalar, initSeed: seed);
        Assert.Equal(expectedNames.Order(StringComparer.Ordinal), trainer.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal));
        AssertUniformTensors($"RecurrentStackTrainer {what}", trainer.Parameters.Select(p => (p.Name, p.Value)), bound);
    }

    /// <summary>
    /// SequenceModel.Create: embedding.weight is N(0, 1) (nn.Embedding), every rnn.* tensor is U(±1/√H) (nn.LSTM/GRU/RNN),
    /// fc.weight and fc.bias are U(±1/√in_features) (nn.Linear), and there is no other parameter.
    /// </summary>
    [Theory]
    [MemberData(nameof(SequenceModelCases))]
    public void SequenceModelParametersFollowPyTorchDefaults(string cell, int hidden, int layers)
    {
        // Output 300 ≠ hidden, so a Linear bound taken from out_features shows, and fc.bias is large enough for statistics.
        var config = new SequenceModelConfig
        {
            VocabularySize = 300, EmbeddingSize = 16, Cell = cell, HiddenSize = hidden, NumLayers = layers, OutputSize = 300,
        };
        string what = $"{cell} H={hidden} L={layers}";
        SequenceModel model = SequenceModel.Create(config, seed: 5);

        var expectedNames = new List<string> { "embedding.weight", "fc.weight", "fc.bias" };
        expectedNames.AddRange(SequenceModel.RecurrentNames(config.RecurrentArchitecture()));
        Assert.Equal(expectedNames.Order(StringComparer.Ordinal), model.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal));

        Parameter embedding = model.Parameters.Single(p => p.Name == "embedding.weight");
        Assert.Equal(new[] { config.VocabularySize, config.EmbeddingSize }, embedding.Shape);
        AssertStandardNormal($"{what} embedding.weight", embedding.Value);

        var recurrent = model.Parameters.Where(p => p.Name.StartsWith("rnn.", StringComparison.Ordinal)).Select(p => (p.Name, p.Value)).ToList();
        Assert.Equal(4 * layers, recurrent.Count);
        AssertUniformTensors($"{what} rnn", recurrent, 1 / Math.Sqrt(hidden));

        Parameter fcWeight = model.Parameters.Single(p => p.Name == "fc.weight");
        Parameter fcBias = model.Parameters.Single(p => p.Name == "fc.bias");
        Assert.Equal(new[] { config.OutputSize, hidden }, fcWeight.Shape); // (out_features, in_features)
        Assert.Equal(new[] { config.OutputSize }, fcBias.Shape);
        double linearBound = 1 / Math.Sqrt(fcWeight.Shape[1]); // kaiming_uniform_(a=√5) and the bias rule: 1/√in_features
        int statistics = AssertUniformTensors($"{what} fc", [(fcWeight.Name, fcWeight.Value), (fcBias.Name, fcBias.Value)], linearBound);
        Assert.True(statistics >= 2, $"{what}: fc.weight and fc.bias should both be large enough for the spread statistics.");
    }

    /// <summary>
    /// A large embedding table (64 935 values, an odd count so the lone draw after the Box–Muller pairs is included) has
    /// mean ≈ 0, standard deviation ≈ 1, the normal's share within ±1σ, and tails past 3.5σ that no unit-variance
    /// uniform could have.
    /// </summary>
    [Fact]
    public void EmbeddingIsStandardNormal()
    {
        var config = new SequenceModelConfig { VocabularySize = 999, EmbeddingSize = 65, Cell = "gru", HiddenSize = 4, OutputSize = 2 };
        foreach (ulong seed in new ulong[] { 0, 7 })
        {
            float[] values = SequenceModel.Create(config, seed).Embedding.Value;
            Assert.Equal(999 * 65, values.Length);
            AssertStandardNormal($"seed {seed}", values);
            // P(|x| > 3.5) = 4.65e-4 for N(0, 1): about 30 expected here, none with probability e^-30.
            Assert.Contains(values, v => Math.Abs(v) > 3.5f);
        }
    }

    /// <summary>
    /// The same seed gives bit-identical tensors (RandomStateDict and SequenceModel.Create, every cell); different seeds
    /// give different values in every tensor; and no tensor of a model repeats the start of another (one stream, not restarted).
    /// </summary>
    [Fact]
    public void SameSeedGivesIdenticalTensorsAndDifferentSeedsDiffer()
    {
        ulong[] seeds = [0, 1, 2, 42, 0x9E3779B97F4A7C15UL, ulong.MaxValue];
        foreach (CellKind cell in Enum.GetValues<CellKind>())
        {
            var config = new SequenceModelConfig
            {
                VocabularySize = 20, EmbeddingSize = 6, Cell = cell.ToName(), HiddenSize = 17, NumLayers = 2, OutputSize = 9,
            };
            var sources = new (string Name, Func<ulong, List<(string Name, float[] Values)>> Make)[]
            {
                ("RandomStateDict", s => Tensors(RnnModel.RandomStateDict(cell, 10, 17, 2, bidirectional: true, s)).ToList()),
                ("SequenceModel.Create", s => SequenceModel.Create(config, s).Parameters.Select(p => (p.Name, p.Value)).ToList()),
            };
            foreach (var (source, make) in sources)
            {
                var first = seeds.Select(make).ToArray();
                var second = seeds.Select(make).ToArray();
                for (int i = 0; i < seeds.Length; i++)
                {
                    Assert.Equal(first[i].Select(t => t.Name), second[i].Select(t => t.Name));
                    for (int t = 0; t < first[i].Count; t++)
                        Assert.True(first[i][t].Values.AsSpan().SequenceEqual(second[i][t].Values),
                            $"{source} {cell} seed {seeds[i]}: {first[i][t].Name} differs between two calls with the same seed.");
                    AssertNoCopies($"{source} {cell} seed {seeds[i]}", first[i]);
                }
                for (int i = 0; i < seeds.Length; i++)
                    for (int j = i + 1; j < seeds.Length; j++)
                        for (int t = 0; t < first[i].Count; t++)
                        {
                            float[] a = first[i][t].Values, b = first[j][t].Values;
                            int same = 0;
                            for (int k = 0; k < a.Length; k++) if (a[k] == b[k]) same++;
                            // Independent draws on a 2⁻²⁴ grid coincide with probability ~2⁻²³ per value.
                            Assert.True(same <= a.Length / 100,
                                $"{source} {cell}: {first[i][t].Name} has {same} of {a.Length} values equal under seeds {seeds[i]} and {seeds[j]}.");
                        }
            }
        }
    }

    private static IEnumerable<(string Name, float[] Values)> Tensors(TensorDictionary dict) => dict.Names.Select(n => (n, dict[n]));

    private static void AssertNoCopies(string what, List<(string Name, float[] Values)> tensors)
    {
        // A generator restarted (or shared) between tensors shows as one tensor repeating the other's first values.
        for (int i = 0; i < tensors.Count; i++)
            for (int j = i + 1; j < tensors.Count; j++)
            {
                int n = Math.Min(tensors[i].Values.Length, tensors[j].Values.Length);
                Assert.False(tensors[i].Values.AsSpan(0, n).SequenceEqual(tensors[j].Values.AsSpan(0, n)),
                    $"{what}: {tensors[i].Name} and {tensors[j].Name} start with the same {n} values.");
            }
    }

    /// <summary>
    /// Checks every tensor against U(-bound, bound): all values within the bound, and the spread statistics on each
    /// tensor and on each kind pooled over layers and directions (weight_ih_l1_reverse → weight_ih) that has at least
    /// <see cref="MinUniformSample"/> values. Returns how many spread checks ran.
    /// </summary>
    private static int AssertUniformTensors(string what, IEnumerable<(string Name, float[] Values)> tensors, double bound)
    {
        double limit = bound * (1 + BoundSlack);
        var pooled = new Dictionary<string, List<float>>(StringComparer.Ordinal);
        int statistics = 0;
        foreach (var (name, values) in tensors)
        {
            Assert.NotEmpty(values);
            for (int i = 0; i < values.Length; i++)
                if (!(Math.Abs(values[i]) <= limit)) // also rejects NaN
                    Assert.Fail($"{what}: {name}[{i}] = {values[i]:R} is outside ±{bound:R} (PyTorch: U(-b, b)).");
            if (values.Length >= MinUniformSample)
            {
                AssertUniformSpread($"{what}: {name}", values, bound);
                statistics++;
            }
            string kind = Regex.Replace(name[(name.LastIndexOf('.') + 1)..], @"_l\d+(_reverse)?$", "");
            if (!pooled.TryGetValue(kind, out List<float>? list)) pooled[kind] = list = [];
            list.AddRange(values);
        }
        foreach (var (kind, values) in pooled)
            if (values.Count >= MinUniformSample)
            {
                AssertUniformSpread($"{what}: all {kind}", values.ToArray(), bound);
                statistics++;
            }
        return statistics;
    }

    /// <summary>
    /// For u = v / b ~ U(-1, 1): max |u| > 0.9 (probability 1 − 0.9ⁿ); the mean has σ = 1/√(3n); the variance
    /// (1/3) has σ ≈ √(Var(u²) / n) = √(4 / (45n)), since E u⁴ − (E u²)² = 1/5 − 1/9.
    /// </summary>
    private static void AssertUniformSpread(string what, float[] values, double bound)
    {
        int n = values.Length;
        double sum = 0, maxAbs = 0;
        foreach (float v in values)
        {
            double u = v / bound;
            sum += u;
            maxAbs = Math.Max(maxAbs, Math.Abs(u));
        }
        double mean = sum / n, squares = 0;
        foreach (float v in values)
        {
            double d = v / bound - mean;
            squares += d * d;
        }
        double variance = squares / (n - 1);
        Assert.True(maxAbs > 0.9, $"{what}: max |v| is {maxAbs:F4} of the bound over {n} values; U(-b, b) reaches past 0.9 b.");
        double meanTolerance = Sigmas / Math.Sqrt(3.0 * n);
        Assert.True(Math.Abs(mean) <= meanTolerance, $"{what}: mean {mean:F4} b over {n} values, expected 0 ± {meanTolerance:F4} b.");
        double varianceTolerance = Sigmas * Math.Sqrt(4.0 / (45.0 * n));
        Assert.True(Math.Abs(variance - 1.0 / 3) <= varianceTolerance,
            $"{what}: variance {variance:F4} b² over {n} values, expected 1/3 ± {varianceTolerance:F4} b².");
    }

    /// <summary>
    /// N(0, 1) over n values: the mean has σ = 1/√n, the sample standard deviation σ ≈ 1/√(2n), and the share within
    /// ±1 is 0.682689 with binomial σ = √(p(1 − p)/n) (a unit-variance uniform gives 0.577, a Laplace 0.757).
    /// </summary>
    private static void AssertStandardNormal(string what, float[] values)
    {
        int n = values.Length;
        Assert.True(n >= MinNormalSample, $"{what}: {n} values are too few for the N(0, 1) statistics.");
        double sum = 0;
        int within = 0;
        foreach (float v in values)
        {
            Assert.True(float.IsFinite(v), $"{what}: non-finite value {v}.");
            sum += v;
            if (Math.Abs(v) < 1) within++;
        }
        double mean = sum / n, squares = 0;
        foreach (float v in values) squares += (v - mean) * (v - mean);
        double std = Math.Sqrt(squares / (n - 1));
        double meanTolerance = Sigmas / Math.Sqrt(n);
        Assert.True(Math.Abs(mean) <= meanTolerance, $"{what}: mean {mean:F4} over {n} values, expected 0 ± {meanTolerance:F4}.");
        double stdTolerance = Sigmas / Math.Sqrt(2.0 * n);
        Assert.True(Math.Abs(std - 1) <= stdTolerance, $"{what}: standard deviation {std:F4} over {n} values, expected 1 ± {stdTolerance:F4}.");
        const double p = 0.682689492137086; // erf(1/√2)
        double share = (double)within / n, shareTolerance = Sigmas * Math.Sqrt(p * (1 - p) / n);
        Assert.True(Math.Abs(share - p) <= shareTolerance, $"{what}: {share:F4} of {n} values within ±1, expected {p:F4} ± {shareTolerance:F4}.");
    }
}
