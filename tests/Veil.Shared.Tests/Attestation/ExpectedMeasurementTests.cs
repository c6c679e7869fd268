using Veil.Shared.Attestation;

namespace Veil.Shared.Tests.Attestation;

/// <summary>A host's measurement is outside input to the Orchestrations side: what is malformed in it is named.</summary>
public sealed class ExpectedMeasurementTests
{
    private static readonly ExpectedMeasurement Sound = new()
    {
        Measurement = new string('a', 96), FirmwarePath = "/usr/share/edk2/ovmf/OVMF.amdsev.fd", FirmwareSha256 = new string('b', 64),
        VCpus = 2, CpuSignature = "0x00a10f11", SevFeatures = "0x1", Policy = "0x00030000", HostData = new string('c', 64),
    };

    [Fact]
    public void ASoundOne_HasNoProblems() => Assert.Empty(Sound.Problems());

    [Theory]
    [InlineData("measurement")]
    [InlineData("policy")]
    [InlineData("hostData")]
    [InlineData("vCpus")]
    [InlineData("neither")]
    public void EachMalformedField_IsNamed(string field)
    {
        var broken = field switch
        {
            "measurement" => Sound with { Measurement = "ABC" },
            "policy" => Sound with { Policy = "lots" },
            "hostData" => Sound with { HostData = new string('c', 63) },
            "vCpus" => Sound with { VCpus = 0 },
            _ => Sound with { Measurement = null },
        };

        Assert.Contains(broken.Problems(), p => p.Contains(field == "neither" ? "either a measurement or the problem" : $"attestation.{field}", StringComparison.Ordinal));
    }
}
