using Veil.Shared.MemoryEncryption;
using static Veil.Shared.MemoryEncryption.MemoryEncryptionModel;

namespace Veil.Shared.Hosts;

/// <summary>
/// nova's host-detection rules for SEV, SEV-ES and SEV-SNP (both specs and NOVA-RULES.md) as one mechanism: every
/// prerequisite is a checklist line that gates some models, and a model is offered exactly when all the lines
/// that gate it are met. The provider tree follows from the offered models and their slot counts.
/// </summary>
public static class HostCapabilityRules
{
    public static readonly Version MinQemuSev = new(2, 12, 0);
    public static readonly Version MinQemuSevEs = new(8, 0, 0);
    public static readonly Version MinQemuSevSnp = new(9, 1, 0);
    public static readonly Version MinLibvirtSev = new(4, 5, 0);
    public static readonly Version MinLibvirtSevEs = new(8, 0, 0);
    public static readonly Version MinLibvirtSevSnp = new(10, 5, 0);
    public static readonly Version MinKernelSev = new(4, 16, 0);
    public static readonly Version MinKernelSevSnp = new(6, 11, 0);

    private static readonly MemoryEncryptionModel[] AllModels = [AmdSev, AmdSevEs, AmdSevSnp];
    private static readonly MemoryEncryptionModel[] None = [];

