using System.Security.Cryptography;

namespace Veil.Shared.Attestation;

/// <summary>
/// The SEV and SEV-ES launch digest (GCTX.LD, SHA-256): the firmware, the kernel-hashes table when the kernel is
/// measured, and (SEV-ES) each vCPU's VMSA. Shown for information only: the measurement a host can read is an HMAC
/// of it under the guest owner's key with a nonce the PSP picks, so it can be checked only in a guest-owner session.
/// </summary>
public static class SevLaunchDigest
{
    /// <summary>Plain SEV: the firmware bytes, then the kernel-hashes table if given.</summary>
    public static byte[] Sev(OvmfImage firmware, KernelHashes? kernel = null)
    {
        using var hash = Start(firmware, kernel);
        return hash.GetHashAndReset();
    }

    /// <summary>SEV-ES: as <see cref="Sev"/>, then the VMSA page of vCPU 0 and of each AP.</summary>
    public static byte[] SevEs(OvmfImage firmware, int vcpus, CpuSignature signature, KernelHashes? kernel = null, ulong sevFeatures = 0, VmType vmType = VmType.Init2)
    {
        using var hash = Start(firmware, kernel);
        foreach (var vmsa in Vmsa.Pages(firmware, vcpus, signature, sevFeatures, vmType))
        {
            hash.AppendData(vmsa);
        }

        return hash.GetHashAndReset();
    }

    private static IncrementalHash Start(OvmfImage firmware, KernelHashes? kernel)
    {
        ArgumentNullException.ThrowIfNull(firmware);
        if (kernel is not null && !firmware.SupportsKernelHashes)
        {
            throw new OvmfFormatException(OvmfPart.HashTable, $"a kernel is measured, but this OVMF image's hash-table area (0x{firmware.HashTableGpa:x}, {firmware.HashTableSize} bytes) cannot hold the {KernelHashes.TableSize}-byte table");
        }

        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(firmware.Bytes);
        if (kernel is not null)
        {
            hash.AppendData(kernel.Table());
        }

        return hash;
    }
}
