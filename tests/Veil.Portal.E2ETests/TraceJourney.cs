using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Veil.Testing;

namespace Veil.Portal.E2ETests;

/// <summary>
/// An operator follows one boot from the tenant's click to the host's libvirt calls in the Aspire dashboard that
/// `./veil run` starts: every process exports to it, and the boot is one trace.
/// </summary>
[Collection(VeilRunGroup.Name)]
public sealed class TraceJourney(VeilRun veil)
{
    /// <summary>Spans the trace must hold, by the process that made them: the whole path of a boot.</summary>
    private static readonly (string Service, string Span)[] BootPath =
    [
        ("portal", "Portal POST /api/servers"),
        ("orchestrations", "POST /api/servers"),
        ("orchestrations", "orchestration:BootServer"),
        ("orchestrations", "activity:SelectHosts"),
        ("orchestrations", "activity:ClaimAsid"),
        ("orchestrations", "TableClient.AddEntity"), // the claim: a conditional insert into the ASID ledger (Azure SDK)
        ("orchestrations", "activity:SpawnServer"),
        ("orchestrations", "QueueClient.SendMessage"), // the host command
        ("hostworker-", "host Spawn"),
        ("hostworker-", "virDomainDefineXML"),
        ("hostworker-", "virDomainCreate"),
        ("orchestrations", "host event Spawn Succeeded"),
        ("orchestrations", "activity:RecordOutcome"),
    ];

    [Fact]
    public async Task TenantLaunchesInThePortal_OperatorFollowsTheBootInOneTrace_FromTheClickToLibvirt()
    {
        // Alice launches an SEV server in the wizard.
        var alice = await veil.SignInAsync("alice");
        await VeilRun.OpenAsync(alice, "/launch");
        var name = "e2e-trace-" + Guid.NewGuid().ToString("N")[..6];
        await alice.FillAsync("input[data-testid=name]", name);
        await alice.ClickAsync(".mud-stepper-button-next");
        await alice.GetByText("Debian 12 (UEFI, stateless firmware)").ClickAsync();
        await alice.ClickAsync(".mud-stepper-button-next");
        await alice.Locator("[data-testid='flavor-sev.small']").ClickAsync();
        await alice.ClickAsync(".mud-stepper-button-next");
        await Assertions.Expect(alice.Locator("[data-testid=checks]")).ToBeVisibleAsync();
        await alice.ClickAsync("[data-testid=launch]");
        await alice.WaitForURLAsync("**/servers");
        await alice.WaitForSelectorAsync("[data-interactive=true]");
        await alice.GetByText(name).ClickAsync();
        await Assertions.Expect(alice.Locator("[data-testid=status]")).ToContainTextAsync("ACTIVE", new() { Timeout = 60_000 });
        var serverId = new Uri(alice.Url).AbsolutePath.Split('/')[^1];

        // The server records its launch's trace; the tenant is not shown it.
        using var adminApi = veil.Api(veil.AdminToken);
        var server = await adminApi.GetFromJsonAsync<JsonElement>($"/api/servers/{serverId}");
        var traceId = server.GetProperty("traceId").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        await Assertions.Expect(alice.Locator("[data-testid=trace-link]")).ToHaveCountAsync(0);

        // The dashboard holds that trace with every step of the boot, from each process, under the one id.
        using var dashboard = veil.DashboardApi();
        var spans = await Eventually.Until(
            () => SpansAsync(dashboard, traceId),
            found => BootPath.All(step => found.Any(s => s.Service.StartsWith(step.Service, StringComparison.Ordinal) && s.Name == step.Span)),
            found => $"trace {traceId} lacks {string.Join(", ", BootPath.Where(step => !found.Any(s => s.Service.StartsWith(step.Service, StringComparison.Ordinal) && s.Name == step.Span)))}; it has {string.Join(", ", found.Select(s => $"{s.Service}/{s.Name}").Distinct())}",
            TimeSpan.FromSeconds(90));
        Assert.All(spans, s => Assert.Equal(traceId, s.TraceId));
        var define = spans.First(s => s.Name == "virDomainDefineXML");
        Assert.Equal($"veil-{serverId}", define.Attributes.GetValueOrDefault("libvirt.domain"));

        // The admin's server page and the boot's history page link to it.
        var admin = await veil.SignInAsync("admin");
        await VeilRun.OpenAsync(admin, $"/servers/{serverId}");
        var link = admin.Locator("[data-testid=trace-link]").First;
        await Assertions.Expect(link).ToHaveAttributeAsync("href", $"{veil.DashboardUrl.ToString().TrimEnd('/')}/traces/detail/{traceId}");
        await VeilRun.OpenAsync(admin, $"/admin/orchestrations/boot-{Guid.Parse(serverId):N}");
        await Assertions.Expect(admin.Locator("[data-testid=trace-link]")).ToContainTextAsync(traceId);

        // And the dashboard shows it: the libvirt calls inside the host's span, inside the boot.
        var page = await (await veil.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } })).NewPageAsync();
        await page.GotoAsync(veil.DashboardLoginUrl);
        await page.GotoAsync($"{veil.DashboardUrl.ToString().TrimEnd('/')}/traces/detail/{traceId}");
        await Assertions.Expect(page.GetByText("virDomainCreate").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(VeilRun.Screenshots, "dashboard-trace.png"), FullPage = true });
    }

    private sealed record Span(string Service, string Name, string TraceId, IReadOnlyDictionary<string, string> Attributes);

    /// <summary>The trace's spans as the dashboard's telemetry API returns them (OTLP JSON).</summary>
    private static async Task<IReadOnlyList<Span>> SpansAsync(HttpClient dashboard, string traceId)
    {
        using var response = await dashboard.GetAsync(new Uri($"/api/telemetry/traces/{traceId}", UriKind.Relative));
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var spans = new List<Span>();
        foreach (var resource in body.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = Attributes(resource.GetProperty("resource")).GetValueOrDefault("service.name", "");
            foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
            {
                spans.AddRange(scope.GetProperty("spans").EnumerateArray().Select(s =>
                    new Span(service, s.GetProperty("name").GetString()!, s.GetProperty("traceId").GetString()!, Attributes(s))));
            }
        }

        return spans;
    }

    private static Dictionary<string, string> Attributes(JsonElement owner) =>
        owner.TryGetProperty("attributes", out var attributes)
            ? attributes.EnumerateArray().ToDictionary(a => a.GetProperty("key").GetString()!, a => a.GetProperty("value").TryGetProperty("stringValue", out var v) ? v.GetString() ?? "" : a.GetProperty("value").ToString())
            : [];
}
