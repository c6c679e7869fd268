using System.Net.Http.Json;
using System.Text.Json;
using Veil.Shared.Api;
using Veil.Shared.Contracts;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>A tenant is shown their guest, not the fleet: no host, slot, placement account or engine internals.</summary>
[Collection(nameof(LocalVeil))]
public sealed class TenantViewTests(LocalVeil stack)
{
    private static readonly JsonSerializerOptions Json = VeilJson.Options;

    private string[] Fleet => [stack.Genoa, stack.Rome, stack.Intel, "_amd_sev", "MEM_ENCRYPTION_CONTEXT", "ClaimAsid", "SpawnServer"];

    private async Task<(HttpClient Admin, HttpClient Tenant, ServerRecord Server)> LaunchAsync(string model)
    {
        var admin = stack.Api("ops", "admin");
        var tenant = stack.Api("project-view-" + Guid.NewGuid().ToString("N")[..6]);
        var id = Guid.NewGuid().ToString("N")[..8];
        await admin.PostAsJsonAsync("/api/images", new RegisterImageRequest("img-" + id, "uefi", new() { ["hw_firmware_type"] = "uefi", ["hw_firmware_stateless"] = "true" }), Json);
        await admin.PostAsJsonAsync("/api/flavors", new ProposeFlavorRequest("f-" + id, 1, 512, 1, new() { ["hw:mem_encryption"] = "true", ["hw:mem_encryption_model"] = model }), Json);
        await admin.PostAsJsonAsync($"/api/flavors/f-{id}/approve", new FlavorDecisionRequest(), Json);
        var created = await tenant.PostAsJsonAsync("/api/servers", new CreateServerRequest("view", "f-" + id, "img-" + id), Json);
        var server = (await created.Content.ReadFromJsonAsync<ServerRecord[]>(Json))![0];
        await stack.SettledAsync(server.ProjectId, server.ServerId);
        return (admin, tenant, server);
    }

    private static async Task<string> EverythingTheTenantIsShownAsync(HttpClient tenant, Guid serverId) =>
        await tenant.GetStringAsync($"/api/servers/{serverId}") + await tenant.GetStringAsync($"/api/servers/{serverId}/actions") + await tenant.GetStringAsync("/api/servers");

    [Fact]
    public async Task ActiveSnpServer_TenantSeesStatusModelAndLaunchSecurity_NoHostSlotOrHistory_AdminSeesAll()
    {
        var (admin, tenant, created) = await LaunchAsync("amd-sev-snp");
        using (admin)
        using (tenant)
        {
            var shown = await tenant.GetFromJsonAsync<ServerRecord>($"/api/servers/{created.ServerId}", Json);
            var actions = await tenant.GetFromJsonAsync<ServerActionView[]>($"/api/servers/{created.ServerId}/actions", Json);
            var everything = await EverythingTheTenantIsShownAsync(tenant, created.ServerId);
            var full = await admin.GetFromJsonAsync<ServerRecord>($"/api/servers/{created.ServerId}", Json);

            Assert.Equal(ServerStatus.Active, shown!.Status);
            Assert.Equal("sev-snp", shown.LaunchSecurity!.Type);
            Assert.NotNull(shown.LaunchSecurity.Policy);
            Assert.Null(shown.HostName);
            Assert.Null(shown.AsidSlot);
            Assert.Null(shown.DomainXml);
            Assert.Null(created.HostName); // the launch's own answer is the tenant's view too
            Assert.Equal("BootServer", Assert.Single(actions!).Name);
            Assert.Empty(actions![0].History);
            Assert.All(Fleet, word => Assert.DoesNotContain(word, everything, StringComparison.Ordinal));
            Assert.Equal(stack.Genoa, full!.HostName);
            Assert.NotNull(full.AsidSlot);
            Assert.Contains("sev-snp", full.DomainXml, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task NoHostOffersTheModel_TenantsFaultSaysWhatToDo_NamingNoHost_AdminsNamesEveryHost()
    {
        var (admin, tenant, created) = await LaunchAsync("amd-sev-es");
        using (admin)
        using (tenant)
        {
            var shown = await tenant.GetFromJsonAsync<ServerRecord>($"/api/servers/{created.ServerId}", Json);
            var everything = await EverythingTheTenantIsShownAsync(tenant, created.ServerId);
            var full = await admin.GetFromJsonAsync<ServerRecord>($"/api/servers/{created.ServerId}", Json);

            Assert.Equal(ServerStatus.Error, shown!.Status);
            Assert.Equal("No valid host was found: no available host offers SEV-ES; choose a flavor with another memory-encryption model.", shown.Fault);
            Assert.Null(shown.Placement);
            Assert.All(Fleet, word => Assert.DoesNotContain(word, everything, StringComparison.Ordinal));
            Assert.Contains($"{stack.Rome}: no HW_CPU_X86_AMD_SEV_ES", full!.Fault, StringComparison.Ordinal);

            // A failed boot is a failed orchestration: an admin finds it with ?status=failed, its failure the fault.
            var failed = await admin.GetFromJsonAsync<OrchestrationPageView>($"/api/orchestrations?status=failed&prefix=boot-{created.ServerId:N}", Json);
            var boot = Assert.Single(failed!.Instances);
            Assert.Equal(InstanceStatus.Failed, boot.RuntimeStatus);
            Assert.Equal(full.Fault, boot.FailureDetails!.ErrorMessage);
            Assert.Equal(InstanceStatus.Failed, Assert.Single(await tenant.GetFromJsonAsync<ServerActionView[]>($"/api/servers/{created.ServerId}/actions", Json) ?? []).RuntimeStatus);
        }
    }
}
