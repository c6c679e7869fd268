using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Veil.Orchestrations.Boot;
using Veil.Orchestrations.Claims;
using Veil.Orchestrations.Servers;
using Veil.Shared.Api;
using Veil.Shared.Hosts;
using Veil.Storage;
using Veil.Storage.Leases;
using Veil.Testing;
using Veil.Shared.Contracts;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>The claim reconciler against the ledger, the servers and what the simulated hosts report.</summary>
[Collection(nameof(LocalVeil))]
public sealed class ReconcilerTests(LocalVeil stack)
{
    [Fact]
    public async Task LeakedClaim_ReleasedAndReported_ActiveServersClaimKept()
    {
        var ledger = stack.Services.GetRequiredService<AsidLedger>();
        var reconciler = stack.Services.GetRequiredService<ClaimReconciler>();
        var active = GuestSpecBuilder.Encrypted("amd-sev-snp") with { ServerId = Guid.NewGuid() };
        await stack.Servers.CreateAsync("project-r", active);
        Assert.Equal(ServerStatus.Active, (await stack.SettledAsync("project-r", active.ServerId)).Status);
        var orphan = Guid.NewGuid();
        var leaked = await ledger.ClaimAsync(stack.Genoa, $"{stack.Genoa}_amd_sev_snp", new AsidRange(1, 99), orphan);

        var report = await reconciler.ReconcileAsync();

        Assert.True(report.Released.Any(r => r.Contains($"slot {leaked!.Slot} on {stack.Genoa}_amd_sev_snp: server {orphan} has no record", StringComparison.Ordinal)), string.Join("\n", report.Released) + $"\nleaked {leaked} orphan {orphan}");
        var claims = await ledger.ListAsync();
        Assert.DoesNotContain(claims, c => c.ServerId == orphan);
        Assert.Contains(claims, c => c.ServerId == active.ServerId);
    }

    [Fact]
    public async Task BootThatEndedWithoutFinishing_ServerMarkedErrorAndSlotReleased()
    {
        var ledger = stack.Services.GetRequiredService<AsidLedger>();
        var store = stack.Services.GetRequiredService<ServerStore>();
        var client = stack.Services.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>();
        var serverId = Guid.NewGuid();
        // An orchestration that ends without making the server ACTIVE: a delete of a server nobody recorded.
        var instanceId = await client.ScheduleNewOrchestrationInstanceAsync(nameof(DeleteServer), new DeleteServerInput("project-r", Guid.NewGuid(), new BootOptions().Limits()));
        await client.WaitForInstanceCompletionAsync(instanceId);
        await store.SaveAsync(new ServerRecord { ServerId = serverId, ProjectId = "project-r", Name = "stuck", FlavorName = "f", BootInstanceId = instanceId, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
        await ledger.ClaimAsync(stack.Genoa, $"{stack.Genoa}_amd_sev_snp", new AsidRange(1, 99), serverId);

        var report = await stack.Services.GetRequiredService<ClaimReconciler>().ReconcileAsync();
        var server = await store.GetAsync("project-r", serverId);

        Assert.Equal(ServerStatus.Error, server!.Status);
        Assert.Contains($"The boot orchestration {instanceId} ended COMPLETED", server.Fault, StringComparison.Ordinal);
        Assert.DoesNotContain(await ledger.ListAsync(), c => c.ServerId == serverId);
        Assert.Contains(report.Released, r => r.Contains(serverId.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task BootNeverScheduled_ServerMarkedErrorSayingSo_ButNotOneRecordedAMomentAgo()
    {
        var store = stack.Services.GetRequiredService<ServerStore>();
        var lost = Guid.NewGuid();
        var recent = Guid.NewGuid();
        var longAgo = DateTimeOffset.UtcNow - ClaimReconciler.ScheduleSettle - TimeSpan.FromSeconds(5);
        await store.SaveAsync(new ServerRecord { ServerId = lost, ProjectId = "project-r", Name = "lost", FlavorName = "f", BootInstanceId = $"boot-{lost:N}", CreatedAt = longAgo, UpdatedAt = longAgo });
        // Its boot's start message may be on its way with no instance row written yet.
        await store.SaveAsync(new ServerRecord { ServerId = recent, ProjectId = "project-r", Name = "recent", FlavorName = "f", BootInstanceId = $"boot-{recent:N}", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });

        await stack.Services.GetRequiredService<ClaimReconciler>().ReconcileAsync();
        var server = await store.GetAsync("project-r", lost);

        Assert.Equal(ServerStatus.Error, server!.Status);
        Assert.Contains("was never scheduled", server.Fault, StringComparison.Ordinal);
        Assert.Equal(ServerStatus.Build, (await store.GetAsync("project-r", recent))!.Status);
    }

    [Fact]
    public async Task DeleteNeverScheduled_ScheduledAgain_ServerEndsDeletedAndSlotFree()
    {
        var ledger = stack.Services.GetRequiredService<AsidLedger>();
        var store = stack.Services.GetRequiredService<ServerStore>();
        var guest = GuestSpecBuilder.Encrypted("amd-sev") with { ServerId = Guid.NewGuid() };
        await stack.Servers.CreateAsync("project-r", guest);
        Assert.Equal(ServerStatus.Active, (await stack.SettledAsync("project-r", guest.ServerId)).Status);

        // As if the API died after marking the server DELETING and before scheduling DeleteServer.
        await store.UpdateAsync("project-r", guest.ServerId, s => s with { Status = ServerStatus.Deleting, Step = ServerStep.Deleting });
        var report = await stack.Services.GetRequiredService<ClaimReconciler>().ReconcileAsync();
        var server = await stack.SettledAsync("project-r", guest.ServerId);

        Assert.Contains(report.Released, r => r.Contains($"server {guest.ServerId}: its delete had not finished", StringComparison.Ordinal));
        Assert.Equal(ServerStatus.Deleted, server.Status);
        Assert.DoesNotContain(await ledger.ListAsync(), c => c.ServerId == guest.ServerId);
    }

    [Fact]
    public async Task WhileAnotherProcessHoldsTheTurn_NoRound_ThenOneAsSoonAsItIsGivenUp()
    {
        var reconciler = stack.Services.GetRequiredService<ClaimReconciler>();
        var container = await stack.Services.GetRequiredService<StorageAccount>().ContainerAsync(ClaimReconciler.LeaseContainer);
        var blob = container.GetBlobClient(ClaimReconciler.LeaseBlob);
        // Another Orchestrations process's turn (this stack's own reconciler may be mid-round: wait for it to end).
        BlobLease? other = null;
        for (var tries = 0; other is null && tries < 300; tries++)
        {
            other = await BlobLease.TryAcquireAsync(blob, Guid.NewGuid(), ClaimReconciler.TurnDuration, TimeProvider.System);
            await Task.Delay(other is null ? 250 : 0);
        }

        Assert.NotNull(other);
        await using (other)
        {
            Assert.Null(await reconciler.TryReconcileAsync());
            using var admin = stack.Api("ops", "admin");
            using var asked = await admin.GetAsync("/api/reconciliation?now=true");
            Assert.Equal(HttpStatusCode.Conflict, asked.StatusCode);
            Assert.Contains("Another Orchestrations process", (await asked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }

        Assert.NotNull(await reconciler.TryReconcileAsync());
    }
}
