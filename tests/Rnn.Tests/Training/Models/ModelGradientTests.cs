using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Training.Models;
using Rnn.Training.Parameters;

namespace Rnn.Tests.Training.Models;

/// <summary>
/// Finite differences through the whole network — Embedding → recurrent stack → Dense → loss — so the layers'
/// backward passes, their wiring and the loss scaling are checked together, for both heads. With dropout (between
/// the layers and on the last layer's outputs, before the head) the masks are fixed by the seed, so the differences
/// are taken with them on.
/// </summary>
public class ModelGradientTests
{
    [Theory]
    [InlineData("lstm", OutputMode.ManyToMany, 0f)]
    [InlineData("gru", OutputMode.ManyToMany, 0f)]
    [InlineData("rnn", OutputMode.ManyToOne, 0f)]
    [InlineData("lstm", OutputMode.ManyToOne, 0f)]
    [InlineData("lstm", OutputMode.ManyToMany, 0.3f)]
    [InlineData("gru", OutputMode.ManyToOne, 0.3f)]
    public void EveryParameterGradientMatchesFiniteDifferences(string cell, OutputMode mode, float dropout)
    {
        var config = new SequenceModelConfig
        {
            VocabularySize = 7, EmbeddingSize = 3, Cell = cell, HiddenSize = 5, NumLayers = 2,
            OutputSize = mode == OutputMode.ManyToMany ? 7 : 1, Output = mode, Dropout = dropout,
        };
        const int T = 4, B = 2;
        SequenceModel model = SequenceModel.Create(config, seed: 3);
        using var replica = new ModelReplica(model, T, B, KernelPath.Scalar);
        int[] ids = [1, 4, 6, 0, 2, 2, 5, 3];   // (T, B) time-major for the LM, read as (B, T) by the classifier
        int[] targets = [4, 6, 0, 2, 2, 5, 3, 1];
        float[] labels = [1f, 0f];
        float[] logits = new float[B];

        double Loss(bool training)
        {
            replica.ResetState();
            return mode == OutputMode.ManyToMany
                ? replica.LanguageModelStep(ids, targets, T, B, 0, training, 0, 1f)
                : replica.ClassifierStep(ids, labels, T, 0, B, training, 0, 1f, logits);
        }

        Loss(training: true); // fills replica gradients of the summed loss
        // A training pass also accumulates gradients, so the differences (taken with the masks on when there is
        // dropout) are compared with a copy.
        bool masks = dropout > 0;
        var grads = new float[model.Parameters.Count][];
        for (int i = 0; i < grads.Length; i++) grads[i] = (float[])replica.Parameters[i].Grad.Clone();
        // Every element of every tensor. The differences agree within 6e-5 (measured over all six cases); 2e-4 leaves
        // room, and each tensor must hold gradients well above it, so a wrong or missing one cannot hide under it.
        const double atol = 2e-4, rtol = 1e-2;
        for (int i = 0; i < model.Parameters.Count; i++)
        {
            Parameter master = model.Parameters[i];
            float[] grad = grads[i];
            double largest = 0;
            for (int j = 0; j < master.Length; j++)
            {
                float saved = master.Value[j];
                const float eps = 1e-2f;
                master.Value[j] = saved + eps;
                double up = Loss(masks);
                master.Value[j] = saved - eps;
                double down = Loss(masks);
                master.Value[j] = saved;
                double numeric = (up - down) / (2 * eps);
                largest = Math.Max(largest, Math.Abs(numeric));
                Assert.True(Math.Abs(numeric - grad[j]) <= atol + rtol * Math.Abs(numeric),
                    $"{cell}/{mode}/dropout {dropout} {master.Name}[{j}]: analytic {grad[j]}, numeric {numeric}");
            }
            Assert.True(largest > 10 * atol, $"{cell}/{mode}/dropout {dropout} {master.Name}: largest gradient {largest}");
        }
    }
}
