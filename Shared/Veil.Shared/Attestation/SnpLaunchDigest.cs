using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Veil.Shared.Attestation;

/// <summary>What an SNP guest's launch digest depends on besides its firmware (the firmware is passed alongside).</summary>
/// <param name="VCpus">One VMSA page each.</param>
/// <param name="Signature">The vCPUs' CPUID signature (the host's under <c>host-passthrough</c>).</param>
/// <param name="SevFeatures">The VMSA's SEV features: 0x1 (SNPActive) on Veil's stack.</param>
/// <param name="Kernel">The kernel-hashes table's contents for a direct kernel boot with kernel hashes; null otherwise.</param>
public sealed record SnpLaunchInputs(int VCpus, CpuSignature Signature, ulong SevFeatures = SnpLaunchDigest.SnpActive, KernelHashes? Kernel = null);

/// <summary>
/// The SEV-SNP launch digest (the report's MEASUREMENT) of a QEMU guest, as the PSP chains it: SHA-384 over a
/// PAGE_INFO block for each firmware page, each SEV metadata section, then each vCPU's VMSA.
/// </summary>
public static class SnpLaunchDigest
{
    public const int Size = 48;

    /// <summary>SEV features of an SNP guest on KVM_SEV_INIT2 with QEMU's default: SNPActive alone.</summary>
    public const ulong SnpActive = 0x1;

    /// <summary>Where the PSP records VMSA pages (GPA −1, page-aligned, bits above 51 cleared).</summary>
    public const ulong VmsaGpa = 0x0000_FFFF_FFFF_F000;

    private enum PageType : byte
    {
        Normal = 1,
        Vmsa = 2,
        Zero = 3,
        Unmeasured = 4,
        Secrets = 5,
        Cpuid = 6,
    }

    /// <summary>The digest after the firmware's pages alone (sev-snp-measure's "OVMF hash"): the rest of the chain resumes from it.</summary>
    public static byte[] OfFirmware(OvmfImage firmware)
    {
        ArgumentNullException.ThrowIfNull(firmware);
        var digest = new byte[Size];
        for (var offset = 0; offset < firmware.Bytes.Length; offset += OvmfImage.PageSize)
        {
            Update(digest, PageType.Normal, firmware.Gpa + (ulong)offset, SHA384.HashData(firmware.Bytes.Slice(offset, OvmfImage.PageSize)));
        }

        return digest;
    }

    /// <summary>
    /// The launch digest of a guest of <paramref name="firmware"/> and <paramref name="inputs"/>, optionally resumed
    /// from the firmware's own digest (<see cref="OfFirmware"/>) instead of hashing its pages.
    /// </summary>
    public static byte[] Compute(OvmfImage firmware, SnpLaunchInputs inputs, byte[]? firmwareDigest = null)
    {
        ArgumentNullException.ThrowIfNull(firmware);
        ArgumentNullException.ThrowIfNull(inputs);
        if (!firmware.HasSevMetadata)
        {
            throw new OvmfFormatException(OvmfPart.SevMetadata, "this OVMF image carries no SEV metadata, so it cannot launch an SEV-SNP guest");
        }

        if (firmwareDigest is { Length: not Size })
        {
            throw new ArgumentException($"a firmware digest is {Size} bytes", nameof(firmwareDigest));
        }

        if (inputs.Kernel is not null && !firmware.Sections.Any(s => s.Type == SevSectionType.SnpKernelHashes))
        {
            throw new OvmfFormatException(OvmfPart.SevMetadata, "a kernel is measured, but this OVMF image's SEV metadata has no SNP_KERNEL_HASHES section to measure it in");
        }

        var digest = firmwareDigest is null ? OfFirmware(firmware) : [.. firmwareDigest];
        var zero = new byte[Size];
        foreach (var section in firmware.Sections)
        {
            switch (section.Type)
            {
                case SevSectionType.SnpSecMem or SevSectionType.SvsmCaa:
                    Pages(section, gpa => Update(digest, PageType.Zero, gpa, zero));
                    break;
                case SevSectionType.SnpSecrets:
                    Update(digest, PageType.Secrets, section.Gpa, zero);
                    break;
                case SevSectionType.Cpuid:
                    Update(digest, PageType.Cpuid, section.Gpa, zero);
                    break;
                case SevSectionType.SnpKernelHashes when inputs.Kernel is { } kernel:
                    KernelHashesPages(firmware, section, kernel, digest);
                    break;
                case SevSectionType.SnpKernelHashes:
                    Pages(section, gpa => Update(digest, PageType.Zero, gpa, zero));
                    break;
            }
        }

        foreach (var vmsa in Vmsa.Pages(firmware, inputs.VCpus, inputs.Signature, inputs.SevFeatures, VmType.Init2))
        {
            Update(digest, PageType.Vmsa, VmsaGpa, SHA384.HashData(vmsa));
        }

        return digest;
    }

    /// <summary>The SNP_KERNEL_HASHES section: zero pages holding the table at the hash-table address, measured as normal pages.</summary>
    private static void KernelHashesPages(OvmfImage firmware, SevMetadataSection section, KernelHashes kernel, byte[] digest)
    {
        if (!firmware.SupportsKernelHashes)
        {
            throw new OvmfFormatException(OvmfPart.HashTable, $"a kernel is measured, but this OVMF image's hash-table area (0x{firmware.HashTableGpa:x}, {firmware.HashTableSize} bytes) cannot hold the {KernelHashes.TableSize}-byte table");
        }

        var at = (long)firmware.HashTableGpa - section.Gpa;
        if (at < 0 || at + KernelHashes.TableSize > section.Length)
        {
            throw new OvmfFormatException(OvmfPart.HashTable, $"the hash-table area at 0x{firmware.HashTableGpa:x} lies outside the SNP_KERNEL_HASHES section at 0x{section.Gpa:x}");
        }

        // Every page of the section is measured as a normal page: zeros, but for the table where the area says.
        var table = kernel.Table();
        var zeroPage = SHA384.HashData(new byte[OvmfImage.PageSize]);
        var page = new byte[OvmfImage.PageSize];
        for (var offset = 0L; offset < section.Length; offset += OvmfImage.PageSize)
        {
            var (from, to) = (Math.Max(at, offset), Math.Min(at + table.Length, offset + OvmfImage.PageSize));
            if (from >= to)
            {
                Update(digest, PageType.Normal, section.Gpa + (ulong)offset, zeroPage);
                continue;
            }

            Array.Clear(page);
            table.AsSpan((int)(from - at), (int)(to - from)).CopyTo(page.AsSpan((int)(from - offset)));
            Update(digest, PageType.Normal, section.Gpa + (ulong)offset, SHA384.HashData(page));
        }
    }

    private static void Pages(SevMetadataSection section, Action<ulong> page)
    {
        for (var offset = 0u; offset < section.Length; offset += OvmfImage.PageSize)
        {
            page(section.Gpa + (ulong)offset);
        }
    }

    /// <summary>One PAGE_INFO step: digest = SHA-384(digest ‖ contents ‖ length 0x70 ‖ type ‖ zeros ‖ GPA).</summary>
    private static void Update(byte[] digest, PageType type, ulong gpa, ReadOnlySpan<byte> contents)
    {
        Span<byte> info = stackalloc byte[0x70];
        info.Clear();
        digest.CopyTo(info);
        contents.CopyTo(info[0x30..]);
        BinaryPrimitives.WriteUInt16LittleEndian(info[0x60..], 0x70);
        info[0x62] = (byte)type;
        BinaryPrimitives.WriteUInt64LittleEndian(info[0x68..], gpa);
        SHA384.HashData(info, digest);
    }
}
