using Microsoft.Extensions.DependencyInjection;
using Bunit;
using Veil.Portal.Components.Pages;

namespace Veil.Portal.Tests;

public sealed class ServerPagesTests : BunitTest
{
    private static readonly Guid Id = Guid.Parse("8b1c52c4-0f1e-4b43-9a61-2a0c1d6f2e10");

    [Fact]
    public void ServerList_Admin_ShowsStatusModelProjectHostSlotAndFaults()
    {
        SignInAdmin();
        Api.Answers["/api/servers"] = $$"""
            [{"serverId":"{{Id}}","projectId":"demo","name":"web-1","flavorName":"snp.small","status":"active","step":"active","model":"amd-sev-snp","hostName":"genoa-snp","asidSlot":7},
             {"serverId":"{{Guid.NewGuid()}}","projectId":"demo","name":"web-2","flavorName":"es.small","status":"error","step":"error","model":"amd-sev-es","fault":"No valid host was found. rome-sev: no HW_CPU_X86_AMD_SEV_ES."}]
            """;

        var page = Render<Servers>();

        page.WaitForAssertion(() => Assert.Contains("web-1", page.Markup, StringComparison.Ordinal));
        Assert.Contains("ACTIVE", page.Markup, StringComparison.Ordinal);
        Assert.Equal(["SEV-SNP", "SEV-ES"], page.FindAll("[data-testid=model-badge]").Select(b => b.TextContent.Trim()));
        Assert.Contains("genoa-snp", page.Markup, StringComparison.Ordinal);
        Assert.Equal("demo", page.Find("[data-testid=project]").TextContent);
        Assert.Contains("No valid host was found. rome-sev: no HW_CPU_X86_AMD_SEV_ES.", page.Markup, StringComparison.Ordinal);
        Assert.Contains($"/servers/{Id}", page.Markup, StringComparison.Ordinal);
        Assert.Contains("/api/servers Bearer", Api.Seen);
    }

