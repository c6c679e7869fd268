using System.Globalization;
using System.Xml.Linq;
using Veil.Shared.MemoryEncryption;

namespace Veil.Shared.Guests;

/// <summary>
/// Builds the libvirt domain XML of a guest: launch security for its memory-encryption model, q35 and UEFI,
/// <c>iommu='on'</c> on every virtio device, locked memory for SEV and SEV-ES, never a virtio-blk boot disk and
/// never an IDE device for an encrypted guest. All tenant text goes through <see cref="XElement"/>, never string
/// concatenation.
/// </summary>
public static class GuestDomainXml
{
    /// <summary>The namespace of Veil's element inside the domain's <c>&lt;metadata&gt;</c>.</summary>
    public static readonly XNamespace MetadataNamespace = "urn:veil:instance:1.0";

    /// <summary>The domain name Veil gives a server: unique per host and free of tenant text.</summary>
    public static string DomainName(Guid serverId) => $"veil-{serverId:D}";

    /// <summary>Builds the XML, or throws <see cref="MemoryEncryptionRequestException"/> (the request breaks the
    /// encryption rules) or <see cref="InvalidGuestSpecException"/> (another field is unusable).</summary>
    public static string Build(GuestSpec spec, GuestHostParameters host)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(host);
        var resolution = MemoryEncryptionResolver.Resolve(spec.FlavorExtraSpecs, spec.ImageProperties, host.DefaultMachineType);
        Validate(spec, host, resolution);

        var model = resolution.Model?.Info();
        var encrypted = model is not null;
        var image = spec.ImageProperties;
        var files = new InstanceFiles(host.InstancesPath, spec.ServerId);
        var devices = new DeviceBuilder(encrypted);

        var domain = new XElement("domain", new XAttribute("type", host.DomainType),
            new XElement("name", DomainName(spec.ServerId)),
            new XElement("uuid", spec.ServerId.ToString("D")),
            new XElement("title", spec.Name),
            Metadata(spec),
            new XElement("memory", new XAttribute("unit", "MiB"), spec.MemoryMiB.ToString(CultureInfo.InvariantCulture)),
            model is { LocksMemory: true } ? new XElement("memoryBacking", new XElement("locked")) : null,
            new XElement("vcpu", new XAttribute("placement", "static"), spec.VCpus.ToString(CultureInfo.InvariantCulture)),
            Os(spec, host, resolution, files),
            new XElement("features", new XElement("acpi"), new XElement("apic"), SecureBoot(spec.ImageProperties) ? new XElement("smm", new XAttribute("state", "on")) : null),
            host.CpuMode is null ? null : new XElement("cpu", new XAttribute("mode", host.CpuMode)),
            new XElement("clock", new XAttribute("offset", "utc")),
            new XElement("on_poweroff", "destroy"),
            new XElement("on_reboot", "restart"),
            new XElement("on_crash", "destroy"),
            devices.Build(spec, image, host, files),
            model is null ? null : LaunchSecurity(model, host, spec.BootsKernelDirectly, spec.ServerId));

