using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Veil.Portal.E2ETests;

/// <summary>
/// What tenants and admins do in the Portal, in Chromium against Veil as `./veil run` starts it. Each journey
/// leaves a screenshot in artifacts/screenshots/ (VeilRun.Screenshots says how to refresh the ones README shows).
/// </summary>
[Collection(VeilRunGroup.Name)]
public sealed class PortalJourneys(VeilRun veil)
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AdminApprovesSnpFlavor_TenantLaunchesIt_SeesActiveWithLaunchSecurityNotTheHost_AdminSeesTheXml_OtherProjectCannotSeeIt()
    {
        // The admin approves the pending SNP flavor.
        var admin = await veil.SignInAsync("admin");
        await VeilRun.OpenAsync(admin, "/admin/flavors");
        await admin.ClickAsync("[data-testid='approve-snp.small']");
        await Assertions.Expect(admin.Locator("[data-testid='status-snp.small']")).ToHaveTextAsync("approved");
        await admin.ScreenshotAsync(new() { Path = Shot("admin-flavors"), FullPage = true });

        // Alice launches an SNP server through the wizard.
        var alice = await veil.SignInAsync("alice");
        await VeilRun.OpenAsync(alice, "/launch");
        var name = "e2e-snp-" + Guid.NewGuid().ToString("N")[..6];
        await alice.FillAsync("input[data-testid=name]", name);
        await alice.ClickAsync(".mud-stepper-button-next");
        await alice.GetByText("Debian 12 (UEFI, stateless firmware)").ClickAsync();
        await alice.ClickAsync(".mud-stepper-button-next");
        await Assertions.Expect(alice.Locator("[data-testid='capacity-snp.small']")).ToContainTextAsync("1 host(s) can take it");
        await alice.Locator("[data-testid='flavor-snp.small']").ClickAsync();
        await alice.ScreenshotAsync(new() { Path = Shot("launch-flavor"), FullPage = true });
        await alice.ClickAsync(".mud-stepper-button-next");
        await Assertions.Expect(alice.Locator("[data-testid=checks]")).ToBeVisibleAsync();
        await alice.ScreenshotAsync(new() { Path = Shot("launch-review"), FullPage = true });
        await alice.ClickAsync("[data-testid=launch]");

        // The list shows it; its page follows the boot to ACTIVE without a reload and shows the launch security
        // libvirt holds — but, to a tenant, no host and no domain XML.
        await alice.WaitForURLAsync("**/servers");
        await alice.WaitForSelectorAsync("[data-interactive=true]");
        await alice.GetByText(name).ClickAsync();
        await Assertions.Expect(alice.Locator("[data-testid=status]")).ToContainTextAsync("ACTIVE", new() { Timeout = (float)BootTimeout.TotalMilliseconds });
        await Assertions.Expect(alice.Locator("[data-testid=launch-security]")).ToContainTextAsync("sev-snp");
        await Assertions.Expect(alice.Locator("[data-testid=domain-xml]")).ToHaveCountAsync(0);
        await Assertions.Expect(alice.Locator("[data-testid=host]")).ToHaveCountAsync(0);
        await alice.ScreenshotAsync(new() { Path = Shot("server-detail"), FullPage = true });
        var serverUrl = alice.Url;

        // The admin opens the same page and sees the fleet's side: the host and libvirt's XML.
        await VeilRun.OpenAsync(admin, new Uri(serverUrl).AbsolutePath);
        await Assertions.Expect(admin.Locator("[data-testid=domain-xml]")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("<launchSecurity type=[\"']sev-snp[\"']"));
        await Assertions.Expect(admin.Locator("[data-testid=host]")).ToContainTextAsync("genoa");
        await Assertions.Expect(admin.Locator("[data-testid=placement-chosen]")).ToContainTextAsync("genoa");
        await admin.ScreenshotAsync(new() { Path = Shot("server-detail-admin"), FullPage = true });
        await VeilRun.OpenAsync(alice, "/servers");
        await alice.ScreenshotAsync(new() { Path = Shot("servers"), FullPage = true });

        // Bob, in another project, sees neither the server in his list nor its page.
        var bob = await veil.SignInAsync("bob");
        await VeilRun.OpenAsync(bob, "/servers");
        await Assertions.Expect(bob.GetByText(name)).ToHaveCountAsync(0);
        await VeilRun.OpenAsync(bob, new Uri(serverUrl).AbsolutePath);
        await Assertions.Expect(bob.Locator("[data-testid=not-found]")).ToBeVisibleAsync();
        await Assertions.Expect(bob.Locator("[data-testid=domain-xml]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task AdminOpensFailedBootsHistory_SeesWhichStepFailedAndWhy()
    {
        // A SEV-ES flavor: no simulated host offers SEV-ES, so placement finds no valid host.
        using var adminApi = veil.Api(veil.AdminToken);
        using var aliceApi = veil.Api(veil.AliceToken);
        var flavor = "es-" + Guid.NewGuid().ToString("N")[..6];
        (await adminApi.PostAsJsonAsync("/api/flavors", new { name = flavor, vCpus = 1, memoryMiB = 1024, diskGiB = 10, extraSpecs = new Dictionary<string, string> { ["hw:mem_encryption"] = "true", ["hw:mem_encryption_model"] = "amd-sev-es" } })).EnsureSuccessStatusCode();
        (await adminApi.PostAsJsonAsync($"/api/flavors/{flavor}/approve", new { })).EnsureSuccessStatusCode();
        var created = await aliceApi.PostAsJsonAsync("/api/servers", new { name = "doomed", flavorName = flavor, imageId = "debian-12-uefi" });
        created.EnsureSuccessStatusCode();
        var serverId = (await created.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("serverId").GetGuid();

        // The tenant sees ERROR with the reason on the server's page.
        var alice = await veil.SignInAsync("alice");
        await VeilRun.OpenAsync(alice, $"/servers/{serverId}");
        await Assertions.Expect(alice.Locator("[data-testid=status]")).ToContainTextAsync("ERROR", new() { Timeout = (float)BootTimeout.TotalMilliseconds });
        await Assertions.Expect(alice.Locator("[data-testid=fault]")).ToContainTextAsync("No valid host was found");

        // The admin finds the boot in the history list and opens its timeline.
        var admin = await veil.SignInAsync("admin");
        await VeilRun.OpenAsync(admin, "/admin/orchestrations");
        await admin.FillAsync("[data-testid=filter-prefix] input, input[data-testid=filter-prefix]", $"boot-{serverId:N}");
        await admin.ClickAsync("[data-testid=search]");
        await admin.GetByText($"boot-{serverId:N}").ClickAsync();
        await admin.WaitForSelectorAsync("[data-interactive=true]");
        var selectHosts = admin.Locator("[data-testid=timeline] tbody tr", new() { HasText = "SelectHosts" });
        await Assertions.Expect(selectHosts).ToContainTextAsync("completed");
        await Assertions.Expect(selectHosts).ToContainTextAsync("No valid host was found");
        await Assertions.Expect(admin.Locator("[data-testid=timeline]")).ToContainTextAsync("amd-sev-es");
        // A failed boot is a failed orchestration, whose failure is the server's fault.
        await Assertions.Expect(admin.Locator("[data-testid=instance-failure]")).ToContainTextAsync("ServerActionFailedException: No valid host was found");
        await admin.ScreenshotAsync(new() { Path = Shot("orchestration-timeline"), FullPage = true });

        await VeilRun.OpenAsync(admin, "/admin/hosts");
        await Assertions.Expect(admin.Locator("[data-testid='chip-genoa-snp-SNP']")).ToHaveAttributeAsync("data-on", "true");
        await Assertions.Expect(admin.Locator("[data-testid='chip-rome-sev-SNP']")).ToHaveAttributeAsync("data-on", "false");
        await admin.ScreenshotAsync(new() { Path = Shot("admin-hosts"), FullPage = true });
    }

    private static string Shot(string name) => Path.Combine(VeilRun.Screenshots, name + ".png");
}
