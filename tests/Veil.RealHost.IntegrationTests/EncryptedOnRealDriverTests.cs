using System.Net.Http.Json;
using Veil.Shared.Api;
using Veil.Shared.Contracts;

namespace Veil.RealHost.IntegrationTests;

/// <summary>
/// Encrypted guests given to the real QEMU driver of a machine without SEV, through the whole stack: the boot ends
/// ERROR with the host's failure in words an operator can act on, and leaves nothing defined.
/// </summary>
[Collection(nameof(OneRealStackAtATime))]
public sealed class EncryptedOnRealDriverTests(SevFactsOnRealQemu stack) : IClassFixture<SevFactsOnRealQemu>
{
    // The genoa-snp fixture offers SEV and SNP, not SEV-ES (its kvm_amd sev_es is off); SEV-ES shares SEV's
    // launch-security type, so this QEMU refuses it with the same words. Which check libvirt makes first for SEV
    // depends on the QEMU build (bookworm-backports' QEMU 10.0.2+ds-2+deb13u1 picks the firmware before it asks QEMU
    // about launch security): either refusal is libvirt's own words, which is what the fault must carry.
    [Theory]
    [InlineData("amd-sev", "SEV", "'sev' launch security is not supported with this QEMU binary|Unable to find 'efi' firmware that is compatible with the current configuration")]
    [InlineData("amd-sev-snp", "SEV-SNP", "Unable to find 'efi' firmware that is compatible with the current configuration")]
    public async Task EncryptedGuest_RefusedByThisQemu_ErrorSaysWhichModelAndWhy(string model, string display, string libvirtSays)
    {
        var server = await BootAsync(model);

        Assert.Equal(ServerStatus.Error, server.Status);
        Assert.Contains($"This host cannot start {display} guests: ", server.Fault, StringComparison.Ordinal);
        Assert.True(libvirtSays.Split('|').Any(words => server.Fault!.Contains(words, StringComparison.Ordinal)), server.Fault);
        Assert.Contains("host-cannot-start-model", server.Fault, StringComparison.Ordinal);
        using var libvirt = Veil.HostWorker.Libvirt.LibvirtConnection.Open(stack.Daemon.Uri);
        Assert.Null(libvirt.FindByUuid(server.ServerId));
    }

    private async Task<ServerRecord> BootAsync(string model)
    {
        using var admin = stack.Api("ops", "admin");
        using var tenant = stack.Api("project-enc");
        var id = Guid.NewGuid().ToString("N")[..8];
        var properties = new Dictionary<string, string> { ["hw_firmware_type"] = "uefi" };
        if (model == "amd-sev-snp")
        {
            properties["hw_firmware_stateless"] = "true";
        }

        await admin.PostAsJsonAsync("/api/images", new RegisterImageRequest("img-" + id, "uefi", properties), VeilJson.Options);
        await admin.PostAsJsonAsync("/api/flavors", new ProposeFlavorRequest("enc-" + id, 1, 512, 1, new() { ["hw:mem_encryption"] = "true", ["hw:mem_encryption_model"] = model }), VeilJson.Options);
        await admin.PostAsJsonAsync($"/api/flavors/enc-{id}/approve", new FlavorDecisionRequest(), VeilJson.Options);
        var created = await tenant.PostAsJsonAsync("/api/servers", new CreateServerRequest("enc", "enc-" + id, "img-" + id), VeilJson.Options);
        var server = (await created.Content.ReadFromJsonAsync<ServerRecord[]>(VeilJson.Options))![0];
        return await stack.SettledAsync("project-enc", server.ServerId, TimeSpan.FromMinutes(2));
    }
}
