using System.Xml.Linq;
using Veil.Shared.Guests;
using Veil.Shared.MemoryEncryption;
using static Veil.Testing.GuestSpecBuilder;

namespace Veil.Shared.Tests.Guests;

public sealed class GuestDomainXmlTests
{
    private static XElement Build(GuestSpec spec, GuestHostParameters? host = null) =>
        XElement.Parse(GuestDomainXml.Build(spec, host ?? Host));

    private static IEnumerable<XElement> VirtioDevices(XElement domain)
    {
        var devices = domain.Element("devices")!;
        return devices.Elements("interface").Where(e => (string?)e.Element("model")?.Attribute("type") == "virtio")
            .Concat(devices.Elements("controller").Where(e => ((string?)e.Attribute("model"))?.StartsWith("virtio", StringComparison.Ordinal) == true))
            .Concat(devices.Elements("rng").Where(e => (string?)e.Attribute("model") == "virtio"))
            .Concat(devices.Elements("memballoon").Where(e => (string?)e.Attribute("model") == "virtio"))
            .Concat(devices.Elements("video").Where(e => (string?)e.Element("model")?.Attribute("type") == "virtio"))
            .Concat(devices.Elements("disk").Where(e => (string?)e.Element("target")?.Attribute("bus") == "virtio"));
    }

    [Theory]
    [InlineData("amd-sev", "0x0033")]
    [InlineData("amd-sev-es", "0x0037")]
    public void Build_SevAndSevEs_LaunchSecuritySevWithPolicyAndLockedMemory(string model, string policy)
    {
        var domain = Build(Encrypted(model));

        var launchSecurity = domain.Element("launchSecurity")!;
        Assert.Equal("sev", (string?)launchSecurity.Attribute("type"));
        Assert.Equal(policy, (string?)launchSecurity.Element("policy"));
        Assert.Null(launchSecurity.Element("cbitpos"));
        Assert.Null(launchSecurity.Element("reducedPhysBits"));
        Assert.NotNull(domain.Element("memoryBacking")!.Element("locked"));
        Assert.Null(domain.Element("os")!.Element("loader"));
    }

    [Fact]
    public void Build_Snp_LaunchSecuritySevSnpWithoutLockedMemoryAndStatelessLoader()
    {
        var domain = Build(Encrypted("amd-sev-snp"));

        var launchSecurity = domain.Element("launchSecurity")!;
        Assert.Equal("sev-snp", (string?)launchSecurity.Attribute("type"));
        Assert.Equal("no", (string?)launchSecurity.Attribute("authorKey"));
        Assert.Equal("yes", (string?)launchSecurity.Attribute("vcek"));
        Assert.Equal("no", (string?)launchSecurity.Attribute("kernelHashes"));
        Assert.Equal("0x00030000", (string?)launchSecurity.Element("policy"));
        Assert.Null(domain.Element("memoryBacking"));
        Assert.Equal("yes", (string?)domain.Element("os")!.Element("loader")!.Attribute("stateless"));
    }

    [Fact]
    public void Build_SnpDirectKernelBoot_KernelHashesYesAndNoBootDevice()
    {
        var domain = Build(Encrypted("amd-sev-snp", ("kernel_id", "k-1"), ("ramdisk_id", "r-1"), ("os_command_line", "console=ttyS0")));

        Assert.Equal("yes", (string?)domain.Element("launchSecurity")!.Attribute("kernelHashes"));
        var os = domain.Element("os")!;
        Assert.EndsWith("/0b5e3f0c-3a1d-4c4e-9a57-8d3b2f7c6e01/kernel", (string?)os.Element("kernel"), StringComparison.Ordinal);
        Assert.EndsWith("/initrd", (string?)os.Element("initrd"), StringComparison.Ordinal);
        Assert.Equal("console=ttyS0", (string?)os.Element("cmdline"));
        Assert.Null(os.Element("boot"));
    }

    [Theory]
    [InlineData("amd-sev")]
    [InlineData("amd-sev-es")]
    [InlineData("amd-sev-snp")]
    public void Build_Encrypted_Q35UefiAndIommuOnEveryVirtioDevice(string model)
    {
        var domain = Build(Encrypted(model) with { ConfigDrive = true });

        var os = domain.Element("os")!;
        Assert.Equal("efi", (string?)os.Attribute("firmware"));
        Assert.Equal("q35", (string?)os.Element("type")!.Attribute("machine"));
        var virtio = VirtioDevices(domain).ToList();
        Assert.Equal(5, virtio.Count);
        Assert.All(virtio, d => Assert.Equal("on", (string?)d.Element("driver")?.Attribute("iommu")));
        Assert.Null(domain.Element("features")!.Element("vmcoreinfo"));
    }

