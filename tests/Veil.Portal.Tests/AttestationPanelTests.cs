using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Veil.Portal.Components.Servers;

namespace Veil.Portal.Tests;

/// <summary>An SNP server's attestation on its page: what to check a report against, and the checker's verdict.</summary>
public sealed class AttestationPanelTests : BunitTest
{
    private static readonly Guid Id = Guid.Parse("6c3d2c57-5b1e-4b1f-9a3e-0d9f5f6a7b01");
    private const string Measurement = "6d287813eb5222d770f75005c664e34c204f385ce832cc2ce7d0d6f354454362f390ef83a92046c042e706363b4b08fa";

    public AttestationPanelTests()
    {
        Api.Answers[$"/api/servers/{Id}/attestation"] = $$"""
            {"serverId":"{{Id}}","expected":{"measurement":"{{Measurement}}","firmwarePath":"/usr/share/edk2/ovmf/OVMF.amdsev.fd","firmwareSha256":"8f765dfabc127fc0a938a0744a3103ec15864d7d794eb4c398aa976b6d6ab16c","vCpus":2,"cpuSignature":"0x00a10f11","sevFeatures":"0x1","policy":"0x00030000","hostData":"{{new string('a', 64)}}"},
             "measurementBase64":"bSh4E+tSItdw91AFxmTjTCBPOFzoMsws59DW81RFQ2LzkO+DqSBGwELnBjY7SwiP","hostDataDescriptor":"veil-server:{{Id}}",
             "covers":["the firmware file"],"notCovered":["the config drive: metadata, user data and SSH keys"],"guestCommands":["snpguest report report.bin request.bin --random"],"advisory":"Advisory: pin AMD's root yourself."}
            """;
    }

    [Fact]
    public void ShowsTheMeasurementItsInputsWhatItDoesNotCover_AndTheGuestCommands()
    {
        var panel = Render<AttestationPanel>(p => p.Add(x => x.ServerId, Id));

        panel.WaitForAssertion(() => Assert.Equal(Measurement, panel.Find("[data-testid=attestation-measurement]").TextContent));
        Assert.Contains("0x00a10f11", panel.Find("[data-testid=attestation-inputs]").TextContent, StringComparison.Ordinal);
        Assert.Contains($"veil-server:{Id}", panel.Find("[data-testid=attestation-host-data]").TextContent, StringComparison.Ordinal);
        Assert.Contains("config drive", panel.Find("[data-testid=attestation-not-covered]").TextContent, StringComparison.Ordinal);
        Assert.Contains("snpguest report", panel.Find("[data-testid=attestation-commands]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void UploadedReportAndVcek_AreSentToTheChecker_AndEachCheckIsShownPassedOrFailed()
    {
        Api.Answers[$"/api/servers/{Id}/attestation/verify"] = """
            {"passed":false,"product":"Milan","checks":[{"name":"report signed by the VCEK","passed":true,"expected":"valid","actual":"bytes"},{"name":"MEASUREMENT is the expected launch digest","passed":false,"expected":"aa","actual":"bb"}],"fields":{},"advisory":"Advisory: pin AMD's root yourself."}
            """;
        var panel = Render<AttestationPanel>(p => p.Add(x => x.ServerId, Id));
        panel.WaitForElement("[data-testid=attestation-measurement]");
        var uploads = panel.FindComponents<InputFile>();

        uploads[0].UploadFiles(InputFileContent.CreateFromBinary(new byte[1184], "report.bin"));
        uploads[1].UploadFiles(InputFileContent.CreateFromText("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "vcek.pem"));
        panel.Find("[data-testid=attestation-verify]").Click();

        panel.WaitForAssertion(() => Assert.Contains("1 of 2 checks failed", panel.Find("[data-testid=attestation-verdict]").TextContent, StringComparison.Ordinal));
        Assert.Contains("MEASUREMENT", panel.Find("[data-testid=check-failed]").TextContent, StringComparison.Ordinal);
        Assert.Single(panel.FindAll("[data-testid=check-passed]"));
        var sent = Api.Bodies[$"/api/servers/{Id}/attestation/verify"];
        Assert.Contains(Convert.ToBase64String(new byte[1184]), sent, StringComparison.Ordinal);
        Assert.Contains("BEGIN CERTIFICATE", sent, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUploadTooLargeToBeAReport_IsRefusedNamingItsSize()
    {
        var panel = Render<AttestationPanel>(p => p.Add(x => x.ServerId, Id));
        panel.WaitForElement("[data-testid=attestation-measurement]");

        panel.FindComponents<InputFile>()[0].UploadFiles(InputFileContent.CreateFromBinary(new byte[100_000], "disk.img"));

        panel.WaitForAssertion(() => Assert.Contains("disk.img is 100000 bytes", panel.Find("[data-testid=attestation-refused]").TextContent, StringComparison.Ordinal));
        Assert.True(panel.Find("[data-testid=attestation-verify]").HasAttribute("disabled"));
    }
}
