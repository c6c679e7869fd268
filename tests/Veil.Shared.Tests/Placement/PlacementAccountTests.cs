using Veil.Shared.Placement;

namespace Veil.Shared.Tests.Placement;

public sealed class PlacementAccountTests
{
    private static readonly PlacementRejection Rome = new("rome", "no HW_CPU_X86_AMD_SEV_SNP: does not offer SEV-SNP", PlacementRejectionKind.ModelNotOffered);

    private static readonly PlacementAccount Placed = new("genoa-1", [], [Rome]);

    [Fact]
    public void BootEndsOnAnAlternate_TheAccountNamesTheHostItEndedOn_AfterTheOnesThatFailed()
    {
        var active = Placed.EndedOn("genoa-2", [new PlacementAttempt("genoa-1", "libvirt: no memory")]);

        Assert.Equal("genoa-2", active.Chosen);
        Assert.Equal("Chose genoa-2 after genoa-1 failed (libvirt: no memory); left out rome: no HW_CPU_X86_AMD_SEV_SNP: does not offer SEV-SNP.", active.Explain());
    }

    [Fact]
    public void EveryHostTriedFailed_TheAccountChoosesNone_AndSaysWhatWasTried()
    {
        var error = Placed.EndedOn(null, [new PlacementAttempt("genoa-1", "did not take the command within 10 s")]);

        Assert.Null(error.Chosen);
        Assert.Equal("No valid host was found. Tried genoa-1 failed (did not take the command within 10 s). rome: no HW_CPU_X86_AMD_SEV_SNP: does not offer SEV-SNP.", error.Explain());
    }

    [Fact]
    public void AFleetOfHundreds_TheSentenceNamesTheFirstFewAndCountsTheRestByKind_TheAccountKeepsEveryHost()
    {
        var leftOut = Enumerable.Range(0, 500).Select(i => new PlacementRejection($"host-{i:D3}", i % 5 == 0 ? "every slot claimed" : "no HW_CPU_X86_AMD_SEV_SNP: does not offer SEV-SNP",
            i % 5 == 0 ? PlacementRejectionKind.Full : PlacementRejectionKind.ModelNotOffered)).ToList();
        var account = new PlacementAccount("genoa", [], leftOut);

        var sentence = account.Explain();

        Assert.Equal(500, account.LeftOut.Count);
        Assert.Contains("host-009: no HW_CPU_X86_AMD_SEV_SNP", sentence, StringComparison.Ordinal);
        Assert.DoesNotContain("host-010", sentence, StringComparison.Ordinal);
        Assert.EndsWith("… and 490 more hosts left out (model-not-offered: 392, full: 98).", sentence, StringComparison.Ordinal);
        Assert.True(sentence.Length < 2000, $"{sentence.Length} characters");
    }
}