    public static HostCapabilities Evaluate(HostProbeInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var warnings = new List<string>();
        var checklist = new List<ChecklistItem>();
        var flags = CpuInfo.ParseFlags(inputs.CpuInfo);
        var caps = DomainCapabilitiesReader.Read(inputs.DomainCapabilitiesXml);
        warnings.AddRange(caps.Warnings);
        var descriptors = inputs.FirmwareDescriptors
            .Select(d => FirmwareDescriptorReader.Read(d.Key, d.Value, warnings))
            .OfType<FirmwareDescriptor>()
            .ToList();
        var kernel = VersionText.Parse(inputs.KernelRelease);
        string? Param(string name) => inputs.KvmAmdParameters.TryGetValue(name, out var v) ? v : null;

        void Add(string id, string requirement, ChecklistStatus status, string observed, string? remedy, params MemoryEncryptionModel[] gates) =>
            checklist.Add(new ChecklistItem(id, requirement, status, observed, status == ChecklistStatus.Met ? null : remedy, gates));

        var arch = inputs.Architecture ?? caps.Arch;
        Add("host.arch", "an x86_64 host", arch is null ? ChecklistStatus.Unknown : Is(arch == "x86_64"),
            arch ?? "architecture not reported", "AMD SEV exists only on x86_64 EPYC hosts; this host cannot offer encrypted guests.", AllModels);

        // The kvm_amd switches: what the kernel module has actually enabled.
        var sysSev = KvmAmdParameter.Parse(Param(KvmAmdParameter.Sev));
        var sysEs = KvmAmdParameter.Parse(Param(KvmAmdParameter.SevEs));
        var sysSnp = KvmAmdParameter.Parse(Param(KvmAmdParameter.SevSnp));
        // nova requires SEV for SEV-SNP too: kvm_amd runs no SNP guest with sev off.
        AddSwitch(Add, KvmAmdParameter.Sev, sysSev, Param(KvmAmdParameter.Sev),
            "enable SEV in the BIOS (SMEE and SEV control) and load kvm_amd with sev=1", AmdSev, AmdSevEs, AmdSevSnp);
        AddSwitch(Add, KvmAmdParameter.SevEs, sysEs, Param(KvmAmdParameter.SevEs),
            "enable SEV-ES in the BIOS (minimum SEV non-ES ASID above 1) and load kvm_amd with sev_es=1", AmdSevEs);
        AddSwitch(Add, KvmAmdParameter.SevSnp, sysSnp, Param(KvmAmdParameter.SevSnp),
            "enable SEV-SNP in the BIOS (with SNP memory coverage and the RMP table) and use a kernel >= 6.11 whose kvm_amd has sev_snp=Y", AmdSevSnp);

        // The CPU flags: the SNP spec detects sev_snp here; nova reads only sysfs, so Veil reports both.
        AddFlag(Add, flags, "sev", "the CPU does not advertise SEV: enable SMEE and SEV in the BIOS", None);
        AddFlag(Add, flags, "sev_es", "the CPU does not advertise SEV-ES: enable it in the BIOS", None);
        AddFlag(Add, flags, "sev_snp", "the CPU does not advertise SEV-SNP: enable SNP in the BIOS (EPYC 7003 Milan or later)", [AmdSevSnp]);
        AddAgreement(Add, flags, (KvmAmdParameter.Sev, sysSev), (KvmAmdParameter.SevEs, sysEs), (KvmAmdParameter.SevSnp, sysSnp));

        // libvirt's view: QEMU and the AMD secure processor both support SEV.
        Add("domcaps.sev", "domain capabilities report <sev supported='yes'>", caps.SevSupported switch
        {
            true => ChecklistStatus.Met,
            false => ChecklistStatus.NotMet,
            null => ChecklistStatus.Unknown,
        }, caps.SevSupported switch
        {
            true => "supported='yes'",
            false => "supported='no'",
            null => inputs.DomainCapabilitiesXml is null ? "domain capabilities unavailable" : "no readable <sev> element",
        }, "check that QEMU can open /dev/sev (the ccp module is loaded and the SEV firmware initialised: dmesg | grep -i sev)", AllModels);

        var configured = inputs.ConfiguredSevGuestLimit;
        var sevSlots = configured ?? caps.MaxGuests;
        Add("domcaps.maxGuests", "SEV slots: domain capabilities maxGuests > 0 (or a configured SEV guest limit)",
            sevSlots is null ? ChecklistStatus.Unknown : Is(sevSlots > 0),
            configured is null ? $"maxGuests={Show(caps.MaxGuests)}" : $"configured limit {configured} (detected maxGuests={Show(caps.MaxGuests)})",
            caps.MaxGuests is null && configured is null
                ? "this libvirt does not report maxGuests (needs libvirt >= 8.0): upgrade libvirt or configure the SEV guest limit"
                : "no SEV (non-ES) ASIDs are left: lower the BIOS's minimum SEV non-ES ASID so some remain for SEV guests",
            AmdSev);
        var esSlots = caps.MaxESGuests;
        Add("domcaps.maxESGuests", "SEV-ES/SEV-SNP slots: domain capabilities maxESGuests > 0",
            esSlots is null ? ChecklistStatus.Unknown : Is(esSlots > 0), $"maxESGuests={Show(esSlots)}",
            esSlots is null
                ? "this libvirt does not report maxESGuests (needs libvirt >= 8.0): upgrade libvirt"
                : "set the BIOS's minimum SEV non-ES ASID above 1: the ASIDs below it are the SEV-ES/SEV-SNP slots",
            AmdSevEs, AmdSevSnp);
        var secTypes = caps.LaunchSecurityTypes;
        Add("domcaps.sev-snp", "domain capabilities list launchSecurity sectype 'sev-snp'",
            secTypes is null ? (caps.SevSupported is null ? ChecklistStatus.Unknown : ChecklistStatus.NotMet) : Is(secTypes.Contains("sev-snp")),
            secTypes is null ? "no <launchSecurity> element" : $"sectype: {(secTypes.Count == 0 ? "none" : string.Join(", ", secTypes.Order(StringComparer.Ordinal)))}",
            "upgrade to libvirt >= 10.5 and QEMU >= 9.1 on a kernel with SEV-SNP host support", AmdSevSnp);

        AddVersion(Add, "qemu", "QEMU", inputs.QemuVersion, MinQemuSev, AmdSev);
        AddVersion(Add, "qemu", "QEMU", inputs.QemuVersion, MinQemuSevEs, AmdSevEs);
        AddVersion(Add, "qemu", "QEMU", inputs.QemuVersion, MinQemuSevSnp, AmdSevSnp);
        AddVersion(Add, "libvirt", "libvirt", inputs.LibvirtVersion, MinLibvirtSev, AmdSev);
        AddVersion(Add, "libvirt", "libvirt", inputs.LibvirtVersion, MinLibvirtSevEs, AmdSevEs);
        AddVersion(Add, "libvirt", "libvirt", inputs.LibvirtVersion, MinLibvirtSevSnp, AmdSevSnp);
        AddVersion(Add, "kernel", "the kernel", kernel, MinKernelSev, AmdSev);
        AddVersion(Add, "kernel", "the kernel", kernel, MinKernelSevSnp, AmdSevSnp);

        // A model whose firmware libvirt cannot find is refused at define: each is gated by a descriptor with its feature.
        List<FirmwareDescriptor> FirmwareLine(string feature, string remedy, MemoryEncryptionModel gated)
        {
            var offering = descriptors.Where(d => d.OffersForQ35(feature)).ToList();
            Add($"firmware.{feature}", $"a QEMU firmware descriptor with feature '{feature}' for UEFI on x86_64 q35",
                Is(offering.Count > 0),
                offering.Count > 0 ? string.Join(", ", offering.Select(d => d.Path)) : $"{descriptors.Count} descriptor(s) read, none with {feature}",
                remedy, [gated]);
            return offering;
        }

        var snpFirmware = FirmwareLine(FirmwareDescriptorReader.SevSnpFeature,
            "install the SEV-SNP firmware descriptor from docs/operator-guide.md (OVMF.amdsev.fd, device 'memory', feature 'amd-sev-snp') under /usr/share/qemu/firmware/ or /etc/qemu/firmware/",
            AmdSevSnp);
        // The SNP firmware itself: an SNP guest launches (and is measured) with its SEV metadata; a directly booted
        // kernel is measured only by a firmware with a kernel-hashes area (else QEMU refuses to start the guest). Said
        // once there is an SNP descriptor (without one, firmware.amd-sev-snp already says what to install).
        var snpImages = snpFirmware.Where(d => d.MappingFilename is not null)
            .Select(d => (File: d.MappingFilename!, Facts: inputs.FirmwareImages.GetValueOrDefault(d.MappingFilename!)))
            .Where(i => i.Facts is not null)
            .ToList();
        string Images() => string.Join("; ", snpImages.Select(i => $"{i.File}: {i.Facts!.Describe()}"));
        if (snpFirmware.Count > 0)
        {
            Add("firmware.snp-metadata", "the SEV-SNP firmware image carries SEV metadata",
                snpImages.Count == 0 ? ChecklistStatus.Unknown : Is(snpImages.Any(i => i.Facts!.HasSevMetadata)),
                snpImages.Count == 0 ? "no SEV-SNP firmware image was read" : Images(),
                "point the SEV-SNP descriptor's mapping at an OVMF built with SEV support (edk2's OvmfPkg/AmdSev build, OVMF.amdsev.fd, or Debian's ovmf OVMF.fd): without SEV metadata the guest cannot launch, nor its measurement be computed",
                AmdSevSnp);
            Add("firmware.kernel-hashes", "for direct kernel boot: the SEV-SNP firmware has a kernel-hashes area (non-zero hash-table entry, SNP_KERNEL_HASHES section)",
                snpImages.Count == 0 ? ChecklistStatus.Unknown : Is(snpImages.Any(i => i.Facts!.MeasuresKernel)),
                snpImages.Count == 0 ? "no SEV-SNP firmware image was read" : Images(),
                "for images that boot a kernel directly (kernel_id), use edk2's AmdSevX64 build (OVMF.amdsev.fd): with a zero hash-table entry QEMU refuses to start the guest and its kernel could not be measured; disk boots are unaffected",
                None);
        }

        FirmwareLine(FirmwareDescriptorReader.SevEsFeature,
            "install an SEV-ES firmware descriptor (docs/operator-guide.md: OVMF built for SEV-ES, feature 'amd-sev-es') under /etc/qemu/firmware/; without one libvirt finds no firmware for SEV-ES guests and refuses them at define",
            AmdSevEs);
        var sevFirmware = descriptors.Where(d => d.OffersForQ35(FirmwareDescriptorReader.SevFeature)).ToList();
        Add("firmware.amd-sev", "a QEMU firmware descriptor with feature 'amd-sev' for UEFI on x86_64 q35",
            descriptors.Count == 0 ? ChecklistStatus.Unknown : Is(sevFirmware.Count > 0),
            sevFirmware.Count > 0 ? string.Join(", ", sevFirmware.Select(d => d.Path)) : $"{descriptors.Count} descriptor(s) read, none with amd-sev",
            "install OVMF (package ovmf) with its firmware descriptors; libvirt picks SEV-capable firmware through them", None);

        // Firmware fixing CVE-2025-48514 disables SEV-ES whenever SEV-SNP is on.
        // SNP is enabled by the BIOS (the CPU then advertises sev_snp) whether or not kvm_amd uses it: say which.
        var snpInBios = flags?.Contains("sev_snp") == true;
        var snpEnabled = snpInBios || sysSnp == SwitchState.On;
        var snpObserved = (snpInBios, sysSnp == SwitchState.On) switch
        {
            (true, true) => "SEV-SNP is enabled: the CPU advertises sev_snp and kvm_amd's sev_snp is on",
            (true, false) => "SEV-SNP is enabled in the BIOS (the CPU advertises sev_snp), though kvm_amd's sev_snp is off",
            (false, true) => "kvm_amd's sev_snp is on",
            _ => "SEV-SNP is off",
        };
        Add("sev-es.not-disabled-by-snp", "SEV-SNP is off (firmware that enables SEV-SNP disables SEV-ES, CVE-2025-48514)",
            Is(!snpEnabled), snpObserved,
            "SEV-ES is unavailable while SEV-SNP is enabled: offer SEV-SNP instead, or disable SEV-SNP in the BIOS to offer SEV-ES", AmdSevEs);
        if (snpEnabled && sysEs == SwitchState.On)
        {
            warnings.Add("SEV-ES is reported unsupported because SEV-SNP is enabled: current AMD firmware (CVE-2025-48514) disables SEV-ES while SEV-SNP is on.");
        }

        AddConfiguredLimit(Add, warnings, configured, caps.MaxGuests);

        // Every guest needs it, encrypted or not: the line informs (a spawn without it fails with libvirt's words).
        if (inputs.Network is { } network)
        {
            Add("network", network.Requirement, network.Met switch { true => ChecklistStatus.Met, false => ChecklistStatus.NotMet, null => ChecklistStatus.Unknown },
                network.Observed, network.Remedy, None);
        }

        var supported = AllModels.Where(m => checklist.All(c => c.Status == ChecklistStatus.Met || !c.Gates.Contains(m))).ToList();
        if (configured > 0 && !supported.Contains(AmdSev))
        {
            warnings.Add($"an SEV guest limit of {configured} is configured, but this host cannot run SEV guests; the limit is ignored.");
        }

        var providers = Providers(inputs.HostName, supported, snpFirmware.Count > 0, sevSlots ?? 0, esSlots ?? 0);
        return new HostCapabilities(inputs.HostName, supported, providers, checklist, warnings, snpEnabled, caps.CBitPos, caps.ReducedPhysBits);
    }

