using Rnn.Benchmarks.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace Rnn.Benchmarks.Peers;

/// <summary>
/// The same char-rnn step in PyTorch through TorchSharp, as a PyTorch user writes it: zero_grad, forward from the
/// carried (detached) state, cross_entropy (mean), backward, clip_grad_norm_(5), Adam.step, on the given number of intra-op threads.
/// </summary>
internal sealed class TorchSharpTrainingRunner : ITrainingRunner
{
    private readonly CharRnnWorkload _work;
    private readonly TorchSharp.Modules.Embedding _embedding;
    private readonly TorchSharp.Modules.LSTM _lstm;
    private readonly TorchSharp.Modules.Linear _fc;
    private readonly TorchSharp.Modules.Parameter[] _parameters;
    private readonly optim.Optimizer _adam;
    private readonly Tensor[] _ids, _targets;
    private Tensor _h, _c;
    private int _next;

    public TorchSharpTrainingRunner(CharRnnWorkload work, int threads)
    {
        TorchSharpSetup.ConfigureOnce();
        torch.set_num_threads(threads);
        torch.set_grad_enabled(true);
        _work = work;
        const int V = CharRnnWorkload.Vocabulary, E = CharRnnWorkload.Embedding, H = CharRnnWorkload.Hidden;
        const int L = CharRnnWorkload.Layers, T = CharRnnWorkload.Steps, B = CharRnnWorkload.Batch;
        _embedding = nn.Embedding(V, E);
        _lstm = nn.LSTM(E, H, numLayers: L);
        _fc = nn.Linear(H, V);
        CopyWeights(_embedding, "embedding.");
        CopyWeights(_lstm, "rnn.");
        CopyWeights(_fc, "fc.");
        _parameters = [.. _embedding.parameters(), .. _lstm.parameters(), .. _fc.parameters()];
        _adam = optim.Adam(_parameters, lr: CharRnnWorkload.LearningRate);
        _ids = new Tensor[work.Ids.Length];
        _targets = new Tensor[work.Ids.Length];
        for (int i = 0; i < work.Ids.Length; i++)
        {
            _ids[i] = torch.tensor(Array.ConvertAll(work.Ids[i], v => (long)v), [T, B]);
            _targets[i] = torch.tensor(Array.ConvertAll(work.Targets[i], v => (long)v), [T * B]);
        }
        _h = torch.zeros(L, B, H);
        _c = torch.zeros(L, B, H);
    }

    private void CopyWeights(nn.Module module, string prefix)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in module.named_parameters())
        {
            string key = prefix + name;
            if (!_work.InitialWeights.TryGetShape(key, out int[] shape))
                throw new InvalidOperationException($"No initial weight '{key}' for TorchSharp parameter '{name}'.");
            using var source = torch.tensor(_work.InitialWeights[key], Array.ConvertAll(shape, d => (long)d));
            parameter.copy_(source);
        }
    }

    public double Step()
    {
        int i = _next;
        _next = (_next + 1) % _ids.Length;
        _adam.zero_grad();
        using Tensor x = _embedding.forward(_ids[i]);
        var (y, hn, cn) = _lstm.forward(x, (_h, _c));
        using (y)
        using (hn)
        using (cn)
        using (Tensor logits = _fc.forward(y))
        using (Tensor flat = logits.view(-1, CharRnnWorkload.Vocabulary))
        using (Tensor loss = nn.functional.cross_entropy(flat, _targets[i]))
        {
            loss.backward();
            nn.utils.clip_grad_norm_(_parameters, CharRnnWorkload.ClipNorm);
            _adam.step();
            // Truncated BPTT: carry the state, not its graph.
            _h.Dispose();
            _c.Dispose();
            _h = hn.detach();
            _c = cn.detach();
            return loss.item<float>();
        }
    }

    public void Dispose()
    {
        _h.Dispose();
        _c.Dispose();
        foreach (var t in _ids) t.Dispose();
        foreach (var t in _targets) t.Dispose();
        _adam.Dispose();
        _fc.Dispose();
        _lstm.Dispose();
        _embedding.Dispose();
    }
}
