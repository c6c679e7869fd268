using Veil.Shared.Hosts;
using static Veil.Shared.MemoryEncryption.MemoryEncryptionModel;

namespace Veil.Shared.Tests.Hosts;

public sealed class StartupValidationTests
{
    private static readonly HostCapabilities Genoa = HostCapabilityRules.Evaluate(HostFixture.Load("genoa-snp"));

    private static DefinedGuest Guest(string name, string? type, string policy)
    {
        var launchSecurity = type is null ? "" : $"<launchSecurity type='{type}'><policy>{policy}</policy></launchSecurity>";
        return DefinedGuest.FromDomainXml($"<domain type='kvm'><name>{name}</name><uuid>{Guid.NewGuid()}</uuid>{launchSecurity}</domain>")!;
    }

    [Fact]
    public void Refusal_SnpHostWithSevEsGuests_RefusesWithTheSpecsMessage()
    {
        var refusal = StartupValidation.Refusal(Genoa, [Guest("es-2", "sev", "0x0037"), Guest("es-1", "sev", "0x0037"), Guest("plain", null, "")]);

        Assert.Equal(
            "Refusing to start: SEV-SNP is enabled on host genoa-snp, but it has 2 guests with SEV-ES encryption (es-1, es-2). " +
            "Firmware that enables SEV-SNP disables SEV-ES (CVE-2025-48514), so these guests cannot run here. " +
            "Disable SEV-SNP in the BIOS, or migrate or delete these SEV-ES guests before enabling SEV-SNP. Nothing on the host was changed.",
            refusal);
    }

    [Fact]
    public void Refusal_SnpHostWithSevAndSnpGuests_Starts()
    {
        Assert.Null(StartupValidation.Refusal(Genoa, [Guest("sev", "sev", "0x0033"), Guest("snp", "sev-snp", "0x00030000"), Guest("plain", null, "")]));
    }

    [Fact]
    public void Refusal_HostThatLostSev_RefusesNamingTheFailingLines()
    {
        var intel = HostCapabilityRules.Evaluate(HostFixture.Load("intel-none"));

        var refusal = StartupValidation.Refusal(intel, [Guest("old-sev", "sev", "0x0033")]);

        Assert.NotNull(refusal);
        Assert.StartsWith("Refusing to start: Host intel-none has 1 guest with SEV encryption (old-sev), but no longer supports SEV (", refusal, StringComparison.Ordinal);
        Assert.Contains("domcaps.sev: supported='no'", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<domain><name>x</name><launchSecurity type='sev'><policy>55</policy></launchSecurity></domain>", AmdSevEs)]
    [InlineData("<domain><name>x</name><launchSecurity type='sev'><policy>0x33</policy></launchSecurity></domain>", AmdSev)]
    [InlineData("<domain><name>x</name><launchSecurity type='sev-snp'><policy>0x30000</policy></launchSecurity></domain>", AmdSevSnp)]
    [InlineData("<domain><name>x</name></domain>", null)]
    public void FromDomainXml_LaunchSecurity_GivesTheModel(string xml, Veil.Shared.MemoryEncryption.MemoryEncryptionModel? model)
    {
        Assert.Equal(model, DefinedGuest.FromDomainXml(xml)!.Model);
    }

    [Fact]
    public void FromDomainXml_LaunchSecurityAsWritten_ForThePortalsServerPage()
    {
        var snp = DefinedGuest.FromDomainXml("<domain><name>x</name><launchSecurity type='sev-snp'><policy> 0x00030000 </policy></launchSecurity></domain>")!;
        var plain = DefinedGuest.FromDomainXml("<domain><name>x</name></domain>")!;

        Assert.Equal(("sev-snp", "0x00030000"), (snp.LaunchSecurityType, snp.Policy));
        Assert.Equal((null, null), (plain.LaunchSecurityType, plain.Policy));
    }

    [Theory]
    [InlineData("")]
    [InlineData("<domain>")]
    [InlineData("<!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><domain>&x;</domain>")]
    public void FromDomainXml_Unreadable_Null(string xml)
    {
        Assert.Null(DefinedGuest.FromDomainXml(xml));
    }
}