    private static List<ResourceProvider> Providers(string host, List<MemoryEncryptionModel> supported, bool statelessFirmware, int sevSlots, int esSlots)
    {
        var root = new ResourceProvider(host, null, statelessFirmware ? [Traits.StatelessFirmware] : [],
            new Dictionary<string, Inventory>(), null, null);
        var providers = new List<ResourceProvider> { root };
        foreach (var model in supported)
        {
            var info = model.Info();
            var (total, asids) = info.Pool == AsidPool.EncryptedState
                ? (esSlots, new AsidRange(1, esSlots))
                : (sevSlots, new AsidRange(esSlots + 1, esSlots + sevSlots));
            providers.Add(new ResourceProvider(host + info.ProviderSuffix, host, [info.Trait],
                new Dictionary<string, Inventory> { [ResourceClasses.MemEncryptionContext] = new Inventory(total) }, model, asids));
        }

        return providers;
    }

    private delegate void AddLine(string id, string requirement, ChecklistStatus status, string observed, string? remedy, params MemoryEncryptionModel[] gates);

    private static void AddSwitch(AddLine add, string name, SwitchState state, string? raw, string remedy, params MemoryEncryptionModel[] gates) =>
        add($"kvm_amd.{name}", $"/{KvmAmdParameter.RelativePath(name)} is Y or 1",
            state switch { SwitchState.On => ChecklistStatus.Met, SwitchState.Off => ChecklistStatus.NotMet, _ => ChecklistStatus.Unknown },
            KvmAmdParameter.Describe(raw),
            state == SwitchState.Unknown ? $"the file holds an unexpected value; check the kvm_amd module, then {remedy}" : remedy,
            gates);

