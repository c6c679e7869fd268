using System.Security.Cryptography;
using Veil.Shared.Attestation;
using Veil.Testing;

namespace Veil.Shared.Tests.Attestation;

/// <summary>The VMSA pages and vCPU signatures, against the values in the attestation facts and the host fixtures.</summary>
public sealed class VmsaTests
{
    [Theory]
    [InlineData(14, 1, 2, 0x00000e12u)]
    [InlineData(23, 1, 2, 0x00800f12u)]
    [InlineData(25, 17, 1, 0x00a10f11u)]
    [InlineData(23, 49, 0, 0x00830f10u)]
    public void TheSignature_EncodesFamilyModelAndStepping_AsCpuidDoes(int family, int model, int stepping, uint expected)
    {
        Assert.Equal(expected, CpuSignature.Of(family, model, stepping).Value);
    }

    [Theory]
    [InlineData("genoa-snp", 0x00a10f11u)]
    [InlineData("rome-sev", 0x00830f11u)]
    public void AHostsSignature_IsReadFromItsCpuinfo(string host, uint expected)
    {
        Assert.Equal(expected, CpuSignature.FromCpuinfo(File.ReadAllText(Path.Combine(RepoPaths.HostFixture(host), "proc", "cpuinfo")))?.Value);
    }

    [Fact]
    public void CpuinfoWithoutFamilyModelOrStepping_GivesNoSignature()
    {
        Assert.Null(CpuSignature.FromCpuinfo("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel\t\t: 1\n"));
    }

    [Theory]
    [InlineData(Vmsa.BspResetEip, 0x00800f12u, "77920c4c", "d51c553a")]
    [InlineData(0x0080b004u, 0x00800f12u, "8413b852", "385bf7b4")]
    [InlineData(Vmsa.BspResetEip, 0x00a10f11u, "238e2abc", "d01d9fda")]
    [InlineData(0x0080b004u, 0x00a10f11u, "6f5b2608", "22b4a2cfea")]
    public void TheSnpVmsaPage_HashesToTheValueInTheFacts(uint eip, uint signature, string starts, string ends)
    {
        var hash = Convert.ToHexStringLower(SHA384.HashData(Vmsa.Page(eip, new CpuSignature(signature), SnpLaunchDigest.SnpActive, VmType.Init2)));

        Assert.StartsWith(starts, hash, StringComparison.Ordinal);
        Assert.EndsWith(ends, hash, StringComparison.Ordinal);
    }
}
