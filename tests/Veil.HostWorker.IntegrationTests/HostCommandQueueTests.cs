using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Veil.HostWorker.Hypervisors;
using Veil.Shared.Contracts;
using Veil.Storage.Queues;
using Veil.Testing;

namespace Veil.HostWorker.IntegrationTests;

/// <summary>Commands through the host's real queue (Azurite), carried out on libvirt's test driver.</summary>
public sealed class HostCommandQueueTests
{
    [Fact]
    public async Task Spawn_SentTwice_OneRunningDomainAndTwoSuccesses()
    {
        await using var worker = new SimulatedHostWorker("genoa-snp");
        await worker.StartAsync();
        var guest = GuestSpecBuilder.NewSnp("twice");

        await worker.SendAsync(SimulatedHostWorker.Spawn(guest));
        var first = await worker.NextEventAsync();
        await worker.SendAsync(SimulatedHostWorker.Spawn(guest));
        var second = await worker.NextEventAsync();

        Assert.Equal(HostCommandOutcome.Succeeded, first.Outcome);
        Assert.Equal(HostCommandOutcome.Succeeded, second.Outcome);
        Assert.Equal("running", second.DomainState);
        Assert.Equal($"instance-{guest.ServerId}", first.CorrelationId);
        Assert.Equal(worker.HostName, first.HostName);
        var xml = XDocument.Parse(second.DomainXml!).Root!;
        Assert.Equal("sev-snp", (string?)xml.Element("launchSecurity")?.Attribute("type"));
        var domains = worker.Services.GetRequiredService<Hypervisor>().ListDomains();
        Assert.Equal(guest.ServerId, Assert.Single(domains).ServerId);
    }

    [Fact]
    public async Task Command_TakenAtOnce_TheHostSaysSoBeforeItsOutcome()
    {
        await using var worker = new SimulatedHostWorker("genoa-snp");
        await worker.StartAsync();
        var spawn = SimulatedHostWorker.Spawn(GuestSpecBuilder.NewSnp("acknowledged"));

        await worker.SendAsync(spawn);
        var taken = await worker.NextEventAsync(acceptances: true);
        var outcome = await worker.NextEventAsync(acceptances: true);

        Assert.Equal((HostCommandOutcome.Accepted, spawn.CommandId, spawn.CorrelationId, worker.HostName), (taken.Outcome, taken.CommandId, taken.CorrelationId, taken.HostName));
        Assert.Equal((HostCommandOutcome.Succeeded, spawn.CommandId), (outcome.Outcome, outcome.CommandId));
    }

