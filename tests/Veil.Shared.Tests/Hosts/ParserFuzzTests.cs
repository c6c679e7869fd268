using System.Text;
using Veil.Shared.Hosts;

namespace Veil.Shared.Tests.Hosts;

/// <summary>The probe's parsers take text from the host; mangled text must give "unknown", never an exception.</summary>
public sealed class ParserFuzzTests
{
    [Fact]
    public void Evaluate_MutatedFixtureInputs_NeverThrows()
    {
        var random = new Random(7);
        var hosts = new[] { "genoa-snp", "rome-sev", "intel-none" }.Select(h => HostFixture.Load(h)).ToArray();
        var sawSupported = false;
        var sawUnsupported = false;
        for (var i = 0; i < 3000; i++)
        {
            var original = hosts[i % hosts.Length];
            var inputs = original with
            {
                CpuInfo = Mutate(random, original.CpuInfo),
                DomainCapabilitiesXml = Mutate(random, original.DomainCapabilitiesXml),
                KvmAmdParameters = original.KvmAmdParameters.ToDictionary(kv => kv.Key, kv => Mutate(random, kv.Value)),
                FirmwareDescriptors = original.FirmwareDescriptors.Select(d => KeyValuePair.Create(d.Key, Mutate(random, d.Value) ?? "")).ToList(),
                KernelRelease = Mutate(random, original.KernelRelease),
            };

            var caps = HostCapabilityRules.Evaluate(inputs);

            Assert.All(caps.SupportedModels, m => Assert.NotNull(caps.ProviderFor(m)));
            Assert.All(caps.SupportedModels, m => Assert.Empty(caps.Blocking(m)));
            sawSupported |= caps.SupportedModels.Count > 0;
            sawUnsupported |= caps.SupportedModels.Count == 0;
        }

        Assert.True(sawSupported && sawUnsupported, "the mutations should leave some hosts capable and break others");
    }

    [Theory]
    [InlineData("9.2.0", 9, 2, 0)]
    [InlineData("6.14.0-15-generic", 6, 14, 0)]
    [InlineData("QEMU emulator version 9.1.2 (Debian 1:9.1.2+ds-1)", 9, 1, 2)]
    [InlineData("11.3", 11, 3, 0)]
    public void VersionText_CommonForms_Parsed(string text, int major, int minor, int build)
    {
        Assert.Equal(new Version(major, minor, build), VersionText.Parse(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("unknown")]
    [InlineData("99999999999.1")]
    public void VersionText_NoVersion_Null(string? text)
    {
        Assert.Null(VersionText.Parse(text));
    }

    [Fact]
    public void FromLibvirtNumber_PackedVersion_Unpacked()
    {
        Assert.Equal(new Version(11, 3, 0), VersionText.FromLibvirtNumber(11_003_000));
    }

    [Fact]
    public void ParseFlags_FlagMissingOnOneCpu_NotCounted()
    {
        var flags = CpuInfo.ParseFlags("processor\t: 0\nflags\t\t: sev sev_es\n\nprocessor\t: 1\nflags\t\t: sev\n");

        Assert.Equal(["sev"], flags!);
    }

    [Fact]
    public void ParseFlags_NoFlagsLine_Unknown()
    {
        Assert.Null(CpuInfo.ParseFlags("processor : 0\nvendor_id : AuthenticAMD\n"));
    }

    private static string? Mutate(Random random, string? text)
    {
        switch (random.Next(8))
        {
            case 0: return null;
            case 1: return "";
            case 2 when text is not null: return text[..random.Next(text.Length + 1)];
            case 3 when text is not null:
                var builder = new StringBuilder(text);
                for (var n = random.Next(1, 20); n > 0 && builder.Length > 0; n--)
                {
                    builder[random.Next(builder.Length)] = (char)random.Next(0, 0x3000);
                }

                return builder.ToString();
            case 4: return "<domainCapabilities><features><sev supported='yes'><maxGuests>" + random.Next() + "</maxGuests></sev></features></domainCapabilities>";
            default: return text;
        }
    }
}