        return domain.ToString();
    }

    private static void Validate(GuestSpec spec, GuestHostParameters host, MemoryEncryptionResolution resolution)
    {
        var problems = GuestRules.Check(spec).Select(p => p.Message).ToList();
        if (resolution.Model is MemoryEncryptionModel.AmdSev or MemoryEncryptionModel.AmdSevEs
            && host.LibvirtVersion < GuestHostParameters.ImplicitSevParametersSince
            && (host.CBitPos is null || host.ReducedPhysBits is null))
        {
            problems.Add($"the host's libvirt {host.LibvirtVersion} is older than 6.9.0 and needs cbitpos and reducedPhysBits, but its domain capabilities did not report them.");
        }

        if (problems.Count > 0)
        {
            throw new InvalidGuestSpecException(problems);
        }
    }

    private static XElement Metadata(GuestSpec spec)
    {
        var ns = MetadataNamespace;
        return new XElement("metadata",
            new XElement(ns + "instance", new XAttribute(XNamespace.Xmlns + "veil", ns),
                new XElement(ns + "name", spec.Name),
                new XElement(ns + "project", spec.ProjectId),
                new XElement(ns + "flavor", spec.FlavorName),
                new XElement(ns + "image", spec.ImageId),
                spec.Metadata.Count == 0
                    ? null
                    : new XElement(ns + "metadata", spec.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                        .Select(kv => new XElement(ns + "item", new XAttribute("key", kv.Key), kv.Value)))));
    }

    private static XElement Os(GuestSpec spec, GuestHostParameters host, MemoryEncryptionResolution resolution, InstanceFiles files)
    {
        var image = spec.ImageProperties;
        var uefi = resolution.IsRequested || IsSet(image, RequestKeys.ImageFirmwareType, "uefi");
        var stateless = uefi && image.TryGetValue(RequestKeys.ImageFirmwareStateless, out var s)
            && NovaBoolean.TryParse(s, out var on) && on;
        var machine = resolution.MachineType ?? host.DefaultMachineType ?? MemoryEncryptionResolver.DefaultMachineType;
        var directKernel = spec.BootsKernelDirectly;

        return new XElement("os", uefi ? new XAttribute("firmware", "efi") : null,
            new XElement("type", new XAttribute("arch", "x86_64"), new XAttribute("machine", machine), "hvm"),
            uefi ? Firmware(SecureBoot(image)) : null,
            stateless ? new XElement("loader", new XAttribute("stateless", "yes")) : null,
            directKernel ? new XElement("kernel", files.Kernel) : null,
            spec.HasInitrd ? new XElement("initrd", files.Initrd) : null,
            directKernel && image.TryGetValue(RequestKeys.ImageKernelCommandLine, out var cmdline) ? new XElement("cmdline", cmdline) : null,
            directKernel ? null : new XElement("boot", new XAttribute("dev", "hd")));
    }

    /// <summary>
    /// Which firmware libvirt picks for a UEFI guest: with Secure Boot and Microsoft's keys enrolled only when the
    /// image asks (nova's <c>os_secure_boot=required</c>), so an unsigned image is not stopped at "Access Denied".
    /// </summary>
    private static XElement Firmware(bool secureBoot) => new("firmware",
        new XElement("feature", new XAttribute("enabled", secureBoot ? "yes" : "no"), new XAttribute("name", "secure-boot")),
        new XElement("feature", new XAttribute("enabled", secureBoot ? "yes" : "no"), new XAttribute("name", "enrolled-keys")));

    private static bool SecureBoot(IReadOnlyDictionary<string, string> image) => IsSet(image, RequestKeys.ImageSecureBoot, "required");

    private static XElement LaunchSecurity(MemoryEncryptionModelInfo model, GuestHostParameters host, bool directKernel, Guid serverId)
    {
        if (model.Model == MemoryEncryptionModel.AmdSevSnp)
        {
            return new XElement("launchSecurity",
                new XAttribute("type", model.LaunchSecurityType),
                new XAttribute("authorKey", "no"),
                new XAttribute("vcek", "yes"),
                new XAttribute("kernelHashes", directKernel ? "yes" : "no"),
                new XElement("policy", model.PolicyText),
                new XElement("hostData", Convert.ToBase64String(Attestation.ServerHostData.Of(serverId))));
        }

        var explicitParameters = host.LibvirtVersion < GuestHostParameters.ImplicitSevParametersSince;
        return new XElement("launchSecurity", new XAttribute("type", model.LaunchSecurityType),
            explicitParameters ? new XElement("cbitpos", host.CBitPos) : null,
            explicitParameters ? new XElement("reducedPhysBits", host.ReducedPhysBits) : null,
            new XElement("policy", model.PolicyText));
    }

    internal static bool IsSet(IReadOnlyDictionary<string, string> map, string key, string expected) =>
        map.TryGetValue(key, out var value) && string.Equals(value.Trim(), expected, StringComparison.OrdinalIgnoreCase);
}
