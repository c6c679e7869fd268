using System.Xml.Linq;
using Veil.Shared.Guests;
using Veil.Testing;
using Veil.Shared.MemoryEncryption;

namespace Veil.Shared.IntegrationTests;

/// <summary>
/// Every shape of XML the builder produces is accepted by libvirt 11: by its schema and by defining it through the
/// test:///default driver, which runs the same parser and validation as the QEMU driver's define.
/// </summary>
public sealed class GuestDomainXmlLibvirtTests : IDisposable
{
    private static readonly GuestHostParameters TestHost = new() { DomainType = "test", CpuMode = null };
    private readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("veil-xml-");

    public static TheoryData<string?, bool, bool, string?, bool> Shapes()
    {
        var data = new TheoryData<string?, bool, bool, string?, bool>();
        foreach (var model in new string?[] { null, "amd-sev", "amd-sev-es", "amd-sev-snp" })
        {
            foreach (var directKernel in new[] { false, true })
            {
                foreach (var configDrive in new[] { false, true })
                {
                    foreach (var diskBus in new string?[] { null, "sata" })
                    {
                        data.Add(model, directKernel, configDrive, diskBus, false);
                    }
                }
            }

            if (model is "amd-sev" or "amd-sev-es")
            {
                data.Add(model, false, false, null, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Build_AnyShape_IsValidAndDefinableByLibvirt(string? model, bool directKernel, bool configDrive, string? diskBus, bool oldLibvirt)
    {
        var image = new Dictionary<string, string>();
        var flavor = new Dictionary<string, string>();
        if (model is not null)
        {
            flavor["hw:mem_encryption"] = "true";
            flavor["hw:mem_encryption_model"] = model;
            image["hw_firmware_type"] = "uefi";
            image["hw_firmware_stateless"] = model == "amd-sev-snp" ? "true" : "false";
        }

        if (directKernel)
        {
            image["kernel_id"] = "3f1a9a52-1f6e-4a35-9a0f-6f2a5a1c3b10";
            image["ramdisk_id"] = "a4b1f8a1-4f1d-4c6d-8b2e-2f8d0c7e9a11";
            image["os_command_line"] = "console=ttyS0 root=/dev/sda1";
        }

        if (diskBus is not null)
        {
            image["hw_disk_bus"] = diskBus;
        }

        var host = oldLibvirt ? TestHost with { LibvirtVersion = new Version(6, 0, 0), CBitPos = 47, ReducedPhysBits = 1 } : TestHost;
        var spec = Guest("shape") with { FlavorExtraSpecs = flavor, ImageProperties = image, ConfigDrive = configDrive };

        var held = DefineAndReadBack(GuestDomainXml.Build(spec, host), spec.ServerId);

        var launchSecurity = held.Root!.Element("launchSecurity");
        if (model is null)
        {
            Assert.Null(launchSecurity);
        }
        else
        {
            var info = MemoryEncryptionModels.All.Single(m => m.Name == model);
            Assert.Equal(info.LaunchSecurityType, (string?)launchSecurity!.Attribute("type"));
            Assert.Equal(info.Policy, Convert.ToUInt32((string)launchSecurity.Element("policy")!, 16));
            Assert.Equal(info.LocksMemory, held.Root.Element("memoryBacking")?.Element("locked") is not null);
        }
    }

    [Theory]
    [InlineData("a'<b>&\"c")]
    [InlineData("]]><!-- not a comment --><![CDATA[")]
    [InlineData("名前 with ünïcødé and emoji 🚀")]
    [InlineData("&amp; already escaped &lt;")]
    public void Build_HostileName_RoundTripsUnchangedThroughLibvirt(string name)
    {
        var spec = Guest(name) with
        {
            FlavorExtraSpecs = new Dictionary<string, string> { ["hw:mem_encryption"] = "true", ["hw:mem_encryption_model"] = "amd-sev-snp" },
            ImageProperties = new Dictionary<string, string> { ["hw_firmware_type"] = "uefi", ["hw_firmware_stateless"] = "true" },
            Metadata = new Dictionary<string, string> { [name] = name },
        };

        var held = DefineAndReadBack(GuestDomainXml.Build(spec, TestHost), spec.ServerId);

        Assert.Equal(name, (string?)held.Root!.Element("title"));
        var veil = held.Root.Element("metadata")!.Element(GuestDomainXml.MetadataNamespace + "instance")!;
        Assert.Equal(name, (string?)veil.Element(GuestDomainXml.MetadataNamespace + "name"));
        var item = veil.Element(GuestDomainXml.MetadataNamespace + "metadata")!.Element(GuestDomainXml.MetadataNamespace + "item")!;
        Assert.Equal(name, (string?)item.Attribute("key"));
        Assert.Equal(name, item.Value);
    }

    public void Dispose() => scratch.Delete(recursive: true);

    private static GuestSpec Guest(string name) => GuestSpecBuilder.Plain(name, Guid.NewGuid());

    private XDocument DefineAndReadBack(string xml, Guid serverId)
    {
        var path = Path.Combine(scratch.FullName, $"{serverId}.xml");
        File.WriteAllText(path, xml);

        var validation = Virsh.Validate(path);
        Assert.True(validation.ExitCode == 0, $"virt-xml-validate rejected the XML: {validation.Error}{validation.Output}\n{xml}");

        var defined = Virsh.DefineAndDump(path, GuestDomainXml.DomainName(serverId));
        Assert.True(defined.ExitCode == 0, $"libvirt's test driver refused the XML: {defined.Error}\n{xml}");
        return XDocument.Parse(defined.Output);
    }
}
