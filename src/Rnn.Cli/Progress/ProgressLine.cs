using System.Globalization;
using Rnn.Workloads;

namespace Rnn.Cli.Progress;

/// <summary>
/// Training progress on stderr: on a terminal one line rewritten in place (\r) a few times a second; when stderr is
/// redirected (a log file, CI), plain lines at each validation and every <see cref="PlainInterval"/>, since a
/// log full of carriage returns is unreadable.
/// </summary>
internal sealed class ProgressLine(string unit, TextWriter output, bool live, TimeProvider time) : ITrainingObserver
{
    private static readonly TimeSpan LiveInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(30);
    private const int BarWidth = 20;

    private readonly TextWriter _out = output;
    private readonly bool _live = live;
    private readonly TimeProvider _time = time;
    private long _lastWritten = time.GetTimestamp();
    private int _lastLength;

    /// <summary>On stderr, live when stderr is a terminal.</summary>
    public ProgressLine(string unit) : this(unit, Console.Error, !Console.IsErrorRedirected, TimeProvider.System)
    {
    }

    public void OnStep(in TrainingProgress p)
    {
        if (_time.GetElapsedTime(_lastWritten) < (_live ? LiveInterval : PlainInterval)) return;
        Write(Format(p), final: !_live);
    }

    public void OnEvaluation(in TrainingProgress p) => Write(Format(p), final: true);

    /// <summary>A line that stays (e.g. an epoch summary), after clearing the live line.</summary>
    public void Line(string text) => Write(text, final: true);

    private void Write(string text, bool final)
    {
        _lastWritten = _time.GetTimestamp();
        if (_live)
        {
            _out.Write('\r');
            _out.Write(text.PadRight(_lastLength));
            _lastLength = final ? 0 : text.Length;
            if (final) _out.WriteLine();
        }
        else
        {
            _out.WriteLine(text);
        }
        _out.Flush();
    }

    /// <summary>Ends a live line so that what follows starts on its own line.</summary>
    public void Finish()
    {
        if (_live && _lastLength > 0) _out.WriteLine();
        _lastLength = 0;
    }

    private string Format(in TrainingProgress p)
    {
        var c = CultureInfo.InvariantCulture;
        string val = double.IsNaN(p.ValidationLoss) ? "-" : p.ValidationLoss.ToString("F4", c);
        return string.Create(c,
            $"{(_live ? Bar(p.Step, p.TotalSteps) + "  " : "")}step {p.Step}/{p.TotalSteps} (epoch {p.Epoch})  loss {p.TrainLoss:F4}  val {val}  {Rate(p.Throughput)} {unit}/s  " +
            $"{Duration(p.Seconds)} elapsed  ETA {Duration(p.EtaSeconds)}");
    }

    /// <summary>"[#####...............]  25%": how far the run is, at a glance (live lines only; a log has the numbers).</summary>
    public static string Bar(long done, long total)
    {
        double fraction = total > 0 ? Math.Clamp((double)done / total, 0, 1) : 0;
        int filled = (int)(fraction * BarWidth);
        return string.Create(CultureInfo.InvariantCulture, $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {fraction * 100,3:F0}%");
    }

    private static string Rate(double perSecond) =>
        perSecond >= 1e6 ? (perSecond / 1e6).ToString("F2", CultureInfo.InvariantCulture) + "M"
        : perSecond >= 1e4 ? (perSecond / 1e3).ToString("F1", CultureInfo.InvariantCulture) + "k"
        : perSecond.ToString("F0", CultureInfo.InvariantCulture);

    public static string Duration(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) return "?";
        if (seconds >= 1e9) return ">30 years"; // TimeSpan ends near 29,000 years; a hostile --steps passes that
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:D2}s" : $"{t.Seconds}s";
    }
}