    [Fact]
    public void ServerList_DeletedHiddenUntilAskedFor()
    {
        Api.Answers["/api/servers"] = $$"""
            [{"serverId":"{{Id}}","projectId":"demo","name":"alive-1","flavorName":"tiny","status":"active"},
             {"serverId":"{{Guid.NewGuid()}}","projectId":"demo","name":"gone-1","flavorName":"tiny","status":"deleted"}]
            """;

        var page = Render<Servers>();

        page.WaitForAssertion(() => Assert.Contains("alive-1", page.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("gone-1", page.Markup, StringComparison.Ordinal);
        page.Find("input[data-testid=show-deleted], [data-testid=show-deleted] input").Change(true);
        page.WaitForAssertion(() => Assert.Contains("gone-1", page.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public void ServerList_OnlyDeleted_SaysSoAndOffersThem()
    {
        Api.Answers["/api/servers"] = $$"""[{"serverId":"{{Id}}","projectId":"demo","name":"gone-1","flavorName":"tiny","status":"deleted"}]""";

        var page = Render<Servers>();

        page.WaitForAssertion(() => Assert.Contains("but 1 deleted", page.Find("[data-testid=no-servers]").TextContent, StringComparison.Ordinal));
        page.Find("input[data-testid=show-deleted], [data-testid=show-deleted] input").Change(true);
        page.WaitForAssertion(() => Assert.Contains("gone-1", page.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public void ServerList_Empty_SaysSo()
    {
        Api.Answers["/api/servers"] = "[]";

        var page = Render<Servers>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=no-servers]")));
    }

    [Fact]
    public void ServerList_TokenRefusedByTheApi_SaysToSignInAgain_NotThatTheApiIsDown()
    {
        Api.Statuses["/api/servers"] = System.Net.HttpStatusCode.Unauthorized;

        var page = Render<Servers>();

        page.WaitForAssertion(() => Assert.Contains("no longer accepts your sign-in", page.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("could not be reached", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerDetail_ShowsTheConsoleLogTheHostPublished_OrSaysThereIsNone()
    {
        Api.Answers[$"/api/servers/{Id}"] = $$"""{"serverId":"{{Id}}","projectId":"demo","name":"web-1","flavorName":"tiny","status":"active"}""";
        Api.Answers[$"/api/servers/{Id}/console-log"] = """{"output":"[    0.000000] Linux version 6.1\nVEIL-DEMO-GUEST: up","updatedAt":"2026-12-02T15:00:00Z","truncated":true}""";

        var page = Render<ServerDetail>(p => p.Add(x => x.ServerId, Id));

        page.WaitForAssertion(() => Assert.Contains("VEIL-DEMO-GUEST: up", page.Find("[data-testid=console-log]").TextContent, StringComparison.Ordinal));
        Assert.Contains("older output left out", page.Markup, StringComparison.Ordinal);
        Assert.Contains($"/api/servers/{Id}/console-log Bearer", Api.Seen);

        Api.Answers[$"/api/servers/{Id}/console-log"] = """{"output":"","truncated":false}""";
        page.Find("[data-testid=console-refresh]").Click();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=console-empty]")));
    }

    [Fact]
    public void ServerDetail_ActiveServer_StopSendsNovasActionAndOnlyFittingButtonsAreEnabled()
    {
        Api.Answers[$"/api/servers/{Id}"] = $$"""{"serverId":"{{Id}}","projectId":"demo","name":"web-1","flavorName":"tiny","status":"active","hostName":"qemu-local"}""";
        Api.Answers[$"/api/servers/{Id}/action"] = "{}";

        var page = Render<ServerDetail>(p => p.Add(x => x.ServerId, Id));

        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=stop]").HasAttribute("disabled")));
        Assert.True(page.Find("[data-testid=start]").HasAttribute("disabled"));
        page.Find("[data-testid=stop]").Click();
        page.WaitForAssertion(() => Assert.True(Api.Bodies.ContainsKey($"/api/servers/{Id}/action")));
        Assert.Equal("""{"os-stop":null}""", Api.Bodies[$"/api/servers/{Id}/action"]);
    }

    [Fact]
    public void ServerDetail_Admin_ShowsHostSlotPlacementAndDomainXml()
    {
        SignInAdmin();
        Api.Answers[$"/api/servers/{Id}"] = $$"""
            {"serverId":"{{Id}}","projectId":"demo","name":"web-1","flavorName":"snp.small","status":"active","step":"active","model":"amd-sev-snp","hostName":"genoa-snp","providerName":"genoa-snp_amd_sev_snp","asidSlot":7,
             "placement":"Chose genoa-snp; left out rome-sev: no HW_CPU_X86_AMD_SEV_SNP.","domainXml":"<domain type='kvm'><launchSecurity type='sev-snp'><policy>0x00030000</policy></launchSecurity></domain>",
             "launchSecurity":{"type":"sev-snp","policy":"0x00030000"} }
            """;

        var page = Render<ServerDetail>(p => p.Add(x => x.ServerId, Id));

        page.WaitForAssertion(() => Assert.Contains("ACTIVE", page.Find("[data-testid=status]").TextContent, StringComparison.Ordinal));
        Assert.Contains("7 on genoa-snp_amd_sev_snp", page.Markup, StringComparison.Ordinal);
        Assert.Contains("left out rome-sev", page.Find("[data-testid=placement]").TextContent, StringComparison.Ordinal);
        Assert.Contains("launchSecurity type='sev-snp'", page.Find("[data-testid=domain-xml]").TextContent, StringComparison.Ordinal);
        Assert.Equal("type 'sev-snp', policy 0x00030000", page.Find("[data-testid=launch-security]").TextContent.Trim());
        Assert.Equal("SEV-SNP", page.Find("[data-testid=model-badge]").TextContent.Trim());
    }

    [Fact]
    public void ServerDetail_Admin_PlacementIsATable_TheHostItEndedOnAfterTheOneThatFailed_LeftOutGroupedByReason()
    {
        SignInAdmin();
        Api.Answers[$"/api/servers/{Id}"] = $$"""
            {"serverId":"{{Id}}","projectId":"demo","name":"web-1","flavorName":"snp.small","status":"active","step":"active","model":"amd-sev-snp","hostName":"genoa-2",
             "placement":"Chose genoa-2 after genoa-1 failed (libvirt: no memory); left out …",
             "placementAccount":{"chosen":"genoa-2","tried":[{"hostName":"genoa-1","failure":"libvirt: no memory"}],
               "leftOut":[{"hostName":"rome-1","reason":"no HW_CPU_X86_AMD_SEV_SNP","kind":"model-not-offered"},{"hostName":"genoa-3","reason":"stale heartbeat: last seen 95 s ago","kind":"unavailable"},{"hostName":"rome-2","reason":"no HW_CPU_X86_AMD_SEV_SNP","kind":"model-not-offered"}]} }
            """;

        var page = Render<ServerDetail>(p => p.Add(x => x.ServerId, Id));

        page.WaitForAssertion(() => page.Find("[data-testid=placement-table]"));
        Assert.Equal(["Chosen", "genoa-2", "after 1 host(s) failed"], page.Find("[data-testid=placement-chosen]").QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        Assert.Equal(["Tried, failed", "genoa-1", "libvirt: no memory"], page.Find("[data-testid=placement-tried]").QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        var leftOut = page.FindAll("[data-testid=placement-left-out]").Select(r => r.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray()).ToList();
        Assert.Equal([
            ["Unavailable (refused to start, or no heartbeat) (1)", "genoa-3", "stale heartbeat: last seen 95 s ago"],
            ["Does not offer the model or a required trait (2)", "rome-1", "no HW_CPU_X86_AMD_SEV_SNP"],
            ["", "rome-2", "no HW_CPU_X86_AMD_SEV_SNP"]], leftOut);
    }

    [Fact]
    public void ServerDetail_Tenant_TheirGuestNotTheFleet_NoHostRowsNoEngineHistory()
    {
        // What the API gives a tenant (ServerRecord.ForTenant): no host, slot, placement or domain XML.
        Api.Answers[$"/api/servers/{Id}"] = $$"""
            {"serverId":"{{Id}}","projectId":"demo","name":"web-1","flavorName":"snp.small","status":"active","step":"active","model":"amd-sev-snp",
             "launchSecurity":{"type":"sev-snp","policy":"0x00030000"},"createdAt":"2026-12-03T08:00:00Z"}
            """;
        Api.Answers[$"/api/servers/{Id}/actions"] = """[{"instanceId":"boot-1","name":"BootServer","runtimeStatus":"completed","createdAt":"2026-12-03T08:00:00Z","completedAt":null,"failureDetails":null,"history":[]}]""";

        var page = Render<ServerDetail>(p => p.Add(x => x.ServerId, Id));

        page.WaitForAssertion(() => Assert.Equal("type 'sev-snp', policy 0x00030000", page.Find("[data-testid=launch-security]").TextContent.Trim()));
        Assert.Contains("BootServer · completed", page.Find("[data-testid=action-BootServer]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=host]"));
        Assert.Empty(page.FindAll("[data-testid=history-link]"));
        Assert.Empty(page.FindAll("[data-testid=domain-xml]"));
        Assert.DoesNotContain("ASID slot", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerList_Tenant_NoProjectHostOrSlotColumns()
    {
        Api.Answers["/api/servers"] = $$"""[{"serverId":"{{Id}}","projectId":"demo","name":"web-1","flavorName":"tiny","status":"active"}]""";

        var page = Render<Servers>();

        page.WaitForAssertion(() => Assert.Contains("web-1", page.Markup, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=project]"));
        Assert.DoesNotContain("ASID slot", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    // How the page shows a server the API will not give (it answers 404 for another project's: ApiTests prove that).
    public void ServerDetail_ApiAnswers404_PageSaysNotFound()
    {
        var page = Render<ServerDetail>(p => p.Add(x => x.ServerId, Guid.NewGuid()));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=not-found]")));
    }

    [Fact]
    public void ServerDetail_Admin_WithADashboard_LinksTheLaunchAndEachActionToItsTrace_WithoutOneShowsTheIds()
    {
        const string launch = "0af7651916cd43dd8448eb211c80319c", delete = "4bf92f3577b34da6a3ce929d0e0e4736";
        SignInAdmin();
        Api.Answers[$"/api/servers/{Id}"] = $$"""{"serverId":"{{Id}}","projectId":"demo","name":"web-1","flavorName":"tiny","status":"active","traceId":"{{launch}}"}""";
        Api.Answers[$"/api/servers/{Id}/actions"] = $$"""[{"instanceId":"delete-1","name":"DeleteServer","runtimeStatus":"completed","createdAt":"2026-12-03T08:00:00Z","completedAt":null,"failureDetails":null,"history":[{"type":"execution-started","timestamp":"2026-12-03T08:00:00Z","name":"DeleteServer","traceId":"{{delete}}"}]}]""";
        // The provider is built by now (the renderer is a service): set the Portal's option as bound from configuration.
        Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Veil.Portal.Accounts.PortalOptions>>().Value.TraceUrl = "http://127.0.0.1:18888/traces/detail/{traceId}";

        var page = Render<ServerDetail>(p => p.Add(x => x.ServerId, Id));

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=trace-link]").Count));
        Assert.Equal(
            [$"http://127.0.0.1:18888/traces/detail/{launch}", $"http://127.0.0.1:18888/traces/detail/{delete}"],
            page.FindAll("[data-testid=trace-link]").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public void TraceUrl_MustSayWhereTheTraceIdGoes()
    {
        Assert.Contains(new Veil.Portal.Accounts.PortalOptions { TraceUrl = "http://127.0.0.1:18888/traces" }.Problems(), p => p.Contains("Portal:TraceUrl", StringComparison.Ordinal));
        Assert.Empty(new Veil.Portal.Accounts.PortalOptions { TraceUrl = "http://127.0.0.1:18888/traces/detail/{traceId}" }.Problems());
        Assert.Null(new Veil.Portal.Accounts.PortalOptions().TraceLink("0af7651916cd43dd8448eb211c80319c"));
    }
}