    private static void AddFlag(AddLine add, IReadOnlySet<string>? flags, string flag, string remedy, MemoryEncryptionModel[] gates) =>
        add($"cpuinfo.{flag}", $"/proc/cpuinfo flags include {flag}",
            flags is null ? ChecklistStatus.Unknown : Is(flags.Contains(flag)),
            flags is null ? "/proc/cpuinfo has no flags line" : flags.Contains(flag) ? "present" : "absent",
            flags is null ? "make /proc/cpuinfo readable to the HostWorker" : remedy, gates);

    private static void AddAgreement(AddLine add, IReadOnlySet<string>? flags, params (string Name, SwitchState State)[] switches)
    {
        if (flags is null)
        {
            add("cpuinfo.agrees-with-kvm_amd", "CPU flags and kvm_amd parameters agree", ChecklistStatus.Unknown,
                "/proc/cpuinfo unreadable", "make /proc/cpuinfo readable to the HostWorker");
            return;
        }

        var disagreements = switches
            .Where(s => s.State != SwitchState.Unknown && flags.Contains(s.Name) != (s.State == SwitchState.On))
            .Select(s => flags.Contains(s.Name)
                ? $"the CPU has {s.Name} but kvm_amd's {s.Name} is off"
                : $"kvm_amd's {s.Name} is on but the CPU flags lack {s.Name}")
            .ToList();
        add("cpuinfo.agrees-with-kvm_amd", "CPU flags and kvm_amd parameters agree", Is(disagreements.Count == 0),
            disagreements.Count == 0 ? "they agree" : string.Join("; ", disagreements),
            "reload kvm_amd with the features the CPU offers switched on (or leave them off on purpose); a parameter on without its CPU flag points at a BIOS or kernel mismatch");
    }

