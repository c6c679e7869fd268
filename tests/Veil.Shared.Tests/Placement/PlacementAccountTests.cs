using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Shared.Placement;

namespace Veil.Shared.Tests.Placement;

public sealed class PlacementAccountTests
{
    private static readonly PlacementRejection Rome = new("rome", "no HW_CPU_X86_AMD_SEV_SNP: does not offer SEV-SNP", PlacementRejectionKind.ModelNotOffered);

    private static ServerRecord Placed(string host) => new()
    {
        ServerId = Guid.NewGuid(), ProjectId = "p", Name = "web", FlavorName = "snp", HostName = host,
        PlacementAccount = new PlacementAccount("genoa-1", [], [Rome]), Placement = "Chose genoa-1; left out rome: no HW_CPU_X86_AMD_SEV_SNP: does not offer SEV-SNP.",
    };

    [Fact]
    public void BootEndsOnAnAlternate_TheAccountNamesTheHostItEndedOn_AfterTheOnesThatFailed()
    {
        var active = Placed("genoa-2").WithBootOutcome(ServerStatus.Active, null, "<domain/>", tried: [new PlacementAttempt("genoa-1", "libvirt: no memory")]);

        Assert.Equal("genoa-2", active.PlacementAccount!.Chosen);
        Assert.Equal("Chose genoa-2 after genoa-1 failed (libvirt: no memory); left out rome: no HW_CPU_X86_AMD_SEV_SNP: does not offer SEV-SNP.", active.Placement);
    }

    [Fact]
    public void EveryHostTriedFailed_TheAccountChoosesNone_AndSaysWhatWasTried()
    {
        var error = Placed("genoa-1").WithBootOutcome(ServerStatus.Error, "No valid host was found: …", null, tried: [new PlacementAttempt("genoa-1", "did not take the command within 10 s")]);

        Assert.Null(error.PlacementAccount!.Chosen);
        Assert.Equal("No valid host was found. Tried genoa-1 failed (did not take the command within 10 s). rome: no HW_CPU_X86_AMD_SEV_SNP: does not offer SEV-SNP.", error.Placement);
        Assert.Null(error.ForTenant().PlacementAccount);
    }
}
