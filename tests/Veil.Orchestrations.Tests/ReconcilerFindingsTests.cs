using Veil.Orchestrations.Claims;
using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Shared.MemoryEncryption;

namespace Veil.Orchestrations.Tests;

/// <summary>What the reconciler reports to operators from the ledger, the servers and the hosts' domain lists.</summary>
public sealed class ReconcilerFindingsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static ServerRecord Server(Guid id, ServerStatus status, string? host, DateTimeOffset? updatedAt = null) => new()
    {
        ServerId = id,
        ProjectId = "p",
        Name = "web",
        FlavorName = "f",
        Status = status,
        HostName = host,
        UpdatedAt = updatedAt ?? Now - TimeSpan.FromMinutes(10),
    };

    private static HostDomain Domain(Guid id, MemoryEncryptionModel? model = null) => new(id, $"veil-{id}", model, "running");

    private static IReadOnlyList<string> Find(IEnumerable<ServerRecord> servers, IReadOnlyList<AsidClaim> claims, params HostDomains[] hosts) =>
        ClaimReconciler.Findings(claims, servers.ToDictionary(s => s.ServerId), hosts);

    [Fact]
    public void ServerRunningOnTwoHosts_ReportedNamingBothAndTheRecordedOne()
    {
        var id = Guid.NewGuid();
        var findings = Find([Server(id, ServerStatus.Active, "genoa")], [],
            new HostDomains("genoa", Now, [Domain(id)]), new HostDomains("milan", Now, [Domain(id)]));

        Assert.Equal($"server {id} has domains on genoa and milan; its record names genoa", Assert.Single(findings));
    }

    [Fact]
    public void DomainWhoseServerHasNoRecordOrIsDeleted_Reported()
    {
        var unknown = Guid.NewGuid();
        var deleted = Guid.NewGuid();
        var findings = Find([Server(deleted, ServerStatus.Deleted, null)], [],
            new HostDomains("genoa", Now, [Domain(unknown), Domain(deleted)]));

        Assert.Equal(2, findings.Count);
        Assert.Contains($"genoa: domain veil-{unknown} (running) belongs to server {unknown}, which has no record", findings);
        Assert.Contains($"genoa: domain veil-{deleted} (running) belongs to server {deleted}, which is DELETED", findings);
    }

    [Fact]
    public void ListPublishedBeforeTheDeleteFinished_NotReported()
    {
        var deleted = Guid.NewGuid();
        var findings = Find([Server(deleted, ServerStatus.Deleted, null, updatedAt: Now)], [],
            new HostDomains("genoa", Now - TimeSpan.FromSeconds(5), [Domain(deleted, MemoryEncryptionModel.AmdSevSnp)]));

        Assert.Empty(findings);
    }

    [Fact]
    public void EncryptedDomainWithoutASlot_ReportedButPlainAndClaimedOnesAreNot()
    {
        var unclaimed = Guid.NewGuid();
        var claimed = Guid.NewGuid();
        var plain = Guid.NewGuid();
        var findings = Find(
            [Server(unclaimed, ServerStatus.Active, "genoa"), Server(claimed, ServerStatus.Active, "genoa"), Server(plain, ServerStatus.Active, "genoa")],
            [new AsidClaim("genoa", "genoa_amd_sev_snp", 3, claimed)],
            new HostDomains("genoa", Now, [Domain(unclaimed, MemoryEncryptionModel.AmdSevSnp), Domain(claimed, MemoryEncryptionModel.AmdSevSnp), Domain(plain)]));

        Assert.Equal($"genoa: encrypted domain veil-{unclaimed} (amd-sev-snp) holds no ledger slot", Assert.Single(findings));
    }

    [Fact]
    public void ActiveServerWhoseHostListsNoDomainForIt_ReportedOnceTheListIsNewerThanTheRecord()
    {
        var gone = Guid.NewGuid();
        var justBooted = Guid.NewGuid();
        var running = Guid.NewGuid();
        var findings = Find(
            [Server(gone, ServerStatus.Shutoff, "genoa"), Server(justBooted, ServerStatus.Active, "genoa", updatedAt: Now), Server(running, ServerStatus.Active, "genoa")],
            [],
            new HostDomains("genoa", Now - TimeSpan.FromSeconds(5), [Domain(running)]));

        Assert.Equal($"genoa: server {gone} is SHUTOFF there, but the host has no domain for it", Assert.Single(findings));
    }
}