    private static void AddVersion(AddLine add, string id, string what, Version? have, Version need, MemoryEncryptionModel model) =>
        add($"{id}.{model.ToName()}", $"{what} >= {need} for {model.Info().DisplayName}",
            have is null ? ChecklistStatus.Unknown : Is(have >= need),
            have is null ? $"{what} version unknown" : $"{what} {have}",
            have is null ? $"make {what}'s version readable to the HostWorker" : $"upgrade {what} to {need} or later", model);

    private static void AddConfiguredLimit(AddLine add, List<string> warnings, int? configured, int? detected)
    {
        if (configured is null)
        {
            add("config.sev-guest-limit", "the configured SEV guest limit matches detection", ChecklistStatus.Met,
                "not configured: the detected maxGuests is used", null);
            return;
        }

        var matches = detected is null || detected == configured;
        add("config.sev-guest-limit", "the configured SEV guest limit matches detection", Is(matches),
            $"configured {configured}, detected {Show(detected)}",
            $"the configured limit {configured} overrides the detected maxGuests {Show(detected)}: remove the setting to use detection, or correct it");
        if (!matches)
        {
            warnings.Add($"the configured SEV guest limit {configured} differs from the detected maxGuests {detected}; the configured value is used.");
        }
    }

    private static ChecklistStatus Is(bool met) => met ? ChecklistStatus.Met : ChecklistStatus.NotMet;

    private static string Show(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "not reported";
}
