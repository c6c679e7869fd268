using Bunit;
using Veil.Portal.Api;
using Veil.Portal.Components.Admin;
using Veil.Portal.History;
using Veil.Shared.Api;

namespace Veil.Portal.Tests;

public sealed class HistoryTimelineTests : BunitTest
{
    private static readonly DateTime T0 = new(2026, 11, 24, 7, 0, 0, DateTimeKind.Utc);

    /// <summary>A boot whose spawn failed once, was retried, and failed for good.</summary>
    private static readonly HistoryEventView[] FailedBoot =
    [
        new(HistoryEventKind.ExecutionStarted, T0) { Name = "BootServer", Data = "{}" },
        new(HistoryEventKind.TaskScheduled, T0.AddMilliseconds(10), 0) { Name = "SelectHosts" },
        new(HistoryEventKind.TaskCompleted, T0.AddMilliseconds(40)) { ScheduledId = 0, Data = "[\"genoa-snp\"]" },
        new(HistoryEventKind.TaskScheduled, T0.AddMilliseconds(50), 1) { Name = "ClaimAsid" },
        new(HistoryEventKind.TaskFailed, T0.AddMilliseconds(300)) { ScheduledId = 1, Failure = new("InvalidOperationException", "table busy") },
        new(HistoryEventKind.TaskScheduled, T0.AddMilliseconds(1300), 2) { Name = "ClaimAsid" },
        new(HistoryEventKind.TaskFailed, T0.AddMilliseconds(1550)) { ScheduledId = 2, Failure = new("InvalidOperationException", "No free ASID slot on genoa-snp/SNP") },
        new(HistoryEventKind.TimerCreated, T0.AddMilliseconds(1600), 3) { FireAt = T0.AddSeconds(30) },
        new(HistoryEventKind.ExecutionCompleted, T0.AddMilliseconds(1700)) { Status = InstanceStatus.Failed, Failure = new("TaskFailedException", "ClaimAsid failed", InnerFailure: new("InvalidOperationException", "No free ASID slot on genoa-snp/SNP")) },
    ];

    [Fact]
    public void Build_PairsEachActivityWithItsAnswer_CountsRetries()
    {
        var timeline = HistoryTimeline.Build(FailedBoot);

        var claims = timeline.Where(e => e.Name == "ClaimAsid").ToList();
        Assert.Equal([1, 2], claims.Select(c => c.Attempt));
        Assert.All(claims, c => Assert.Equal("failed", c.Outcome));
        Assert.Equal(TimeSpan.FromMilliseconds(250), claims[1].Duration);
        Assert.Equal("completed", timeline.Single(e => e.Name == "SelectHosts").Outcome);
        Assert.Equal("waiting", timeline.Single(e => e.Kind == "timer").Outcome);
        Assert.Contains("No free ASID slot", timeline[^1].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void View_ShowsWhichStepFailedWhyAndHowLong()
    {
        var view = Render<HistoryTimelineView>(p => p.Add(v => v.History, FailedBoot));

        var rows = view.FindAll("tbody tr");
        var retry = rows.Single(r => r.TextContent.Contains("retry 1", StringComparison.Ordinal));
        Assert.Contains("ClaimAsid", retry.TextContent, StringComparison.Ordinal);
        Assert.Contains("250 ms", retry.QuerySelector("[data-testid=entry-duration]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("No free ASID slot on genoa-snp/SNP", retry.QuerySelector("[data-testid=entry-detail]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("\"genoa-snp\"", rows.Single(r => r.TextContent.Contains("SelectHosts", StringComparison.Ordinal)).TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void View_NoHistory_SaysSo()
    {
        var view = Render<HistoryTimelineView>(p => p.Add(v => v.History, []));

        Assert.Contains("No history", view.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonText_EscapedQuotes_ShownAsTheyAre_NotJsonLeftAlone()
    {
        Assert.Equal("{\n  \"fault\": \"sev (supported='no')\"\n}", JsonText.Readably("{\"fault\":\"sev (supported=\\u0027no\\u0027)\"}")!.Replace("\r", "", StringComparison.Ordinal));
        Assert.Equal("not json", JsonText.Readably("not json"));
        Assert.Null(JsonText.Readably(null));
    }
}
