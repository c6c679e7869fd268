using Veil.Chaos.Runs;

namespace Veil.Chaos.Tests;

/// <summary>A failed run's report carries what the logs said of the servers its invariants named.</summary>
public sealed class EvidenceTests : IDisposable
{
    private readonly DirectoryInfo logs = Directory.CreateTempSubdirectory("veil-evidence-");

    [Fact]
    public void FailedInvariant_TheLinesOfEveryLogNamingItsServer_AndNoOthers()
    {
        const string Server = "46eca4db-7d15-5f99-963f-38200b35d67c";
        File.WriteAllLines(Path.Combine(logs.FullName, "hostworker-genoa-snp.log"), ["spawn 46ECA4DB-7d15-5f99-963f-38200b35d67c defined", "spawn 11111111-2222-3333-4444-555555555555 defined"]);
        File.WriteAllLines(Path.Combine(logs.FullName, "orchestrations-a.log"), [$"boot {Server} ACTIVE on genoa-snp"]);
        Invariant[] found =
        [
            new("ACTIVE servers == domains defined on hosts", false, $"ACTIVE without a domain: [{Server}@genoa-snp]"),
            new("no ASID slot claimed twice", true, "none"),
        ];

        var evidence = Evidence.For(found, logs.FullName);

        Assert.Equal(
            [$"server {Server}:", "  hostworker-genoa-snp: spawn 46ECA4DB-7d15-5f99-963f-38200b35d67c defined", $"  orchestrations-a: boot {Server} ACTIVE on genoa-snp"],
            evidence);
    }

    [Fact]
    public void EveryInvariantHolds_NoEvidence()
    {
        File.WriteAllLines(Path.Combine(logs.FullName, "portal.log"), ["46eca4db-7d15-5f99-963f-38200b35d67c"]);

        Assert.Empty(Evidence.For([new Invariant("x", true, "46eca4db-7d15-5f99-963f-38200b35d67c")], logs.FullName));
    }

    public void Dispose() => logs.Delete(recursive: true);
}
