using Rnn.Benchmarks.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace Rnn.Benchmarks.Peers;

/// <summary>
/// PyTorch (libtorch 2.10) through TorchSharp 0.107, one intra-op thread. Inference runners: every parameter
/// has requires_grad = false and grad mode is off on the creating thread, so autograd records nothing (the effect
/// of no_grad without a per-call guard object). Inputs and initial states are preallocated tensors; libtorch allocates each
/// call's outputs itself (there is no out= form of lstm_cell/gru_cell), and the previous state is disposed
/// as soon as the new one exists, as a C# caller would.
/// </summary>
internal static class TorchSharpSetup
{
    private static bool _configured;

    public static void ConfigureOnce()
    {
        if (_configured) return;
        torch.set_num_threads(1);
        try { torch.set_num_interop_threads(1); }
        catch (Exception) { /* libtorch allows this only before any inter-op work; one thread is what we want anyway */ }
        _configured = true;
    }

    /// <summary>Threads as above, and grad mode off (it is per thread in libtorch).</summary>
    public static void ConfigureForInference()
    {
        ConfigureOnce();
        torch.set_grad_enabled(false);
    }

    /// <summary>Copies PyTorch state_dict weights into a module (cells name them weight_ih, layers weight_ih_l0).</summary>
    public static void CopyWeights(nn.Module module, RnnWeights w)
    {
        int gh = w.Gates * w.HiddenSize;
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in module.named_parameters())
        {
            (float[] data, long[] dims) = name.Replace("_l0", "") switch
            {
                "weight_ih" => (w.WeightIh, new long[] { gh, w.InputSize }),
                "weight_hh" => (w.WeightHh, new long[] { gh, w.HiddenSize }),
                "bias_ih" => (w.BiasIh, new long[] { gh }),
                "bias_hh" => (w.BiasHh, new long[] { gh }),
                _ => throw new InvalidOperationException($"Unexpected TorchSharp parameter '{name}'."),
            };
            using var source = torch.tensor(data, dims);
            parameter.copy_(source);
            parameter.requires_grad = false;
        }
        module.eval();
    }

    public static void CopyInto(Tensor destination, ReadOnlySpan<float> values)
    {
        using var source = torch.tensor(values.ToArray(), destination.shape);
        using var noGrad = torch.no_grad();
        destination.copy_(source);
    }

    public static void CopyOut(Tensor source, Span<float> destination) =>
        source.contiguous().data<float>().ToArray().AsSpan(0, destination.Length).CopyTo(destination);
}

/// <summary>Streaming step with <c>nn.LSTMCell</c> / <c>nn.GRUCell</c>: x (B, I), h and c (B, H).</summary>
internal sealed class TorchSharpStepRunner : IStepRunner
{
    private readonly TorchSharp.Modules.LSTMCell? _lstm;
    private readonly TorchSharp.Modules.GRUCell? _gru;
    private readonly Tensor _x;
    private Tensor _h, _c;
    private readonly long _batch, _hidden;

    public TorchSharpStepRunner(RnnWeights w, int batch = 1)
    {
        TorchSharpSetup.ConfigureForInference();
        _batch = batch;
        _hidden = w.HiddenSize;
        if (w.Cell == CellType.Lstm)
        {
            _lstm = nn.LSTMCell(w.InputSize, w.HiddenSize);
            TorchSharpSetup.CopyWeights(_lstm, w);
        }
        else
        {
            _gru = nn.GRUCell(w.InputSize, w.HiddenSize);
            TorchSharpSetup.CopyWeights(_gru, w);
        }
        _x = torch.zeros(batch, w.InputSize);
        _h = torch.zeros(batch, w.HiddenSize);
        _c = torch.zeros(batch, w.HiddenSize);
    }

    public void SetInput(ReadOnlySpan<float> x) => TorchSharpSetup.CopyInto(_x, x);

    public void Step()
    {
        if (_lstm is not null)
        {
            var (h, c) = _lstm.forward(_x, (_h, _c));
            _h.Dispose();
            _c.Dispose();
            _h = h;
            _c = c;
        }
        else
        {
            Tensor h = _gru!.forward(_x, _h);
            _h.Dispose();
            _h = h;
        }
    }

    public void CopyOutput(Span<float> h) => TorchSharpSetup.CopyOut(_h, h);

    public void Reset()
    {
        _h.Dispose();
        _c.Dispose();
        _h = torch.zeros(_batch, _hidden);
        _c = torch.zeros(_batch, _hidden);
    }

    public void Dispose()
    {
        _h.Dispose();
        _c.Dispose();
        _x.Dispose();
        _lstm?.Dispose();
        _gru?.Dispose();
    }
}

/// <summary>Whole sequence with <c>nn.LSTM</c> / <c>nn.GRU</c> (one layer, seq-first): x (T, B, I) → y (T, B, H).</summary>
internal sealed class TorchSharpSequenceRunner : ISequenceRunner
{
    private readonly TorchSharp.Modules.LSTM? _lstm;
    private readonly TorchSharp.Modules.GRU? _gru;
    private readonly Tensor _x, _h0, _c0;
    private Tensor? _y;

    public TorchSharpSequenceRunner(RnnWeights w, int sequenceLength, int batch)
    {
        TorchSharpSetup.ConfigureForInference();
        if (w.Cell == CellType.Lstm)
        {
            _lstm = nn.LSTM(w.InputSize, w.HiddenSize);
            TorchSharpSetup.CopyWeights(_lstm, w);
        }
        else
        {
            _gru = nn.GRU(w.InputSize, w.HiddenSize);
            TorchSharpSetup.CopyWeights(_gru, w);
        }
        _x = torch.zeros(sequenceLength, batch, w.InputSize);
        _h0 = torch.zeros(1, batch, w.HiddenSize);
        _c0 = torch.zeros(1, batch, w.HiddenSize);
    }

    public void SetInput(ReadOnlySpan<float> x) => TorchSharpSetup.CopyInto(_x, x);

    public void Run()
    {
        _y?.Dispose();
        if (_lstm is not null)
        {
            var (y, hn, cn) = _lstm.forward(_x, (_h0, _c0));
            hn.Dispose();
            cn.Dispose();
            _y = y;
        }
        else
        {
            var (y, hn) = _gru!.forward(_x, _h0);
            hn.Dispose();
            _y = y;
        }
    }

    public void CopyOutput(Span<float> y) => TorchSharpSetup.CopyOut(_y!, y);

    public void Dispose()
    {
        _y?.Dispose();
        _x.Dispose();
        _h0.Dispose();
        _c0.Dispose();
        _lstm?.Dispose();
        _gru?.Dispose();
    }
}
