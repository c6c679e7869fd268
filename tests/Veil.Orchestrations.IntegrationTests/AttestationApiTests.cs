using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Veil.Shared.Api;
using Veil.Shared.Attestation;
using Veil.Shared.Contracts;
using Veil.Shared.Guests;
using Veil.Testing;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>
/// A tenant's view of attestation through the API: the expected measurement of an SNP server booted on the
/// simulated Genoa host, and the report checker's answers (real stack, real Azurite).
/// </summary>
[Collection(nameof(LocalVeil))]
public sealed class AttestationApiTests(LocalVeil stack)
{
    private static readonly JsonSerializerOptions Json = VeilJson.Options;

    [Fact]
    public async Task AnSnpServer_ShowsTheMeasurementOfItsHostsFirmwareVCpusAndSignature_AndHowToCheckIt()
    {
        var guest = GuestSpecBuilder.NewSnp("attested") with { VCpus = 2 };
        await stack.Servers.CreateAsync("project-attest", guest);
        var server = await stack.SettledAsync("project-attest", guest.ServerId);
        Assert.Equal(ServerStatus.Active, server.Status);
        using var tenant = stack.Api("project-attest");

        var view = (await tenant.GetFromJsonAsync<AttestationView>($"/api/servers/{guest.ServerId}/attestation", Json))!;

        var firmware = OvmfImage.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.HostFixture("genoa-snp"), "usr", "share", "edk2", "ovmf", "OVMF.amdsev.fd")));
        var expected = SnpLaunchDigest.Compute(firmware, new SnpLaunchInputs(2, new CpuSignature(0x00a10f11)));
        Assert.Equal(Convert.ToHexStringLower(expected), view.Expected.Measurement);
        Assert.Equal(Convert.ToBase64String(expected), view.MeasurementBase64);
        Assert.Equal(Convert.ToHexStringLower(ServerHostData.Of(guest.ServerId)), view.Expected.HostData);
        Assert.Equal($"veil-server:{guest.ServerId}", view.HostDataDescriptor);
        Assert.Contains(view.NotCovered, n => n.Contains("config drive", StringComparison.Ordinal));
        Assert.Contains(view.GuestCommands, c => c.StartsWith("snpguest report", StringComparison.Ordinal));
        Assert.Contains("Pin AMD's root", view.Advisory, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnSevServer_HasNoReportToCheck_AndSaysWhy()
    {
        var guest = GuestSpecBuilder.Encrypted("amd-sev") with { ServerId = Guid.NewGuid(), Name = "sev-attest" };
        await stack.Servers.CreateAsync("project-attest", guest);
        await stack.SettledAsync("project-attest", guest.ServerId);
        using var tenant = stack.Api("project-attest");

        var answer = await tenant.GetAsync(new Uri($"/api/servers/{guest.ServerId}/attestation", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        Assert.Contains("only SNP guests get attestation reports", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReportSignedByAKeyAmdNeverIssued_IsCheckedLineByLine_TheChainFails()
    {
        using var pki = new TestPki();
        var nonce = System.Security.Cryptography.RandomNumberGenerator.GetBytes(64);
        var report = pki.Report(new byte[48], reportData: nonce);
        using var tenant = stack.Api("project-attest");

        var answer = await tenant.PostAsJsonAsync("/api/attestation/verify", new VerifyAttestationRequest(Convert.ToBase64String(report), pki.Vcek.ExportCertificatePem(), Convert.ToHexString(nonce)), Json);
        var verdict = (await answer.Content.ReadFromJsonAsync<AttestationVerdictView>(Json))!;

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.False(verdict.Passed);
        Assert.Equal("Milan", verdict.Product);
        Assert.False(verdict.Checks.Single(c => c.Name == "VCEK signed by the ASK").Passed); // Veil's own copy of AMD's Milan ASK did not sign it
        Assert.True(verdict.Checks.Single(c => c.Name == "report signed by the VCEK").Passed);
        Assert.True(verdict.Checks.Single(c => c.Name == "REPORT_DATA is your nonce").Passed); // a nonce is checked without a server too
        Assert.Equal(Convert.ToHexStringLower(new byte[48]), verdict.Fields["measurement"]);
    }

    [Theory]
    [InlineData("""{"report":"AAAA","vcek":"AAAA"}""", "report", "1184 bytes")]
    [InlineData("""{"report":"not base64!","vcek":"AAAA"}""", "report", "base64 or hex")]
    [InlineData("""{"report":"__REPORT__","vcek":"AAAA"}""", "vcek", "not an X.509 certificate")]
    [InlineData("""{"report":"__REPORT__","vcek":"__VCEK__","nonce":"xyz"}""", "nonce", "hex")]
    public async Task MalformedInput_Is400NamingTheField(string body, string field, string says)
    {
        using var pki = new TestPki();
        var json = body.Replace("__REPORT__", Convert.ToBase64String(pki.Report(new byte[48])), StringComparison.Ordinal)
            .Replace("__VCEK__", Convert.ToBase64String(pki.Vcek.RawData), StringComparison.Ordinal);
        using var tenant = stack.Api("project-attest");

        var answer = await tenant.PostAsync(new Uri("/api/attestation/verify", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var problem = await answer.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Contains(says, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
