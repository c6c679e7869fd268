using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Veil.Shared.Attestation;
using Veil.Testing;

namespace Veil.Portal.E2ETests;

/// <summary>
/// A tenant boots an SEV-SNP server on the simulated Genoa host and reads, on its page and from the API, the launch
/// measurement its attestation reports must carry — the value the measurement library computes for that host's
/// firmware, the flavor's vCPUs and the host's CPU signature.
/// </summary>
[Collection(VeilRunGroup.Name)]
public sealed class AttestationJourney(VeilRun veil)
{
    [Fact]
    public async Task TenantReadsTheExpectedMeasurementOfTheirSnpServer_ItIsTheHostsFirmwareVCpusAndSignature()
    {
        using var adminApi = veil.Api(veil.AdminToken);
        using var aliceApi = veil.Api(veil.AliceToken);
        var flavor = "snp3-" + Guid.NewGuid().ToString("N")[..6];
        (await adminApi.PostAsJsonAsync("/api/flavors", new { name = flavor, vCpus = 3, memoryMiB = 2048, diskGiB = 10, extraSpecs = new Dictionary<string, string> { ["hw:mem_encryption"] = "true", ["hw:mem_encryption_model"] = "amd-sev-snp" } })).EnsureSuccessStatusCode();
        (await adminApi.PostAsJsonAsync($"/api/flavors/{flavor}/approve", new { })).EnsureSuccessStatusCode();
        var created = await aliceApi.PostAsJsonAsync("/api/servers", new { name = "attested", flavorName = flavor, imageId = "debian-12-uefi" });
        created.EnsureSuccessStatusCode();
        var serverId = (await created.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("serverId").GetGuid();

        var alice = await veil.SignInAsync("alice");
        await VeilRun.OpenAsync(alice, $"/servers/{serverId}");
        await Assertions.Expect(alice.Locator("[data-testid=status]")).ToContainTextAsync("ACTIVE", new() { Timeout = 120_000 });
        var shown = (await alice.Locator("[data-testid=attestation-measurement]").TextContentAsync(new() { Timeout = 30_000 }))?.Trim();
        var answer = await aliceApi.GetFromJsonAsync<JsonElement>($"/api/servers/{serverId}/attestation");
        await alice.ScreenshotAsync(new() { Path = Path.Combine(VeilRun.Screenshots, "server-attestation.png"), FullPage = true });

        var firmware = OvmfImage.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.HostFixture("genoa-snp"), "usr", "share", "edk2", "ovmf", "OVMF.amdsev.fd")));
        var cpu = CpuSignature.FromCpuinfo(File.ReadAllText(Path.Combine(RepoPaths.HostFixture("genoa-snp"), "proc", "cpuinfo")))!.Value;
        var expected = Convert.ToHexStringLower(SnpLaunchDigest.Compute(firmware, new SnpLaunchInputs(3, cpu)));
        Assert.Equal(expected, shown);
        Assert.Equal(expected, answer.GetProperty("expected").GetProperty("measurement").GetString());
        await Assertions.Expect(alice.Locator("[data-testid=attestation-host-data]")).ToContainTextAsync(Convert.ToHexStringLower(ServerHostData.Of(serverId)));
    }
}