    [Theory]
    [InlineData("amd-sev")]
    [InlineData("amd-sev-snp")]
    public void Build_Encrypted_BootDiskOnVirtioScsiAndNoIde(string model)
    {
        var domain = Build(Encrypted(model) with { ConfigDrive = true });

        var disks = domain.Element("devices")!.Elements("disk").ToList();
        Assert.All(disks, d => Assert.Equal("scsi", (string?)d.Element("target")!.Attribute("bus")));
        Assert.Equal(["sda", "sdb"], disks.Select(d => (string)d.Element("target")!.Attribute("dev")!));
        Assert.Equal("cdrom", (string?)disks[1].Attribute("device"));
        Assert.Equal("virtio-scsi", (string?)domain.Element("devices")!.Element("controller")!.Attribute("model"));
        Assert.DoesNotContain(domain.Descendants("target"), t => (string?)t.Attribute("bus") == "ide");
    }

    [Fact]
    public void Build_EncryptedSataImage_BootDiskOnSata()
    {
        var domain = Build(Encrypted("amd-sev", ("hw_disk_bus", "sata")));

        Assert.Equal("sata", (string?)domain.Element("devices")!.Element("disk")!.Element("target")!.Attribute("bus"));
        Assert.Null(domain.Element("devices")!.Element("controller"));
    }

    [Fact]
    public void Build_Plain_NoLaunchSecurityNoIommuAndVirtioBlk()
    {
        var domain = Build(Plain());

        Assert.Null(domain.Element("launchSecurity"));
        Assert.Null(domain.Element("memoryBacking"));
        Assert.Null(domain.Element("os")!.Attribute("firmware"));
        Assert.Equal("virtio", (string?)domain.Element("devices")!.Element("disk")!.Element("target")!.Attribute("bus"));
        Assert.DoesNotContain(domain.Descendants("driver"), d => d.Attribute("iommu") is not null);
    }

