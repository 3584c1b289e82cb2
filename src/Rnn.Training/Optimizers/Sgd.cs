using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Training.Parameters;

namespace Rnn.Training.Optimizers;

/// <summary>
/// torch.optim.SGD, PyTorch defaults. Per element:
/// <code>
/// g = maximize ? -grad : grad
/// g += wd * p                                   (if weight_decay != 0)
/// if momentum != 0:
///     buf = (first step) ? g : momentum*buf + (1-dampening)*g
///     g = nesterov ? g + momentum*buf : buf
/// p += -lr * g
/// </code>
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly float[][]? _momentumBuffer;

    public Sgd(
        IReadOnlyList<Parameter> parameters,
        double learningRate = 1e-3,
        double momentum = 0,
        double dampening = 0,
        double weightDecay = 0,
        bool nesterov = false,
        bool maximize = false)
        : base(parameters, learningRate)
    {
        ValidateNonNegative(momentum, nameof(momentum));
        if (!double.IsFinite(dampening))
            throw new ArgumentOutOfRangeException(nameof(dampening), dampening, "Invalid dampening: must be finite.");
        ValidateNonNegative(weightDecay, nameof(weightDecay));
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("Nesterov momentum requires a momentum > 0 and zero dampening.", nameof(nesterov));
        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        Maximize = maximize;
        if (momentum != 0)
        {
            _momentumBuffer = new float[Parameters.Count][];
            for (int i = 0; i < _momentumBuffer.Length; i++) _momentumBuffer[i] = CreateStateBuffer(i, "momentum_buffer");
        }
    }

    public double Momentum { get; }
    public double Dampening { get; }
    public double WeightDecay { get; }
    public bool Nesterov { get; }
    public bool Maximize { get; }

    protected override void UpdateParameter(int index, Parameter parameter, long step)
    {
        var c = new SgdStepConstants
        {
            Momentum = (float)Momentum,
            OneMinusDampening = (float)(1 - Dampening),
            WeightDecay = (float)WeightDecay,
            NegativeLearningRate = (float)(-LearningRate),
            Maximize = Maximize,
            HasWeightDecay = WeightDecay != 0,
            HasMomentum = _momentumBuffer is not null,
            // PyTorch creates the buffer as a copy of the first gradient, without dampening.
            FirstStep = step == 1,
            Nesterov = Nesterov,
        };
        int length = parameter.Length;
        ref float p = ref MemoryMarshal.GetArrayDataReference(parameter.Value);
        ref float g = ref MemoryMarshal.GetArrayDataReference(parameter.Grad);
        ref float buffer = ref _momentumBuffer is null
            ? ref p // never touched without momentum
            : ref MemoryMarshal.GetArrayDataReference(_momentumBuffer[index]);

        var args = new Args(ref p, ref g, ref buffer, length, in c);
        KernelDispatch.RunRange<Kernel, Args>(KernelPath, ref args);
    }

    private static int Update<TOps, TVector>(int start, int length, ref float p, ref float g, ref float buffer, in SgdStepConstants c)
        where TOps : struct, IFloatVectorOps<TVector>
        where TVector : struct
    {
        TVector momentum = TOps.Broadcast(c.Momentum), oneMinusDampening = TOps.Broadcast(c.OneMinusDampening);
        TVector weightDecay = TOps.Broadcast(c.WeightDecay), negativeLearningRate = TOps.Broadcast(c.NegativeLearningRate);
        bool maximize = c.Maximize, hasWeightDecay = c.HasWeightDecay, hasMomentum = c.HasMomentum;
        bool firstStep = c.FirstStep, nesterov = c.Nesterov;
        int i = start;
        for (; i <= length - TOps.Count; i += TOps.Count)
        {
            nuint at = (nuint)i;
            TVector param = TOps.Load(ref p, at);
            TVector grad = TOps.Load(ref g, at);
            if (maximize) grad = TOps.Negate(grad);
            if (hasWeightDecay) grad = TOps.MultiplyAdd(param, weightDecay, grad); // grad.add(param, alpha=wd)
            if (hasMomentum)
            {
                // buf.mul_(momentum).add_(grad, alpha=1-dampening)
                TVector buf = firstStep
                    ? grad
                    : TOps.MultiplyAdd(grad, oneMinusDampening, TOps.Multiply(TOps.Load(ref buffer, at), momentum));
                TOps.Store(buf, ref buffer, at);
                grad = nesterov ? TOps.MultiplyAdd(buf, momentum, grad) : buf; // grad.add(buf, alpha=momentum)
            }
            TOps.Store(TOps.MultiplyAdd(grad, negativeLearningRate, param), ref p, at); // param.add_(grad, alpha=-lr)
        }
        return i;
    }

    private readonly ref struct Args
    {
        public readonly ref float PV;
        public readonly ref float GV;
        public readonly ref float BufferV;
        public readonly int Length;
        public readonly SgdStepConstants Constants;

        public Args(ref float p, ref float g, ref float buffer, int length, in SgdStepConstants constants)
        {
            PV = ref p;
            GV = ref g;
            BufferV = ref buffer;
            Length = length;
            Constants = constants;
        }
    }

    private readonly struct Kernel : IRangeKernel<Args>
    {
        public static int Run<TOps, TVector>(ref Args args, int from)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct =>
            Update<TOps, TVector>(from, args.Length, ref args.PV, ref args.GV, ref args.BufferV, in args.Constants);
    }

    private struct SgdStepConstants
    {
        public float Momentum, OneMinusDampening, WeightDecay, NegativeLearningRate;
        public bool Maximize, HasWeightDecay, HasMomentum, FirstStep, Nesterov;
    }
}