    [Fact]
    public async Task SameCommandDeliveredAgain_EvenAfterARestart_AnsweredOnce()
    {
        await using var worker = new SimulatedHostWorker("genoa-snp");
        await worker.StartAsync();
        var spawn = SimulatedHostWorker.Spawn(GuestSpecBuilder.NewSnp("redelivered"));

        await worker.SendAsync(spawn);
        var answer = await worker.NextEventAsync();
        await worker.SendAsync(spawn);
        await worker.StopAsync();
        await worker.StartAsync();
        await worker.SendAsync(spawn);
        var commands = await worker.CommandQueueAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await commands.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await Task.Delay(500);
        Assert.Equal((HostCommandOutcome.Succeeded, spawn.CommandId), (answer.Outcome, answer.CommandId));
        Assert.Equal(0, (await commands.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Equal(0, await worker.PendingOutcomesAsync());
    }

    [Fact]
    public async Task Spawn_SnpGuestOnSevOnlyHost_FailsNamingWhatTheHostLacks()
    {
        await using var worker = new SimulatedHostWorker("rome-sev");
        await worker.StartAsync();

        await worker.SendAsync(SimulatedHostWorker.Spawn(GuestSpecBuilder.NewSnp("snp-on-rome")));
        var outcome = await worker.NextEventAsync();

        Assert.Equal(HostCommandOutcome.Failed, outcome.Outcome);
        Assert.Equal(HostFailureCode.ModelNotSupported, outcome.Failure!.Code);
        Assert.Contains("does not offer SEV-SNP", outcome.Failure.Message, StringComparison.Ordinal);
        Assert.Equal("absent", outcome.DomainState);
        Assert.Empty(worker.Services.GetRequiredService<Hypervisor>().ListDomains());
    }

    [Fact]
    public async Task Spawn_SevGuestWithoutUefi_FailsAsInvalidGuest()
    {
        await using var worker = new SimulatedHostWorker("rome-sev");
        await worker.StartAsync();
        var guest = GuestSpecBuilder.Encrypted("amd-sev") with { ServerId = Guid.NewGuid(), ImageProperties = new Dictionary<string, string> { ["hw_firmware_type"] = "bios" } };

        await worker.SendAsync(SimulatedHostWorker.Spawn(guest));
        var outcome = await worker.NextEventAsync();

        Assert.Equal(HostFailureCode.InvalidGuest, outcome.Failure?.Code);
        Assert.Contains("hw_firmware_type", outcome.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopStartReboot_ChangeTheDomainsState_RebootOfAStoppedGuestRefused()
    {
        await using var worker = new SimulatedHostWorker("genoa-snp");
        await worker.StartAsync();
        var guest = GuestSpecBuilder.NewSnp("powered");
        await worker.SendAsync(SimulatedHostWorker.Spawn(guest));
        Assert.Equal(HostCommandOutcome.Succeeded, (await worker.NextEventAsync()).Outcome);

        async Task<HostEvent> Do(HostCommandKind kind)
        {
            await worker.SendAsync(SimulatedHostWorker.Command(kind, guest.ServerId));
            return await worker.NextEventAsync();
        }

        var stopped = await Do(HostCommandKind.Stop);
        var rebootWhileStopped = await Do(HostCommandKind.Reboot);
        var started = await Do(HostCommandKind.Start);
        var rebooted = await Do(HostCommandKind.Reboot);

        Assert.Equal(("succeeded", "shut-off"), (VeilJson.Word(stopped.Outcome), stopped.DomainState));
        Assert.Equal(HostFailureCode.NotSupported, rebootWhileStopped.Failure?.Code);
        Assert.Contains("start it instead", rebootWhileStopped.Failure!.Message, StringComparison.Ordinal);
        Assert.Equal(("succeeded", "running"), (VeilJson.Word(started.Outcome), started.DomainState));
        Assert.Equal(("succeeded", "running"), (VeilJson.Word(rebooted.Outcome), rebooted.DomainState));
    }

    [Fact]
    public async Task Destroy_MissingDomain_Succeeds()
    {
        await using var worker = new SimulatedHostWorker("intel-none");
        await worker.StartAsync();

        await worker.SendAsync(SimulatedHostWorker.Command(HostCommandKind.Destroy, Guid.NewGuid()));
        var outcome = await worker.NextEventAsync();

        Assert.Equal(HostCommandOutcome.Succeeded, outcome.Outcome);
        Assert.Equal("absent", outcome.DomainState);
    }

    [Fact]
    public async Task Destroy_RunningDomain_StopsAndUndefinesIt()
    {
        await using var worker = new SimulatedHostWorker("intel-none");
        await worker.StartAsync();
        var guest = GuestSpecBuilder.Plain("plain", Guid.NewGuid());
        await worker.SendAsync(SimulatedHostWorker.Spawn(guest));
        Assert.Equal(HostCommandOutcome.Succeeded, (await worker.NextEventAsync()).Outcome);

        await worker.SendAsync(SimulatedHostWorker.Command(HostCommandKind.Destroy, guest.ServerId));
        var outcome = await worker.NextEventAsync();

        Assert.Equal(HostCommandOutcome.Succeeded, outcome.Outcome);
        Assert.Empty(worker.Services.GetRequiredService<Hypervisor>().ListDomains());
        Assert.Empty(Directory.GetFiles(Path.Combine(worker.StateDirectory, "domains")));
    }

    [Theory]
    [InlineData(HostCommandKind.Suspend, "Suspending is not supported for SEV-SNP guests")]
    [InlineData(HostCommandKind.LiveMigrate, "Live migration is not supported for SEV-SNP guests")]
    public async Task SuspendOrMigrate_EncryptedGuest_RefusedWithReasonAndStillRunning(HostCommandKind kind, string reason)
    {
        await using var worker = new SimulatedHostWorker("genoa-snp");
        await worker.StartAsync();
        var guest = GuestSpecBuilder.NewSnp("no-suspend");
        await worker.SendAsync(SimulatedHostWorker.Spawn(guest));
        await worker.NextEventAsync();

        await worker.SendAsync(SimulatedHostWorker.Command(kind, guest.ServerId));
        var outcome = await worker.NextEventAsync();

        Assert.Equal(HostCommandOutcome.Refused, outcome.Outcome);
        Assert.Equal(HostFailureCode.NotAllowedForEncryptedGuest, outcome.Failure!.Code);
        Assert.Equal("not-allowed-for-encrypted-guest", outcome.Failure.CodeWord);
        Assert.Contains(reason, outcome.Failure.Message, StringComparison.Ordinal);
        Assert.Equal("running", outcome.DomainState);
    }

    [Fact]
    public async Task Suspend_PlainGuest_PausedThenResumed()
    {
        await using var worker = new SimulatedHostWorker("intel-none");
        await worker.StartAsync();
        var guest = GuestSpecBuilder.Plain("pausable", Guid.NewGuid());
        await worker.SendAsync(SimulatedHostWorker.Spawn(guest));
        await worker.NextEventAsync();

        await worker.SendAsync(SimulatedHostWorker.Command(HostCommandKind.Suspend, guest.ServerId));
        var suspended = await worker.NextEventAsync();
        await worker.SendAsync(SimulatedHostWorker.Command(HostCommandKind.Resume, guest.ServerId));
        var resumed = await worker.NextEventAsync();

        Assert.Equal("paused", suspended.DomainState);
        Assert.Equal("running", resumed.DomainState);
    }

    [Theory]
    [InlineData("not json at all", "Not a host command")]
    [InlineData("{\"commandId\":\"6a1f0e3c-0d55-4c0e-8a8a-0b6f3f1c2d11\",\"kind\":\"spawn\"}", "serverId")]
    [InlineData("{\"commandId\":\"6a1f0e3c-0d55-4c0e-8a8a-0b6f3f1c2d11\",\"kind\":\"hibernate\",\"serverId\":\"3b0c6f3e-7c1e-4a57-9d1c-5e2f8a9b0c12\"}", "kind")]
    [InlineData("{\"commandId\":\"6a1f0e3c-0d55-4c0e-8a8a-0b6f3f1c2d11\",\"kind\":\"spawn\",\"serverId\":\"3b0c6f3e-7c1e-4a57-9d1c-5e2f8a9b0c12\",\"issuedAt\":\"2026-12-07T17:00:00Z\"}", "a spawn command needs a guest")]
    [InlineData("{\"commandId\":\"6a1f0e3c-0d55-4c0e-8a8a-0b6f3f1c2d11\",\"kind\":\"destroy\",\"serverId\":\"3b0c6f3e-7c1e-4a57-9d1c-5e2f8a9b0c12\"}", "issuedAt")]
    [InlineData("null", "JSON null")]
    public async Task MalformedCommand_ParkedWithReason_LoopKeepsWorking(string body, string reason)
    {
        await using var worker = new SimulatedHostWorker("intel-none");
        await worker.StartAsync();

        await worker.SendAsync(body);
        await worker.SendAsync(SimulatedHostWorker.Command(HostCommandKind.Destroy, Guid.NewGuid()));
        var after = await worker.NextEventAsync();
        // Commands run side by side: the good one's answer may come before the bad one's parking.
        await worker.UntilAsync(() => worker.Parked.Count > 0, "the malformed command's parking");

        Assert.Equal(HostCommandOutcome.Succeeded, after.Outcome);
        var parked = Assert.Single(worker.Parked);
        Assert.Equal(HostQueues.Commands(worker.HostName), parked.Queue);
        Assert.Equal(body, parked.Body);
        Assert.Contains(reason, parked.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await worker.PendingOutcomesAsync());
    }

    [Fact]
    public async Task Restart_SimulatedHost_KeepsItsRunningDomains()
    {
        var state = Directory.CreateTempSubdirectory("veil-host-").FullName;
        var guest = GuestSpecBuilder.NewSnp("survivor");
        await using (var first = new SimulatedHostWorker("genoa-snp", state))
        {
            await first.StartAsync();
            await first.SendAsync(SimulatedHostWorker.Spawn(guest));
            Assert.Equal(HostCommandOutcome.Succeeded, (await first.NextEventAsync()).Outcome);
            await first.StopAsync();
        }

        await using var second = new SimulatedHostWorker("genoa-snp", state);
        await second.StartAsync();

        var domain = Assert.Single(second.Services.GetRequiredService<Hypervisor>().ListDomains());
        Assert.Equal(guest.ServerId, domain.ServerId);
        Assert.Equal("running", domain.State);
    }
}
