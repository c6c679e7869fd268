using System.Buffers.Binary;
using System.Security.Cryptography;
using Veil.Shared.Attestation;
using Veil.Testing;

namespace Veil.Shared.Tests.Attestation;

/// <summary>Reading OVMF's footer table and SEV metadata, from the published builds, Debian's, and broken ones.</summary>
public sealed class OvmfImageTests
{
    [Fact]
    public void TheAmdSevBuild_DeclaresItsResetBlock_SevMetadata_AndAKernelHashesArea()
    {
        var image = Firmware.AmdSev;

        Assert.Equal(0xFFFFF000ul, image.Gpa);
        Assert.Equal(0x0080b004u, image.ApResetEip);
        Assert.Equal((0x810c00u, 0x400u), (image.HashTableGpa, image.HashTableSize));
        Assert.True(image.SupportsKernelHashes);
        Assert.Contains(image.Sections, s => s.Type == SevSectionType.SnpKernelHashes);
        Assert.Contains(image.Sections, s => s.Type == SevSectionType.SvsmCaa);
    }

    [Fact]
    public void TheGenericBuild_HasSevMetadataButNoKernelHashesArea()
    {
        var image = Firmware.OvmfX64;

        Assert.True(image.HasSevMetadata);
        Assert.False(image.SupportsKernelHashes);
        Assert.DoesNotContain(image.Sections, s => s.Type == SevSectionType.SnpKernelHashes);
    }

    [Fact]
    public void DebiansOvmf_CanLaunchAnSnpDiskBoot_ButNotAMeasuredKernel()
    {
        var image = OvmfImage.Parse(File.ReadAllBytes(Firmware.DebianPath));

        Assert.Equal(0xFFE00000ul, image.Gpa);
        Assert.Equal(0x0080b004u, image.ApResetEip);
        Assert.True(image.HasSevMetadata);
        Assert.False(image.SupportsKernelHashes); // its hash-table entry is there, with zeros: QEMU refuses a kernel with it
        Assert.Equal(48, SnpLaunchDigest.Compute(image, new SnpLaunchInputs(2, new CpuSignature(0x00a10f11))).Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4095)]
    [InlineData(4097)]
    public void AnImageThatIsNotWholePages_IsRefusedNamingItsSize(int size)
    {
        var error = Assert.Throws<OvmfFormatException>(() => OvmfImage.Parse(new byte[size]));

        Assert.Equal(OvmfPart.Image, error.Part);
        Assert.Contains($"{size} bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnImageWithoutTheFooterTable_IsRefusedNamingIt()
    {
        Assert.Equal(OvmfPart.FooterTable, Assert.Throws<OvmfFormatException>(() => OvmfImage.Parse(new byte[8192])).Part);
    }

    [Fact]
    public void SevMetadataOfAnotherVersionOrSignature_IsRefusedNamingWhatIsWrong()
    {
        var bytes = Firmware.AmdSevBytes;
        var header = MetadataHeader(bytes);
        var version = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(version.AsSpan(header + 8), 2);
        var signature = (byte[])bytes.Clone();
        signature[header] = (byte)'B';

        Assert.Contains("version 2", Assert.Throws<OvmfFormatException>(() => OvmfImage.Parse(version)).Message, StringComparison.Ordinal);
        Assert.Contains("not 'ASEV'", Assert.Throws<OvmfFormatException>(() => OvmfImage.Parse(signature)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AGuestOfSeveralVCpus_NeedsTheResetBlock()
    {
        var bytes = Firmware.AmdSevBytes;
        var at = bytes.AsSpan().IndexOf(new Guid("00f771de-1a7e-4fcb-890e-68c77e2fb44e").ToByteArray());
        bytes[at] ^= 0xff; // the reset block's GUID is no longer known: the image has none
        var image = OvmfImage.Parse(bytes);

        Assert.Null(image.ApResetEip);
        Assert.Equal(48, SnpLaunchDigest.Compute(image, new SnpLaunchInputs(1, Firmware.EpycV4)).Length);
        Assert.Equal(OvmfPart.SevEsResetBlock, Assert.Throws<OvmfFormatException>(() => SnpLaunchDigest.Compute(image, new SnpLaunchInputs(2, Firmware.EpycV4))).Part);
    }

    /// <summary>Property: whatever bytes of the footer, table or metadata are changed, reading and measuring an image either works or names the part.</summary>
    [Fact]
    public void FiveThousandMutatedImages_AreMeasuredOrRefusedWithATypedError_NeverAnythingElse()
    {
        var original = Firmware.AmdSevBytes;
        var random = new Random(1603);
        var (measured, refused) = (0, 0);
        for (var i = 0; i < 5_000; i++)
        {
            var bytes = (byte[])original.Clone();
            for (var n = random.Next(1, 6); n > 0; n--)
            {
                // Mostly the last 1.5 KiB (footer table and metadata); sometimes anywhere.
                var at = random.Next(4) == 0 ? random.Next(bytes.Length) : bytes.Length - 1 - random.Next(1536);
                bytes[at] = random.Next(3) == 0 ? (byte)random.Next(256) : (byte)(bytes[at] ^ (1 << random.Next(8)));
            }

            try
            {
                var image = OvmfImage.Parse(bytes);
                SnpLaunchDigest.Compute(image, new SnpLaunchInputs(random.Next(1, 5), Firmware.EpycV4, Kernel: random.Next(2) == 0 ? Firmware.EmptyKernel("") : null));
                SevLaunchDigest.SevEs(image, random.Next(1, 5), Firmware.EpycV4);
                measured++;
            }
            catch (OvmfFormatException)
            {
                refused++;
            }
        }

        Assert.True(measured > 500 && refused > 500, $"{measured} measured, {refused} refused: the mutations should reach both");
    }

    /// <summary>Where the SEV metadata header starts, found by its signature.</summary>
    private static int MetadataHeader(byte[] bytes) => bytes.AsSpan().LastIndexOf("ASEV"u8);
}
