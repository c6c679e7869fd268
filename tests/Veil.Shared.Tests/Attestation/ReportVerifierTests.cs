using System.Security.Cryptography;
using Veil.Shared.Attestation;
using Veil.Testing;

namespace Veil.Shared.Tests.Attestation;

/// <summary>The report checker: AMD's real certificates, and reports signed by a test hierarchy shaped like AMD's.</summary>
public sealed class ReportVerifierTests : IDisposable
{
    private static readonly byte[] Measurement = Convert.FromHexString("6d287813eb5222d770f75005c664e34c204f385ce832cc2ce7d0d6f354454362f390ef83a92046c042e706363b4b08fa");
    private static readonly byte[] HostData = SHA256.HashData("veil server 0f4c"u8);
    private static readonly byte[] Nonce = RandomNumberGenerator.GetBytes(64);

    private readonly TestPki pki = new();

    private static AttestationExpectations Expected => new(Measurement, 0x30000, HostData, Nonce, Vmpl: 1);

    [Theory]
    [InlineData(AmdProduct.Milan)]
    [InlineData(AmdProduct.Turin)]
    public void AmdsShippedRoots_AreSelfSigned_AndSignTheirAsk(AmdProduct product)
    {
        var (ark, ask) = AmdCertificates.Shipped[product];

        Assert.True(AmdCertificates.SignedBy(ark, ark));
        Assert.True(AmdCertificates.SignedBy(ask, ark));
        Assert.Equal(product, AmdCertificates.ProductOf(ark));
        Assert.Equal(product, AmdCertificates.ProductOf(ask));
    }

    [Fact]
    public void ARealTurinVcek_ChainsToTurinsAsk_NotToMilans_AndCarriesItsTcbAndChipId()
    {
        var vcek = AmdCertificates.Read(File.ReadAllBytes(Path.Combine(RepoPaths.Root, "tests", "fixtures", "attestation", "vcek_turin.der")), "vcek");

        Assert.Equal(AmdProduct.Turin, AmdCertificates.ProductOf(vcek));
        Assert.True(AmdCertificates.SignedBy(vcek, AmdCertificates.Shipped[AmdProduct.Turin].Ask));
        Assert.False(AmdCertificates.SignedBy(vcek, AmdCertificates.Shipped[AmdProduct.Milan].Ask));
        Assert.NotNull(AmdCertificates.TcbOf(vcek)?.Fmc);
        Assert.Equal(8, AmdCertificates.ChipIdOf(vcek)!.Length);
    }

    [Fact]
    public void AGenuineReport_PassesEveryCheck()
    {
        var verdict = Verify(pki.Report(Measurement, hostData: HostData, reportData: Nonce));

        Assert.True(verdict.Passed, string.Join("\n", verdict.Checks.Where(c => !c.Passed)));
        Assert.Equal(AmdProduct.Milan, verdict.Product);
        Assert.Equal(Convert.ToHexStringLower(Measurement), verdict.Fields["measurement"]);
        Assert.Equal(13, verdict.Checks.Count); // six of authenticity, seven against what Veil expects
    }

    [Fact]
    public void AGuestThatBootedOtherFirmware_FailsOnlyTheMeasurement()
    {
        var other = (byte[])Measurement.Clone();
        other[47] ^= 1;

        AssertOnlyFails(Verify(pki.Report(other, hostData: HostData, reportData: Nonce)), "MEASUREMENT is the expected launch digest");
    }

    [Fact]
    public void AGuestLaunchedWithDebugging_FailsThePolicyLines()
    {
        AssertOnlyFails(Verify(pki.Report(Measurement, policy: 0x30000 | (1 << 19), hostData: HostData, reportData: Nonce)), "POLICY: debugging off", "POLICY is the one Veil launched with");
    }

    [Fact]
    public void AReportForAnotherServerOrAnOldNonce_FailsThoseLines()
    {
        AssertOnlyFails(Verify(pki.Report(Measurement, hostData: new byte[32], reportData: new byte[64])), "HOST_DATA is the one Veil set", "REPORT_DATA is your nonce");
    }

    [Fact]
    public void AChangedSignatureByte_FailsTheReportSignature()
    {
        var report = pki.Report(Measurement, hostData: HostData, reportData: Nonce);
        report[0x2a0 + 5] ^= 0x40;

        AssertOnlyFails(Verify(report), "report signed by the VCEK");
    }

    [Fact]
    public void AFieldChangedAfterSigning_FailsTheSignatureAndThatField()
    {
        var report = pki.Report(Measurement, hostData: HostData, reportData: Nonce);
        report[0x090] ^= 1;

        AssertOnlyFails(Verify(report), "report signed by the VCEK", "MEASUREMENT is the expected launch digest");
    }

    [Fact]
    public void AVcekFromAnotherHierarchy_FailsItsChainLine()
    {
        var report = pki.Report(Measurement, hostData: HostData, reportData: Nonce);

        AssertOnlyFails(ReportVerifier.Verify(AttestationReport.Parse(report), pki.VcekSignedByAStranger(), pki.Roots, Expected), "VCEK signed by the ASK");
    }

    [Fact]
    public void AReportFromAnotherChip_FailsTheChipId()
    {
        var report = pki.Report(Measurement, hostData: HostData, reportData: Nonce);
        report[0x1a0] ^= 1;
        pki.Sign(report);

        AssertOnlyFails(Verify(report), "CHIP_ID is the VCEK's");
    }

