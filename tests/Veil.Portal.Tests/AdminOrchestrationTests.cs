using Bunit;
using Veil.Portal.Components.Pages.Admin;

namespace Veil.Portal.Tests;

public sealed class AdminOrchestrationTests : BunitTest
{
    private const string Id = "boot-0b5e3f0c3a1d4c4e9a578d3b2f7c6e01";

    public AdminOrchestrationTests()
    {
        SignInAdmin();
        Api.Answers[$"/api/orchestrations/{Id}/history"] = """
            [{"type":"execution-started","timestamp":"2026-11-24T07:00:00Z","name":"BootServer"},
             {"type":"task-scheduled","eventId":0,"timestamp":"2026-11-24T07:00:00.100Z","name":"SelectHosts"},
             {"type":"task-failed","scheduledId":0,"timestamp":"2026-11-24T07:00:00.300Z","failure":{"errorType":"InvalidOperationException","errorMessage":"table busy"}},
             {"type":"execution-completed","timestamp":"2026-11-24T07:00:00.400Z","status":"failed","failure":{"errorType":"TaskFailedException","errorMessage":"SelectHosts failed"}}]
            """;
    }

    [Fact]
    public void FailedInstance_TimelineShowsTheFailedStep_OnlyFittingActionsEnabled()
    {
        Api.Answers[$"/api/orchestrations/{Id}"] = $$$"""{"name":"BootServer","instanceId":"{{{Id}}}","runtimeStatus":"failed","createdAt":"2026-11-24T07:00:00Z","lastUpdatedAt":"2026-11-24T07:00:00.400Z","failureDetails":{"errorType":"TaskFailedException","errorMessage":"SelectHosts failed"} }""";

        var page = Render<Orchestration>(p => p.Add(o => o.InstanceId, Id));

        page.WaitForAssertion(() => Assert.Contains("SelectHosts failed", page.Find("[data-testid=instance-failure]").TextContent, StringComparison.Ordinal));
        var failedStep = page.FindAll("[data-testid=timeline] tbody tr").Single(r => r.QuerySelector("[data-testid=entry-name]")!.TextContent.Contains("activity SelectHosts", StringComparison.Ordinal));
        Assert.Contains("table busy", failedStep.TextContent, StringComparison.Ordinal);
        Assert.Contains("200 ms", failedStep.TextContent, StringComparison.Ordinal);
        Assert.False(page.Find("[data-testid=action-rewind]").HasAttribute("disabled"));
        Assert.False(page.Find("[data-testid=action-purge]").HasAttribute("disabled"));
        Assert.True(page.Find("[data-testid=action-terminate]").HasAttribute("disabled"));
        Assert.True(page.Find("[data-testid=action-resume]").HasAttribute("disabled"));
    }

    [Fact]
    public void RaiseEvent_PayloadNotJson_NamedAtTheFieldAndButtonDisabled()
    {
        Api.Answers[$"/api/orchestrations/{Id}"] = $$"""{"name":"BootServer","instanceId":"{{Id}}","runtimeStatus":"running","createdAt":"2026-11-24T07:00:00Z","lastUpdatedAt":"2026-11-24T07:00:00Z"}""";
        var page = Render<Orchestration>(p => p.Add(o => o.InstanceId, Id));
        page.WaitForAssertion(() => page.Find("[data-testid=raise-event]"));
        Type(page, "event-name", "HostResult");

        Type(page, "event-payload", "{not json");

        page.WaitForAssertion(() => Assert.Contains("Not JSON", page.Markup, StringComparison.Ordinal));
        Assert.True(page.Find("[data-testid=raise-event]").HasAttribute("disabled"));
        Assert.False(page.Find("[data-testid=action-terminate]").HasAttribute("disabled"));
    }

    [Fact]
    public void PurgedInstance_SaysSo()
    {
        var page = Render<Orchestration>(p => p.Add(o => o.InstanceId, "gone"));

        page.WaitForAssertion(() => Assert.Contains("no orchestration instance 'gone'", page.Find("[data-testid=not-found]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void HistoryPage_EngineWarned_AlertCountsRetriedAndPoisonMessages()
    {
        Api.Answers["/api/orchestrations"] = """{"instances":[],"continuationToken":null}""";
        Api.Answers["/api/orchestrations/warnings"] = """
            {"counts":{"AbandoningMessage":7,"PoisonMessageDetected":1},
             "recent":[{"at":"2026-11-24T07:00:00Z","category":"DurableTask.AzureStorage","level":"Warning","event":"PoisonMessageDetected","instanceId":"boot-1","message":"dequeued 10 times"}]}
            """;

        var page = Render<Orchestrations>();

        page.WaitForAssertion(() => Assert.Contains("warned 8 time(s)", page.Find("[data-testid=engine-warnings]").TextContent, StringComparison.Ordinal));
        Assert.Contains("7 message(s) handed back to be retried", page.Find("[data-testid=engine-warnings]").TextContent, StringComparison.Ordinal);
        Assert.Contains("1 at the ten-minute back-off", page.Find("[data-testid=engine-warnings]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void HistoryPage_NoEngineWarnings_NoAlert()
    {
        Api.Answers["/api/orchestrations"] = """{"instances":[],"continuationToken":null}""";
        Api.Answers["/api/orchestrations/warnings"] = """{"counts":{},"recent":[]}""";

        var page = Render<Orchestrations>();

        page.WaitForAssertion(() => Assert.Contains("No orchestration matches", page.Markup, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=engine-warnings]"));
    }
}
