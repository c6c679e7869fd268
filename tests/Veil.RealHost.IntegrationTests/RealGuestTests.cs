using System.Net;
using System.Net.Http.Json;
using Veil.HostWorker.Libvirt;
using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Shared.Guests;
using Veil.Testing;

namespace Veil.RealHost.IntegrationTests;

/// <summary>A plain guest booted for real: API → BootServer → HostWorker on libvirtd → QEMU (TCG) → its console.</summary>
[Collection(nameof(OneRealStackAtATime))]
public sealed class RealGuestTests(RealVeil stack) : IClassFixture<RealVeil>
{
    [Fact]
    public async Task PlainGuest_BootsToItsMarker_ReadsItsConfigDrive_DeleteRemovesDomainDiskAndFolder()
    {
        using var admin = stack.Api("ops", "admin");
        using var tenant = stack.Api("project-real");
        var image = "demo-" + stack.Suffix;
        var flavor = "tiny-" + stack.Suffix;
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/images", new RegisterImageRequest(image, "Veil demo", new() { ["os_command_line"] = "console=ttyS0", ["img_hv_type"] = "qemu" }, DemoImage.Files()), VeilJson.Options)).StatusCode);
        await admin.PostAsJsonAsync("/api/flavors", new ProposeFlavorRequest(flavor, 1, 256, 1), VeilJson.Options);
        await admin.PostAsJsonAsync($"/api/flavors/{flavor}/approve", new FlavorDecisionRequest(), VeilJson.Options);

        var publicKey = SshKeys.Ed25519();
        var userData = "hello-from-" + stack.Suffix;
        (await tenant.PostAsJsonAsync("/api/keypairs", new { name = "laptop", publicKey })).EnsureSuccessStatusCode();

        var created = await tenant.PostAsJsonAsync("/api/servers", new CreateServerRequest("real-1", flavor, image, KeyName: "laptop", UserData: Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(userData))), VeilJson.Options);
        var server = (await created.Content.ReadFromJsonAsync<ServerRecord[]>(VeilJson.Options))![0];
        var active = await stack.SettledAsync("project-real", server.ServerId, TimeSpan.FromMinutes(3));
        Assert.True(active.Status == ServerStatus.Active, $"the boot ended {active.Status}: {active.Fault}");
        var files = new InstanceFiles(stack.InstancesPath, server.ServerId);
        var log = await Eventually.Until(
            () => tenant.GetFromJsonAsync<ConsoleLog>($"/api/servers/{server.ServerId}/console-log", VeilJson.Options)!,
            log => log!.Output.Contains(DemoImage.Marker, StringComparison.Ordinal) && log.Output.Contains("VEIL-DEMO-GUEST: public key", StringComparison.Ordinal),
            log => $"no marker and config drive on the console yet: '{log?.Output}'",
            TimeSpan.FromMinutes(2));
        var console = log!.Output;
        var lastTwo = await tenant.GetFromJsonAsync<ConsoleLog>($"/api/servers/{server.ServerId}/console-log?length=2", VeilJson.Options);
        using var stranger = stack.Api("project-other");
        using (var libvirt = LibvirtConnection.Open(stack.Daemon.Uri))
        using (var domain = libvirt.FindByUuid(server.ServerId))
        {
            Assert.Equal(DomainState.Running, domain!.State);
        }

        Assert.NotNull(log.UpdatedAt);
        Assert.Equal(2, lastTwo!.Output.Split('\n').Length);
        Assert.True(lastTwo.Truncated);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/servers/{server.ServerId}/console-log")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await tenant.GetAsync($"/api/servers/{server.ServerId}/console-log?length=0")).StatusCode);
        Assert.True(console.Contains("disk vda 2097152 sectors", StringComparison.Ordinal), $"the guest does not see its 1 GiB disk: {console[^Math.Min(console.Length, 1500)..]}");
        // The guest mounted its config drive (ISO 9660 on a virtio-scsi CD-ROM) and found what cloud-init would.
        Assert.Contains($"VEIL-DEMO-GUEST: user data {userData}", console, StringComparison.Ordinal);
        Assert.Contains($"VEIL-DEMO-GUEST: public key {string.Join(' ', publicKey.Split(' ')[..2])}", console, StringComparison.Ordinal);