    [Theory]
    [InlineData(1u, 1u, null)]
    [InlineData(0u, 1u, "VMPL is the one asked for")]
    [InlineData(3u, null, null)]
    [InlineData(4u, null, "VMPL is one a guest at VMPL 0 can ask for")]
    public void TheReportsVmpl_IsTheOneAskedFor_OrAtLeastOneAGuestCanAskFor(uint inReport, uint? asked, string? fails)
    {
        var verdict = ReportVerifier.Verify(AttestationReport.Parse(pki.Report(Measurement, hostData: HostData, reportData: Nonce, vmpl: inReport)), pki.Vcek, pki.Roots, Expected with { Vmpl = asked });

        Assert.Equal(fails is null ? [] : [fails], verdict.Checks.Where(c => !c.Passed).Select(c => c.Name));
    }

    [Fact]
    public void WithoutExpectations_OnlyAuthenticityIsChecked()
    {
        var verdict = ReportVerifier.Verify(AttestationReport.Parse(pki.Report(Measurement)), pki.Vcek, pki.Roots);

        Assert.True(verdict.Passed);
        Assert.Equal(6, verdict.Checks.Count);
    }

    [Fact]
    public void AReportAsHex_ReadsAsItsBytes()
    {
        var report = pki.Report(Measurement, hostData: HostData, reportData: Nonce);
        var hex = System.Text.Encoding.ASCII.GetBytes(string.Join("\n", Convert.ToHexStringLower(report).Chunk(64).Select(c => new string(c))));

        Assert.True(ReportVerifier.Verify(AttestationReport.Parse(hex), pki.Vcek, pki.Roots, Expected).Passed);
    }

    [Fact]
    public void MalformedInput_IsAnErrorNamingTheInputAndTheProblem()
    {
        var report = pki.Report(Measurement);
        var version = (byte[])report.Clone();
        version[0] = 9;
        var algorithm = (byte[])report.Clone();
        algorithm[0x034] = 2;

        Assert.Contains("1183 bytes", Refused(() => AttestationReport.Parse(report[..^1]), "report"), StringComparison.Ordinal);
        Assert.Contains("version 9", Refused(() => AttestationReport.Parse(version), "report"), StringComparison.Ordinal);
        Assert.Contains("signature algorithm is 2", Refused(() => AttestationReport.Parse(algorithm), "report"), StringComparison.Ordinal);
        Assert.Contains("not an X.509 certificate", Refused(() => AmdCertificates.Read([0x30, 0x03, 1, 2, 3], "vcek"), "vcek"), StringComparison.Ordinal);
        Assert.Contains("Veil ships AMD's root for Milan only", Refused(() => ReportVerifier.Verify(AttestationReport.Parse(report), new TestPki("Turin").Vcek, pki.Roots), "vcek"), StringComparison.Ordinal);
    }

    [Fact]
    public void AChainTheTenantSends_MustBeTheVceksProductAndThePinnedRoot()
    {
        var turin = AmdCertificates.Shipped[AmdProduct.Turin];
        var stranger = new TestPki();
        var report = AttestationReport.Parse(pki.Report(Measurement));

        Assert.Contains("the chain is for Turin, the VCEK for Milan", Refused(() => ReportVerifier.Verify(report, pki.Vcek, pki.Roots, chain: [turin.Ask, turin.Ark]), "chain"), StringComparison.Ordinal);
        Assert.Contains("is not AMD's Milan root", Refused(() => ReportVerifier.Verify(report, pki.Vcek, pki.Roots, chain: [stranger.Ask, stranger.Ark]), "chain"), StringComparison.Ordinal);
        Assert.True(ReportVerifier.Verify(report, pki.Vcek, pki.Roots, chain: [pki.Ask, pki.Ark]).Passed);
    }

    /// <summary>Property: a report with any bytes changed is read and checked, or refused naming the report; nothing else.</summary>
    [Fact]
    public void ThreeThousandMutatedReports_AreCheckedOrRefused_NeverAnythingElse()
    {
        var genuine = pki.Report(Measurement, hostData: HostData, reportData: Nonce);
        var random = new Random(2026);
        var (failed, refused) = (0, 0);
        for (var i = 0; i < 3000; i++)
        {
            var report = (byte[])genuine.Clone();
            if (random.Next(10) == 0)
            {
                report = report[..random.Next(report.Length)];
            }

            for (var n = random.Next(1, 4); n > 0 && report.Length > 0; n--)
            {
                report[random.Next(report.Length)] ^= (byte)(1 << random.Next(8));
            }

            try
            {
                failed += Verify(report).Passed ? 0 : 1;
            }
            catch (AttestationFormatException e)
            {
                Assert.Equal("report", e.Input);
                refused++;
            }
        }

        Assert.True(failed > 2000 && refused > 100, $"{failed} failed a check, {refused} refused");
    }

    public void Dispose() => pki.Dispose();

    private AttestationVerdict Verify(byte[] report) => ReportVerifier.Verify(AttestationReport.Parse(report), pki.Vcek, pki.Roots, Expected);

    private static void AssertOnlyFails(AttestationVerdict verdict, params string[] lines) =>
        Assert.Equal(lines.Order(), verdict.Checks.Where(c => !c.Passed).Select(c => c.Name).Order());

    private static string Refused(Action read, string input)
    {
        var error = Assert.Throws<AttestationFormatException>(read);
        Assert.Equal(input, error.Input);
        return error.Message;
    }
}
