using Veil.HostWorker.Libvirt;
using Veil.Shared.Guests;
using Veil.Testing;
using static Veil.Testing.GuestSpecBuilder;

namespace Veil.RealHost.IntegrationTests;

/// <summary>
/// Every shape of domain XML Veil writes, given to the real QEMU driver (libvirt 11, QEMU 10): much stricter than the
/// test driver, it checks devices, buses, firmware and launch security against what this QEMU can do.
/// </summary>
public sealed class RealDriverXmlTests(RealDaemon real) : IClassFixture<RealDaemon>
{
    public static TheoryData<string, string?, bool> PlainShapes() => new()
    {
        { "bios", null, false },
        { "bios", null, true },
        { "bios", "scsi", true },
        { "bios", "sata", false },
        { "uefi", null, false },
        { "uefi", "scsi", true },
        { "direct-kernel", null, false },
        { "direct-kernel", "sata", true },
    };

    [Theory]
    [MemberData(nameof(PlainShapes))]
    public void PlainShape_DefinedByTheRealDriver(string boot, string? diskBus, bool configDrive)
    {
        var image = new Dictionary<string, string>();
        if (boot == "uefi")
        {
            image["hw_firmware_type"] = "uefi";
        }

        if (diskBus is not null)
        {
            image["hw_disk_bus"] = diskBus;
        }

        var kernel = new ImageFile("file:///boot/vmlinuz", 1, new string('0', 64));
        var spec = Plain(serverId: Guid.NewGuid()) with
        {
            ImageProperties = image,
            ConfigDrive = configDrive,
            Image = boot == "direct-kernel" ? new GuestImage(Kernel: kernel, Initrd: kernel) : null,
        };
        using var connection = LibvirtConnection.Open(real.Daemon.Uri);

        using var domain = connection.Define(GuestDomainXml.Build(spec, RealDaemon.Tcg));
        var defined = domain.GetXml(inactive: true);
        domain.Undefine();

        Assert.Contains($"<uuid>{spec.ServerId}</uuid>", defined, StringComparison.Ordinal);
        Assert.Contains("<interface type='user'>", defined, StringComparison.Ordinal);
        if (boot == "uefi")
        {
            // Firmware auto-selection took the descriptor without Secure Boot.
            Assert.Contains("<feature enabled='no' name='secure-boot'/>", defined, StringComparison.Ordinal);
        }
    }
}
