using System.Security.Cryptography;
using Veil.Shared.Attestation;

namespace Veil.Shared.Tests.Attestation;

/// <summary>The SEV and SEV-ES launch digests (GCTX.LD) against the published vectors.</summary>
public sealed class SevLaunchDigestTests
{
    [Fact]
    public void Sev_WithKernelHashes_MatchesThePublishedVector()
    {
        Assert.Equal("82a3ee5d537c3620628270c292ae30cb40c3c878666a7890ee7ef2a08fb535ff", Convert.ToHexStringLower(SevLaunchDigest.Sev(Firmware.AmdSev, Firmware.EmptyKernel("console=ttyS0 loglevel=7"))));
    }

    [Fact]
    public void Sev_AKernelWithoutInitrdOrCommandLine_HashesEmptyInputAndALoneNul()
    {
        var kernel = KernelHashes.Of(new MemoryStream(), initrd: null, cmdline: null);

        Assert.Equal("77f613d7bbcdf12a73782ea9e88b0172aeda50d1a54201cb903594ff52846898", Convert.ToHexStringLower(SevLaunchDigest.Sev(Firmware.AmdSev, kernel)));
    }

    [Fact]
    public void Sev_DiskBoot_IsTheFirmwaresSha256()
    {
        Assert.Equal("b4c021e085fb83ceffe6571a3d357b4a98773c83c474e47f76c876708fe316da", Convert.ToHexStringLower(SevLaunchDigest.Sev(Firmware.OvmfX64)));
        Assert.Equal(Firmware.OvmfX64.Sha256(), SevLaunchDigest.Sev(Firmware.OvmfX64));
    }

    [Theory]
    [InlineData(1, "13810ae661ea11e2bb205621f582fee268f0367c8f97bc297b7fadef3e12002c")]
    [InlineData(4, "0dccbcaba8e90b261bd0d2e1863a2f9da714768b7b2a19363cd6ae35aa90de91")]
    public void SevEs_MatchesThePublishedVector(int vcpus, string expected)
    {
        Assert.Equal(expected, Convert.ToHexStringLower(SevLaunchDigest.SevEs(Firmware.AmdSev, vcpus, Firmware.EpycV4, Firmware.EmptyKernel(""))));
    }

    [Fact]
    public void AKernelWithAFirmwareThatCannotHoldTheTable_IsAnErrorNamingTheHashTable()
    {
        Assert.Equal(OvmfPart.HashTable, Assert.Throws<OvmfFormatException>(() => SevLaunchDigest.Sev(Firmware.OvmfX64, Firmware.EmptyKernel(""))).Part);
        Assert.Equal(OvmfPart.HashTable, Assert.Throws<OvmfFormatException>(() => SevLaunchDigest.SevEs(Firmware.OvmfX64, 1, Firmware.EpycV4, Firmware.EmptyKernel(""))).Part);
    }

    [Fact]
    public void TheKernelHashesTable_HoldsEachFilesSha256_InQemusOrder()
    {
        var kernel = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();
        var initrd = new byte[] { 9, 8, 7 };

        var table = KernelHashes.Of(new MemoryStream(kernel), new MemoryStream(initrd), "root=/dev/vda").Table();

        Assert.Equal(KernelHashes.TableSize, table.Length);
        Assert.Equal(SHA256.HashData("root=/dev/vda\0"u8), table[36..68]);
        Assert.Equal(SHA256.HashData(initrd), table[86..118]);
        Assert.Equal(SHA256.HashData(kernel), table[136..168]);
        Assert.All(table[168..], b => Assert.Equal(0, b));
    }
}
