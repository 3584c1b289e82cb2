using Rnn.Cli.Progress;
using Rnn.Workloads;

namespace Rnn.Tests.Cli;

public class ProgressLineTests
{
    private static readonly TrainingProgress Halfway = new(5, 10, 0, 1.25, 1.5, 12, 40_000, 12);

    [Theory]
    [InlineData(0, 10, "[....................]   0%")]
    [InlineData(5, 10, "[##########..........]  50%")]
    [InlineData(1, 3, "[######..............]  33%")]
    [InlineData(10, 10, "[####################] 100%")]
    [InlineData(12, 10, "[####################] 100%")]
    [InlineData(3, 0, "[....................]   0%")]
    public void TheBarShowsTheFractionDone(long done, long total, string expected) =>
        Assert.Equal(expected, ProgressLine.Bar(done, total));

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Ticks;
        public void Advance(TimeSpan by) => Ticks += by.Ticks;
    }

    /// <summary>On a terminal: one line, rewritten in place, led by the bar, at most every 250 ms; an evaluation ends it
    /// with a newline.</summary>
    [Fact]
    public void ALiveLineIsRewrittenInPlaceWithTheBar()
    {
        var output = new StringWriter();
        var clock = new ManualClock();
        var line = new ProgressLine("chars", output, live: true, clock);
        line.OnEvaluation(Halfway);
        clock.Advance(TimeSpan.FromMilliseconds(249));
        line.OnStep(Halfway with { Step = 6 }); // within the refresh interval: nothing
        string text = output.ToString();
        Assert.StartsWith("\r[##########..........]  50%  step 5/10 (epoch 0)  loss 1.2500  val 1.5000  40.0k chars/s", text);
        Assert.EndsWith(Environment.NewLine, text);
        Assert.DoesNotContain("step 6/", text);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        line.OnStep(Halfway with { Step = 7 }); // 250 ms since the last line: rewritten in place, no newline
        string seven = output.ToString()[text.Length..];
        Assert.StartsWith("\r[##############......]  70%  step 7/10", seven);
        Assert.DoesNotContain(Environment.NewLine, seven);
        line.OnStep(Halfway with { Step = 8 }); // no time since: nothing
        Assert.Equal(text.Length + seven.Length, output.ToString().Length);
    }

    /// <summary>Redirected (a log, CI): plain lines, no carriage returns and no bar.</summary>
    [Fact]
    public void ARedirectedLineIsPlain()
    {
        var output = new StringWriter();
        var clock = new ManualClock();
        var line = new ProgressLine("chars", output, live: false, clock);
        line.OnEvaluation(Halfway);
        string evaluation = "step 5/10 (epoch 0)  loss 1.2500  val 1.5000  40.0k chars/s  12s elapsed  ETA 12s" + Environment.NewLine;
        Assert.Equal(evaluation, output.ToString());
        clock.Advance(TimeSpan.FromSeconds(29));
        line.OnStep(Halfway with { Step = 6 }); // a log gets a step line every 30 s, not a few a second
        Assert.Equal(evaluation, output.ToString());
        clock.Advance(TimeSpan.FromSeconds(1));
        line.OnStep(Halfway with { Step = 6 });
        Assert.Equal(evaluation + "step 6/10 (epoch 0)  loss 1.2500  val 1.5000  40.0k chars/s  12s elapsed  ETA 12s" + Environment.NewLine,
            output.ToString());
    }
}