    [Fact]
    public void Build_OldLibvirt_WritesCbitposAndReducedPhysBits()
    {
        var host = Host with { LibvirtVersion = new Version(6, 8, 0), CBitPos = 47, ReducedPhysBits = 1 };

        var launchSecurity = Build(Encrypted("amd-sev"), host).Element("launchSecurity")!;

        Assert.Equal(["cbitpos", "reducedPhysBits", "policy"], launchSecurity.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("47", (string?)launchSecurity.Element("cbitpos"));
        Assert.Equal("1", (string?)launchSecurity.Element("reducedPhysBits"));
    }

    [Fact]
    public void Build_OldLibvirtWithoutCbitpos_RefusedSayingWhy()
    {
        var host = Host with { LibvirtVersion = new Version(6, 0, 0) };

        var error = Assert.Throws<InvalidGuestSpecException>(() => GuestDomainXml.Build(Encrypted("amd-sev"), host));

        Assert.Contains("older than 6.9.0 and needs cbitpos and reducedPhysBits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_RuleBreakingRequest_ThrowsTheResolversError()
    {
        var spec = Encrypted("amd-sev", ("hw_disk_bus", "virtio"));

        var error = Assert.Throws<MemoryEncryptionRequestException>(() => GuestDomainXml.Build(spec, Host));

        Assert.Equal(MemoryEncryptionProblemCode.VirtioBlkBootDisk, Assert.Single(error.Problems).Code);
    }

    [Fact]
    public void Build_HostileText_EscapedByTheWriterAndReadBackUnchanged()
    {
        const string hostile = "a'<b>&\"c]]><!--";
        var spec = Plain(hostile) with { Metadata = new Dictionary<string, string> { ["k<"] = hostile } };

        var xml = GuestDomainXml.Build(spec, Host);
        var domain = XElement.Parse(xml);

        Assert.DoesNotContain("<b>", xml, StringComparison.Ordinal);
        Assert.Equal(hostile, (string?)domain.Element("title"));
        Assert.Equal("veil-0b5e3f0c-3a1d-4c4e-9a57-8d3b2f7c6e01", (string?)domain.Element("name"));
        Assert.Equal(hostile, domain.Descendants(GuestDomainXml.MetadataNamespace + "item").Single().Value);
    }

    [Theory]
    [InlineData("two\nlines", "server name contains a control character")]
    [InlineData("", "server name is empty")]
    public void Build_UnusableName_RefusedNamingTheField(string name, string expected)
    {
        var error = Assert.Throws<InvalidGuestSpecException>(() => GuestDomainXml.Build(Plain(name), Host));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NameWithLoneSurrogate_RefusedNamingTheField()
    {
        // Not an [InlineData] case: attribute arguments are stored as UTF-8, which turns a lone surrogate into U+FFFD.
        var error = Assert.Throws<InvalidGuestSpecException>(() => GuestDomainXml.Build(Plain("bad\ud800name"), Host));

        Assert.Contains("server name contains a character XML cannot carry", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_BadSizesAndBus_RefusedListingEveryProblem()
    {
        var spec = Plain() with
        {
            VCpus = 0,
            MemoryMiB = 1,
            DiskGiB = -5,
            ImageProperties = new Dictionary<string, string> { ["hw_disk_bus"] = "floppy" },
        };

        var error = Assert.Throws<InvalidGuestSpecException>(() => GuestDomainXml.Build(spec, Host));

        Assert.Equal(4, error.Problems.Count);
        Assert.Contains("vCPUs is 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("memory is 1 MiB", error.Message, StringComparison.Ordinal);
        Assert.Contains("disk is -5 GiB", error.Message, StringComparison.Ordinal);
        Assert.Contains("hw_disk_bus='floppy' is not a disk bus", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UefiGuest_FirmwareWithoutSecureBootUnlessTheImageRequiresIt()
    {
        var plain = Build(Plain() with { ImageProperties = new Dictionary<string, string> { ["hw_firmware_type"] = "uefi" } });
        var secure = Build(Plain() with { ImageProperties = new Dictionary<string, string> { ["hw_firmware_type"] = "uefi", ["os_secure_boot"] = "required" } });

        static string[] Features(XElement domain) => [.. domain.Element("os")!.Element("firmware")!.Elements("feature").Select(f => $"{f.Attribute("name")?.Value}={f.Attribute("enabled")?.Value}")];
        Assert.Equal(["secure-boot=no", "enrolled-keys=no"], Features(plain));
        Assert.Equal(["secure-boot=yes", "enrolled-keys=yes"], Features(secure));
        Assert.NotNull(secure.Element("features")!.Element("smm"));
        Assert.Null(plain.Element("features")!.Element("smm"));
        Assert.Null(Build(Plain()).Element("os")!.Element("firmware"));
    }

    [Theory]
    [InlineData(GuestNetworkType.Network, "default", "network", "default")]
    [InlineData(GuestNetworkType.Bridge, "br0", "bridge", "br0")]
    [InlineData(GuestNetworkType.User, null, null, null)]
    public void Build_InterfaceFromTheHostsNetwork(GuestNetworkType type, string? source, string? attribute, string? value)
    {
        var domain = Build(Plain(), Host with { Network = new GuestNetwork(type, source) });

        var nic = domain.Element("devices")!.Element("interface")!;
        Assert.Equal(type.ToString().ToLowerInvariant(), (string?)nic.Attribute("type"));
        Assert.Equal(value, attribute is null ? nic.Element("source")?.ToString() : (string?)nic.Element("source")!.Attribute(attribute));
    }

    [Fact]
    public void Build_DiskConsoleAndKernel_AreTheInstanceFilesTheHostMakes()
    {
        var files = new InstanceFiles(Host.InstancesPath, DefaultServerId);
        var kernel = new ImageFile("file:///images/vmlinuz", 10, new string('a', 64));
        var domain = Build(Plain() with { Image = new GuestImage(Kernel: kernel, Initrd: kernel) });

        var devices = domain.Element("devices")!;
        Assert.Equal(files.Disk, (string?)devices.Element("disk")!.Element("source")!.Attribute("file"));
        Assert.Equal("file", (string?)devices.Element("serial")!.Attribute("type"));
        Assert.Equal(files.ConsoleLog, (string?)devices.Element("serial")!.Element("source")!.Attribute("path"));
        Assert.Equal(files.Kernel, (string?)domain.Element("os")!.Element("kernel"));
        Assert.Equal(files.Initrd, (string?)domain.Element("os")!.Element("initrd"));
        Assert.Null(domain.Element("os")!.Element("boot"));
    }
}