        // Power actions change the guest for real: stopped (the domain shut off), started again, and reset.
        Assert.Equal(HttpStatusCode.Conflict, (await tenant.PostAsync($"/api/servers/{server.ServerId}/action", Json("""{"os-start": null}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await tenant.PostAsync($"/api/servers/{server.ServerId}/action", Json("""{"os-pause": null}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await tenant.PostAsync($"/api/servers/{server.ServerId}/action", Json("""{"os-stop": null}"""))).StatusCode);
        Assert.Equal(ServerStatus.Shutoff, (await PowerSettledAsync(server.ServerId)).Status);
        Assert.Equal(DomainState.ShutOff, DomainStateOf(server.ServerId));
        Assert.Equal(HttpStatusCode.Accepted, (await tenant.PostAsync($"/api/servers/{server.ServerId}/action", Json("""{"os-start": null}"""))).StatusCode);
        Assert.Equal(ServerStatus.Active, (await PowerSettledAsync(server.ServerId)).Status);
        Assert.Equal(DomainState.Running, DomainStateOf(server.ServerId));
        // Started again, the guest boots to its marker again (a new QEMU: its console starts afresh).
        var afterStart = await ConsoleUntilAsync(tenant, server.ServerId, log => log != console && LastBootReachedMarker(log), "the started guest's console never reached its marker again");
        Assert.Equal(HttpStatusCode.Accepted, (await tenant.PostAsync($"/api/servers/{server.ServerId}/action", Json("""{"reboot": {"type": "HARD"}}"""))).StatusCode);
        Assert.Equal(ServerStatus.Active, (await PowerSettledAsync(server.ServerId)).Status);
        Assert.Equal(DomainState.Running, DomainStateOf(server.ServerId));
        // A reset is a reboot of the same QEMU: its console shows one more boot, which reaches the marker too.
        await ConsoleUntilAsync(tenant, server.ServerId, log => Boots(log) > Boots(afterStart) && LastBootReachedMarker(log), "the reset guest's console never showed a second boot reaching its marker");
        var actionNames = (await tenant.GetFromJsonAsync<List<ServerActionView>>($"/api/servers/{server.ServerId}/actions", VeilJson.Options))!.Select(a => a.Name);
        Assert.Equal(["BootServer", "PowerServer", "PowerServer", "PowerServer"], actionNames);

        // The probe read this machine as it is: QEMU under TCG, no SEV, every line of the checklist truthful.
        var host = (await admin.GetFromJsonAsync<List<HostView>>("/api/hosts", VeilJson.Options))!.Single(h => h.Name == stack.RealHost);
        Assert.False(host.Report.Simulated);
        Assert.Equal("qemu", host.Report.HypervisorType);
        Assert.Empty(host.Report.Capabilities.SupportedModels);
        Assert.Contains(host.Report.Capabilities.Checklist, c => c.Status != Veil.Shared.Hosts.ChecklistStatus.Met);
        Assert.StartsWith("11.", host.Report.Versions.Libvirt, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Accepted, (await tenant.DeleteAsync($"/api/servers/{server.ServerId}")).StatusCode);
        var deleted = await stack.SettledAsync("project-real", server.ServerId, TimeSpan.FromMinutes(2));

        Assert.Equal(ServerStatus.Deleted, deleted.Status);
        using var after = LibvirtConnection.Open(stack.Daemon.Uri);
        Assert.Null(after.FindByUuid(server.ServerId));
        using var pool = after.FindStoragePool(InstanceFiles.PoolName);
        pool!.Refresh();
        Assert.Null(pool.FindVolume(files.DiskVolume));
        Assert.False(Directory.Exists(files.Directory));
        Assert.Equal("", (await tenant.GetFromJsonAsync<ConsoleLog>($"/api/servers/{server.ServerId}/console-log", VeilJson.Options))!.Output);
    }

    private const string KernelBanner = "Linux version ";

    private static int Boots(string log) => (log.Length - log.Replace(KernelBanner, "", StringComparison.Ordinal).Length) / KernelBanner.Length;

    private static bool LastBootReachedMarker(string log) =>
        log.LastIndexOf(KernelBanner, StringComparison.Ordinal) is var start and >= 0 && log[start..].Contains(DemoImage.Marker, StringComparison.Ordinal);

    private static async Task<string> ConsoleUntilAsync(HttpClient tenant, Guid serverId, Func<string, bool> done, string why) =>
        (await Eventually.Until(
            () => tenant.GetFromJsonAsync<ConsoleLog>($"/api/servers/{serverId}/console-log", VeilJson.Options)!,
            log => done(log!.Output),
            log => $"{why}: '{log?.Output[^Math.Min(log.Output.Length, 1500)..]}'",
            TimeSpan.FromMinutes(3)))!.Output;

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    private DomainState DomainStateOf(Guid serverId)
    {
        using var libvirt = LibvirtConnection.Open(stack.Daemon.Uri);
        using var domain = libvirt.FindByUuid(serverId);
        return domain!.State;
    }

    /// <summary>The server once its power action has ended.</summary>
    private Task<ServerRecord> PowerSettledAsync(Guid serverId) => Eventually.Until(
        async () => (await stack.Store.GetAsync("project-real", serverId))!,
        s => !s.IsChangingPower,
        s => $"still {s.Step}",
        TimeSpan.FromMinutes(2));
}
