using System.Diagnostics;
using System.Xml.Linq;
using Veil.HostWorker.Libvirt;
using Veil.Shared.Guests;
using Veil.Testing;

namespace Veil.HostWorker.IntegrationTests;

/// <summary>The P/Invoke layer driven against libvirt's own test:///default hypervisor.</summary>
public sealed class LibvirtConnectionTests : IDisposable
{
    private static readonly GuestHostParameters TestHost = new() { DomainType = "test", CpuMode = null };
    private readonly LibvirtConnection connection = LibvirtConnection.Open("test:///default");

    [Fact]
    public void Versions_TestDriver_ReportLibvirt11()
    {
        Assert.True(connection.LibraryVersion >= new Version(11, 0, 0), $"libvirt {connection.LibraryVersion}");
        Assert.True(connection.HypervisorVersion > new Version(0, 0, 0));
        Assert.Contains("<capabilities>", connection.GetCapabilities(), StringComparison.Ordinal);
        Assert.Contains("<sev supported='no'/>", connection.GetDomainCapabilities(), StringComparison.Ordinal);
    }

    [Fact]
    public void Define_Start_Destroy_Undefine_LifecycleAsLibvirtReportsIt()
    {
        var spec = GuestSpecBuilder.NewSnp("lifecycle");

        using (var domain = connection.Define(GuestDomainXml.Build(spec, TestHost)))
        {
            Assert.Equal(GuestDomainXml.DomainName(spec.ServerId), domain.Name);
            Assert.Equal(spec.ServerId, domain.Uuid);
            Assert.Equal(DomainState.ShutOff, domain.State);
            domain.Start();
            Assert.Equal(DomainState.Running, domain.State);
            domain.Destroy();
            Assert.Equal(DomainState.ShutOff, domain.State);
            domain.Undefine();
        }

        Assert.Null(connection.FindByUuid(spec.ServerId));
    }

    [Fact]
    public void Define_SameUuidTwice_OneDomain()
    {
        var spec = GuestSpecBuilder.NewSnp("twice");
        var xml = GuestDomainXml.Build(spec, TestHost);

        using (connection.Define(xml))
        using (connection.Define(xml))
        {
        }

        var all = connection.ListAllDomains();
        try
        {
            Assert.Single(all, d => d.Uuid == spec.ServerId);
        }
        finally
        {
            foreach (var d in all)
            {
                d.Dispose();
            }
        }
    }

    [Fact]
    public void GetXml_DefinedSnpGuest_RoundTripsLaunchSecurityAndTitle()
    {
        var spec = GuestSpecBuilder.NewSnp("a'<b>&\"c");
        using var domain = connection.Define(GuestDomainXml.Build(spec, TestHost));

        var held = XElement.Parse(domain.GetXml(inactive: true));

        Assert.Equal("a'<b>&\"c", (string?)held.Element("title"));
        var launchSecurity = held.Element("launchSecurity")!;
        Assert.Equal("sev-snp", (string?)launchSecurity.Attribute("type"));
        Assert.Equal("0x00030000", (string?)launchSecurity.Element("policy"));
        using var byName = connection.FindByName(GuestDomainXml.DomainName(spec.ServerId));
        Assert.Equal(spec.ServerId, byName!.Uuid);
    }

    [Fact]
    public void Define_InvalidXml_TypedExceptionWithLibvirtsMessage()
    {
        var error = Assert.Throws<LibvirtInvalidXmlException>(() => connection.Define("<domain type='test'><name>x</name>"));

        Assert.Equal("virDomainDefineXML", error.Operation);
        Assert.False(string.IsNullOrWhiteSpace(error.LibvirtMessage));
        Assert.Contains(error.LibvirtMessage!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Define_SchemaBreakingLaunchSecurity_TypedException()
    {
        const string xml = "<domain type='test'><name>bad-ls</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os>" +
            "<launchSecurity type='sev-snp'/></domain>";

        var error = Assert.ThrowsAny<LibvirtException>(() => connection.Define(xml));

        Assert.Contains("policy", error.LibvirtMessage ?? error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Start_RunningDomain_ExceptionWithLibvirtsReason()
    {
        using var domain = connection.Define(GuestDomainXml.Build(GuestSpecBuilder.NewSnp("running"), TestHost));
        domain.Start();

        // The QEMU driver reports this as VIR_ERR_OPERATION_INVALID, the test driver as an internal error.
        var error = Assert.ThrowsAny<LibvirtException>(domain.Start);

        Assert.Contains("already running", error.LibvirtMessage, StringComparison.OrdinalIgnoreCase);
        domain.Destroy();
        domain.Undefine();
    }

    [Fact]
    public void FindByUuid_Missing_Null()
    {
        Assert.Null(connection.FindByUuid(Guid.NewGuid()));
        Assert.Null(connection.FindByName("no-such-domain"));
    }

    [Fact]
    public void Open_UnknownDriver_ConnectionException()
    {
        var error = Assert.ThrowsAny<LibvirtException>(() => LibvirtConnection.Open("nosuchdriver:///x"));

        Assert.StartsWith("virConnectOpen(nosuchdriver:///x) failed:", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => connection.Dispose();
}
