using System.Buffers.Binary;

namespace Veil.Shared.Attestation;

/// <summary>How KVM initialised the guest, which decides two of the VMSA's FPU fields.</summary>
public enum VmType
{
    /// <summary>KVM_SEV_INIT2 (every SNP guest; QEMU's newer SEV-ES VM types): MXCSR and the x87 control word set.</summary>
    Init2,

    /// <summary>QEMU's legacy SEV-ES type (KVM_SEV_ES_INIT): both left zero.</summary>
    Legacy,
}

/// <summary>
/// The VMSA page QEMU and KVM give a vCPU at launch (the VMCB save area at reset), which SEV-ES and SEV-SNP measure:
/// all zero but the reset state, the vCPU signature in RDX and the SEV features.
/// </summary>
public static class Vmsa
{
    /// <summary>The architectural reset vector: where the boot processor starts.</summary>
    public const uint BspResetEip = 0xfffffff0;

    /// <summary>The page for a vCPU starting at <paramref name="eip"/> (the BSP's reset vector, or the APs' from OVMF).</summary>
    public static byte[] Page(uint eip, CpuSignature signature, ulong sevFeatures, VmType vmType)
    {
        var page = new byte[OvmfImage.PageSize];
        var span = page.AsSpan();
        foreach (var offset in new[] { 0x000, 0x020, 0x030, 0x040, 0x050 })
        {
            Segment(span[offset..], 0, 0x93, 0xffff, 0); // ES, SS, DS, FS, GS
        }

        Segment(span[0x010..], 0xf000, 0x9b, 0xffff, eip & 0xffff0000); // CS: its base holds the address's upper half
        Segment(span[0x060..], 0, 0, 0xffff, 0); // GDTR
        Segment(span[0x070..], 0, 0x82, 0xffff, 0); // LDTR
        Segment(span[0x080..], 0, 0, 0xffff, 0); // IDTR
        Segment(span[0x090..], 0, 0x8b, 0xffff, 0); // TR
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x0d0..], 0x1000); // EFER.SVME
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x148..], 0x40); // CR4.MCE
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x158..], 0x10); // CR0.ET
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x160..], 0x400); // DR7
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x168..], 0xffff0ff0); // DR6
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x170..], 0x2); // RFLAGS
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x178..], eip & 0xffff); // RIP: the address's lower half
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x268..], 0x0007040600070406); // G_PAT
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x310..], signature.Value); // RDX
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x3b0..], sevFeatures);
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x3e8..], 0x1); // XCR0
        if (vmType == VmType.Init2)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[0x408..], 0x1f80); // MXCSR
            BinaryPrimitives.WriteUInt16LittleEndian(span[0x410..], 0x37f); // x87 FCW
        }

        return page;
    }

    /// <summary>The pages of <paramref name="vcpus"/> vCPUs: the BSP's, then the APs' (which need OVMF's AP reset address).</summary>
    public static IEnumerable<byte[]> Pages(OvmfImage firmware, int vcpus, CpuSignature signature, ulong sevFeatures, VmType vmType)
    {
        ArgumentNullException.ThrowIfNull(firmware);
        ArgumentOutOfRangeException.ThrowIfLessThan(vcpus, 1);
        if (vcpus > 1 && firmware.ApResetEip is null)
        {
            throw new OvmfFormatException(OvmfPart.SevEsResetBlock, $"a guest of {vcpus} vCPUs needs the APs' reset address, and this OVMF image has no SEV-ES reset block");
        }

        var bsp = Page(BspResetEip, signature, sevFeatures, vmType);
        var ap = vcpus > 1 ? Page(firmware.ApResetEip!.Value, signature, sevFeatures, vmType) : null;
        return Enumerable.Range(0, vcpus).Select(i => i == 0 ? bsp : ap!);
    }

    private static void Segment(Span<byte> at, ushort selector, ushort attributes, uint limit, ulong baseAddress)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(at, selector);
        BinaryPrimitives.WriteUInt16LittleEndian(at[2..], attributes);
        BinaryPrimitives.WriteUInt32LittleEndian(at[4..], limit);
        BinaryPrimitives.WriteUInt64LittleEndian(at[8..], baseAddress);
    }
}
