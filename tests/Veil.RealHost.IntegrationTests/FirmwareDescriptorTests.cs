using Veil.HostWorker.Libvirt;
using Veil.Shared.Guests;
using Veil.Testing;
using static Veil.Testing.GuestSpecBuilder;

namespace Veil.RealHost.IntegrationTests;

/// <summary>
/// The firmware descriptors the operator guide has an SEV host install (<c>infra/firmware/</c>), given to the real
/// QEMU driver with Veil's encrypted XML. Without them libvirt finds no firmware for SEV-ES and SNP; with them it
/// selects firmware for all three models and stops only at this QEMU's own check — this machine has no SEV — so
/// what is left for a real SEV host is the hardware, not the XML or the descriptors. (A daemon of its own: the
/// descriptors would change what plain UEFI guests of other tests are given.)
/// </summary>
public sealed class FirmwareDescriptorTests(RealDaemon real) : IClassFixture<RealDaemon>
{
    private const string NoFirmware = "Unable to find 'efi' firmware that is compatible with the current configuration";

    private string DefineFails(string model)
    {
        using var connection = LibvirtConnection.Open(real.Daemon.Uri);
        var spec = Encrypted(model) with { ServerId = Guid.NewGuid() };
        var refused = Assert.ThrowsAny<LibvirtException>(() => connection.Define(GuestDomainXml.Build(spec, RealDaemon.Tcg)).Dispose());
        Assert.Null(connection.FindByUuid(spec.ServerId));
        return refused.Message;
    }

    [Fact]
    public void EncryptedXml_WithTheGuidesDescriptors_GetsItsFirmware_ThisQemuThenRefusesForWantOfSev()
    {
        Assert.Contains(NoFirmware, DefineFails("amd-sev-snp"), StringComparison.Ordinal);
        Assert.Contains(NoFirmware, DefineFails("amd-sev-es"), StringComparison.Ordinal);

        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "infra", "firmware"), "*.json"))
        {
            real.Daemon.InstallFirmwareDescriptor(Path.GetFileName(file), File.ReadAllText(file));
        }

        foreach (var (model, launchSecurity) in new[] { ("amd-sev", "sev"), ("amd-sev-es", "sev"), ("amd-sev-snp", "sev-snp") })
        {
            var message = DefineFails(model);
            Assert.DoesNotContain(NoFirmware, message, StringComparison.Ordinal);
            Assert.Contains($"'{launchSecurity}' launch security is not supported with this QEMU binary", message, StringComparison.Ordinal);
        }
    }
}
