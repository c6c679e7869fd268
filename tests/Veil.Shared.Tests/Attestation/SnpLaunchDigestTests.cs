using Veil.Shared.Attestation;

namespace Veil.Shared.Tests.Attestation;

/// <summary>The SNP launch digest against every vector published with sev-snp-measure v0.0.13 (QEMU flavour).</summary>
public sealed class SnpLaunchDigestTests
{
    [Theory]
    [InlineData(1, 0x21ul, "console=ttyS0 loglevel=7", "803f691094946e42068aaa3a8f9e26a5c89f36f7b73ecfb28c653360fe4b3aba7e534442e7e1e17895dfe778d0228977")]
    [InlineData(1, 0x1ul, "console=ttyS0 loglevel=7", "6d287813eb5222d770f75005c664e34c204f385ce832cc2ce7d0d6f354454362f390ef83a92046c042e706363b4b08fa")]
    [InlineData(4, 0x21ul, "", "4953b1fb416fa874980e8442b3706d345926d5f38879134e00813c5d7abcbe78eafe7b422907be0b4698e2414a631942")]
    [InlineData(4, 0x1ul, "", "5061fffb019493a903613d56d54b94912a1a2f9e4502385f5c194616753720a92441310ba6c4933de877c36e23046ad5")]
    public void AmdSevFirmware_WithKernelHashes_MatchesThePublishedVector(int vcpus, ulong features, string cmdline, string expected)
    {
        var digest = SnpLaunchDigest.Compute(Firmware.AmdSev, new SnpLaunchInputs(vcpus, Firmware.EpycV4, features, Firmware.EmptyKernel(cmdline)));

        Assert.Equal(expected, Convert.ToHexStringLower(digest));
    }

    [Theory]
    [InlineData("amdsev", 0x21ul, "e1e1ca029dd7973ab9513295be68198472dcd4fc834bd9af9b63f6e8a1674dbf281a9278a4a2ebe0eed9f22adbcd0e2b")]
    [InlineData("amdsev", 0x1ul, "19358ba9a7615534a9a1e2f0dfc29384dcd4dcb7062ff9c6013b26869a5fc6ecabe033c48dd6f6db5d6d76e7c5df632d")]
    [InlineData("ovmfx64", 0x21ul, "28797ae0afaba4005a81e629acebfb59e6687949d6be44007cd5506823b0dd66f146aaae26ff291eed7b493d8a64c385")]
    [InlineData("ovmfx64", 0x1ul, "da0296de8193586a5512078dcd719eccecbd87e2b825ad4148c44f665dc87df21e5b49e21523a9ad993afdb6a30b4005")]
    public void DiskBoot_MatchesThePublishedVector(string firmware, ulong features, string expected)
    {
        var image = firmware == "amdsev" ? Firmware.AmdSev : Firmware.OvmfX64;

        Assert.Equal(expected, Convert.ToHexStringLower(SnpLaunchDigest.Compute(image, new SnpLaunchInputs(1, Firmware.EpycV4, features))));
    }

    [Theory]
    [InlineData(0x21ul, "329c8ce0972ae52343b64d34a434a86f245dfd74f5ed7aae15d22efc78fb9683632b9b50e4e1d7fa41179ef98a7ef198")]
    [InlineData(0x1ul, "ddc5224521617a536ee7ce9dd6224d1b58a8d4fda1c741f3ac99fc4bfa04ba6e9fc98646d4a07a9079397fa3852819b5")]
    public void TheFirmwaresOwnDigest_MatchesThePublishedOvmfHash_AndTheChainResumesFromIt(ulong features, string expected)
    {
        var firmwareDigest = SnpLaunchDigest.OfFirmware(Firmware.AmdSev);
        var inputs = new SnpLaunchInputs(1, Firmware.EpycV4, features, Firmware.EmptyKernel(""));

        Assert.Equal("086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa16aff8c374c2a55c467a50da6d466b74", Convert.ToHexStringLower(firmwareDigest));
        Assert.Equal(expected, Convert.ToHexStringLower(SnpLaunchDigest.Compute(Firmware.AmdSev, inputs, firmwareDigest)));
        Assert.Equal(expected, Convert.ToHexStringLower(SnpLaunchDigest.Compute(Firmware.AmdSev, inputs)));
    }

    [Fact]
    public void AKernelWithAFirmwareWithoutTheKernelHashesSection_IsAnErrorNamingTheSection()
    {
        var error = Assert.Throws<OvmfFormatException>(() => SnpLaunchDigest.Compute(Firmware.OvmfX64, new SnpLaunchInputs(1, Firmware.EpycV4, Kernel: Firmware.EmptyKernel(""))));

        Assert.Equal(OvmfPart.SevMetadata, error.Part);
        Assert.Contains("SNP_KERNEL_HASHES", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EachInput_ChangesTheDigest_TheKernelFileWhole()
    {
        var kernel = Enumerable.Range(0, 10_000).Select(i => (byte)(i * 7)).ToArray();
        SnpLaunchInputs With(byte[] k, string cmdline = "console=ttyS0", int vcpus = 2, uint signature = 0x00a10f11) =>
            new(vcpus, new CpuSignature(signature), Kernel: KernelHashes.Of(new MemoryStream(k), new MemoryStream([1, 2, 3]), cmdline));
        string Digest(SnpLaunchInputs inputs) => Convert.ToHexStringLower(SnpLaunchDigest.Compute(Firmware.AmdSev, inputs));

        var baseline = Digest(With(kernel));
        var lastByte = (byte[])kernel.Clone();
        lastByte[^1] ^= 1;

        Assert.Equal(baseline, Digest(With([.. kernel])));
        Assert.All(
            [Digest(With(lastByte)), Digest(With(kernel, "console=ttyS1")), Digest(With(kernel, vcpus: 3)), Digest(With(kernel, signature: 0x00a10f10))],
            other => Assert.NotEqual(baseline, other));
    }

    /// <summary>
    /// Vectors of our own for Debian 12's <c>ovmf</c> 2022.11-6+deb12u2 (<c>/usr/share/ovmf/OVMF.fd</c>), made with
    /// tests/fixtures/attestation/snp_digest_reference.py — a second implementation, in Python, written from the
    /// facts apart from this library (it reproduces the published disk-boot vectors too).
    /// </summary>
    [Theory]
    [InlineData(1, 0x00800f12u, "11570979c77a0adb515761a702527c8b9e11554e730552621d950988613a3a75c6ff1703f540bd22a9beede8fe7a97e3")]
    [InlineData(4, 0x00a10f11u, "cc7b2eaaaf1b7ba3ddf6f81e524a9e99f5e089e9e7c4703ca2552243c513127190fcb476190a7fa72e369d21ff555030")]
    [InlineData(2, 0x00830f11u, "4365bcf34ba0bc9517fb47b7b416238dd8e280bed99bf115107cc32c25cfda25dab4c468b6794d7c24f3a5f0c4c23ff2")]
    public void DebiansOvmf_MatchesTheReferenceImplementationsVector(int vcpus, uint signature, string expected)
    {
        var bytes = File.ReadAllBytes(Firmware.DebianPath);
        Assert.True(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) == "7b456907dd0786d415999e801a1ac4637b8ed4d7cf5378cfc6edbe5e574dd773",
            $"{Firmware.DebianPath} is not the build these vectors were made for (ovmf 2022.11-6+deb12u2): make them again with snp_digest_reference.py");

        Assert.Equal(expected, Convert.ToHexStringLower(SnpLaunchDigest.Compute(OvmfImage.Parse(bytes), new SnpLaunchInputs(vcpus, new CpuSignature(signature)))));
    }
}
