using System.Text.RegularExpressions;

namespace Veil.Shared.Attestation;

/// <summary>
/// What an SEV-SNP guest's attestation report must carry, as the host that launched it computed it, with every
/// input to the launch digest so that a tenant can recompute it with a tool of their own (sev-snp-measure,
/// <c>snpguest generate measurement</c>). Hex is lower-case; <see cref="Measurement"/> is null, with
/// <see cref="Problem"/> saying why, when the host could not compute it.
/// </summary>
public sealed partial record ExpectedMeasurement
{
    /// <summary>The launch digest (the report's MEASUREMENT), 48 bytes as hex.</summary>
    public string? Measurement { get; init; }

    /// <summary>Why there is no measurement (the firmware could not be read or measured).</summary>
    public string? Problem { get; init; }

    /// <summary>The firmware file libvirt chose for the guest, on its host.</summary>
    public required string FirmwarePath { get; init; }

    public string? FirmwareSha256 { get; init; }

    /// <summary>The digest after the firmware's pages alone (sev-snp-measure's <c>--mode snp:ovmf-hash</c>).</summary>
    public string? FirmwareDigest { get; init; }

    public required int VCpus { get; init; }

    /// <summary>The vCPUs' CPUID signature, the host's own (<c>host-passthrough</c>), e.g. <c>0x00a10f11</c>.</summary>
    public string? CpuSignature { get; init; }

    /// <summary>The VMSA's SEV features (<c>0x1</c>, SNPActive, on Veil's stack).</summary>
    public required string SevFeatures { get; init; }

    /// <summary>The VMM whose register conventions the VMSA follows.</summary>
    public string Vmm { get; init; } = "QEMU";

    /// <summary>Direct kernel boot with kernel hashes: SHA-256 of the kernel and initrd files, and the command line measured (with a trailing NUL).</summary>
    public string? KernelSha256 { get; init; }

    public string? InitrdSha256 { get; init; }

    public string? Cmdline { get; init; }

    /// <summary>The guest policy the report must carry (not part of the digest).</summary>
    public required string Policy { get; init; }

    /// <summary>The HOST_DATA the report must carry: <see cref="ServerHostData"/>.</summary>
    public required string HostData { get; init; }

    /// <summary>Problems with the record as a host sent it (hex of the wrong length, no measurement and no reason).</summary>
    public IEnumerable<string> Problems()
    {
        if (Measurement is null == Problem is null)
        {
            yield return "attestation must carry either a measurement or the problem that kept the host from computing one";
        }

        foreach (var (name, value, bytes) in new[]
        {
            ("measurement", Measurement, 48), ("firmwareDigest", FirmwareDigest, 48), ("firmwareSha256", FirmwareSha256, 32),
            ("kernelSha256", KernelSha256, 32), ("initrdSha256", InitrdSha256, 32), ("hostData", HostData, 32),
        })
        {
            if (value is not null && !Hex().IsMatch(value) || value?.Length is { } length && length != bytes * 2)
            {
                yield return $"attestation.{name} must be {bytes} bytes as lower-case hex";
            }
        }

        if (VCpus < 1)
        {
            yield return "attestation.vCpus must be at least 1";
        }

        if (!PolicyHex().IsMatch(Policy ?? ""))
        {
            yield return "attestation.policy must be the guest policy as 0x and up to 16 hex digits";
        }
    }

    [GeneratedRegex("^[0-9a-f]*$")]
    private static partial Regex Hex();

    [GeneratedRegex("^0x[0-9a-fA-F]{1,16}$")]
    private static partial Regex PolicyHex();
}
