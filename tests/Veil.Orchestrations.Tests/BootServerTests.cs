using DurableTask.Core;
using DurableTask.Core.History;
using Veil.Orchestrations.Boot;
using Veil.Orchestrations.Boot.Activities;
using Veil.Orchestrations.Claims;
using Veil.Orchestrations.Servers;
using Veil.Shared.Contracts;
using Veil.Shared.Hosts;
using Veil.Shared.Placement;
using Veil.Testing;

namespace Veil.Orchestrations.Tests;

/// <summary>BootServer's branches, its activities faked: failover, silent hosts, lost claims, deletes, outages.</summary>
public sealed class BootServerTests
{
    private static readonly BootLimits Limits = new(MaxAttempts: 3, HostAckTimeout: TimeSpan.FromSeconds(10), HostResultTimeout: TimeSpan.FromSeconds(60), BootSettleTimeout: TimeSpan.FromMinutes(15));
    private static readonly BootServerInput Input = new("project-a", GuestSpecBuilder.Encrypted("amd-sev-snp") with { ServerId = Guid.NewGuid() }, Limits);

    private readonly OrchestrationDriver driver = new(new BootServer(), OrchestrationsExtensions.DataConverter);
    private readonly Dictionary<string, Func<HostCommand, HostEvent?>> hosts = [];

    private static PlacementCandidate Snp(string host) => new(host, $"{host}_amd_sev_snp", new AsidRange(1, 99), 10, 99);

    private static HostEvent Answer(HostCommand command, string host, HostCommandOutcome outcome, HostFailure? failure = null) =>
        new(command.CommandId, command.CorrelationId, command.Kind, command.ServerId, host, outcome, outcome == HostCommandOutcome.Succeeded ? "running" : "absent", DateTimeOffset.UnixEpoch,
            outcome == HostCommandOutcome.Succeeded ? $"<domain><name>on {host}</name></domain>" : null, failure);

    /// <summary>
    /// Fakes for every activity: placement offers <paramref name="candidates"/>, claims succeed, each host in
    /// <see cref="hosts"/> takes the command (Accepted) and answers as set up (null: never); other hosts are gone.
    /// </summary>
    private OrchestrationDriver Placed(params PlacementCandidate[] candidates)
    {
        var slot = 0;
        return driver
            .Activity<BootServerInput, PlacementOutcome>(nameof(SelectHosts), _ => new PlacementOutcome(candidates, $"Chose {candidates.FirstOrDefault()?.HostName}; left out nobody", null))
            .Activity<ClaimRequest, AsidClaim?>(nameof(ClaimAsid), r => new AsidClaim(r.HostName, r.ProviderName, ++slot, r.ServerId))
            .Activity<AsidClaim, int>(nameof(ReleaseAsid), _ => 1)
            .Activity<SpawnRequest, SpawnStarted>(nameof(SpawnServer), r =>
            {
                if (hosts.TryGetValue(r.HostName, out var host))
                {
                    driver.Raise(BootEvents.HostResult, HostEvent.Accepted(r.Command, r.HostName, DateTimeOffset.UnixEpoch));
                    if (host(r.Command) is { } answer)
                    {
                        driver.Raise(BootEvents.HostResult, answer);
                    }
                }

                return new SpawnStarted(true, null);
            })
            .Activity<HostCommandRequest, bool>(nameof(SendHostCommand), _ => true)
            .Activity<BootOutcome, string?>(nameof(RecordOutcome), _ => null);
    }

    [Fact]
    public void FirstHostFails_ItsClaimIsReleased_AndTheNextAlternateBoots()
    {
        hosts["a"] = c => Answer(c, "a", HostCommandOutcome.Failed, new HostFailure(HostFailureCode.Libvirt, "no memory"));
        hosts["b"] = c => Answer(c, "b", HostCommandOutcome.Succeeded);

        var (status, output, _) = Placed(Snp("a"), Snp("b")).Run<BootServerInput, ServerStatus>(Input);

        Assert.Equal((OrchestrationStatus.Completed, ServerStatus.Active), (status, output));
        Assert.Equal(["a", "b"], driver.CallsOf<SpawnRequest>(nameof(SpawnServer)).Select(s => s.HostName));
        Assert.Equal("a_amd_sev_snp", Assert.Single(driver.CallsOf<AsidClaim>(nameof(ReleaseAsid))).ProviderName);
        var outcome = Assert.Single(driver.CallsOf<BootOutcome>(nameof(RecordOutcome)));
        Assert.Equal(ServerStatus.Active, outcome.Status);
        Assert.Equal("<domain><name>on b</name></domain>", outcome.DomainXml);
        Assert.Equal([new PlacementAttempt("a", "libvirt: no memory")], outcome.Tried!); // placement's account names b after a
        Assert.Empty(driver.CallsOf<HostCommandRequest>(nameof(SendHostCommand)));
    }

    [Fact]
    public void GoneHost_NeverTakesTheCommand_AfterTheShortAckTimeoutGetsADestroyAndItsClaimReleased_ThenTheNextHostBoots()
    {
        hosts["b"] = c => Answer(c, "b", HostCommandOutcome.Succeeded);
        var start = driver.Now;

        var (status, output, _) = Placed(Snp("a"), Snp("b")).Run<BootServerInput, ServerStatus>(Input);

        Assert.Equal((OrchestrationStatus.Completed, ServerStatus.Active), (status, output));
        var destroy = Assert.Single(driver.CallsOf<HostCommandRequest>(nameof(SendHostCommand)));
        Assert.Equal(("a", HostCommandKind.Destroy, Input.Guest.ServerId), (destroy.HostName, destroy.Command.Kind, destroy.Command.ServerId));
        Assert.Equal("a_amd_sev_snp", Assert.Single(driver.CallsOf<AsidClaim>(nameof(ReleaseAsid))).ProviderName);
        Assert.Equal(Limits.HostAckTimeout, driver.Now - start); // not the spawn's minute
    }

    [Fact]
    public void HostTakesTheSpawnAndFallsSilent_WaitsTheSpawnTimeout_ThenFailsOverSayingWhichLimitRanOut()
    {
        hosts["a"] = _ => null;
        var start = driver.Now;

        var (status, _, failure) = Placed(Snp("a")).Run<BootServerInput, ServerStatus>(Input);

        Assert.Equal(OrchestrationStatus.Failed, status);
        Assert.Equal(Limits.HostResultTimeout, driver.Now - start);
        Assert.StartsWith("No valid host was found: every host tried failed (a: no answer within 60 s).", failure!.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("a", Assert.Single(driver.CallsOf<HostCommandRequest>(nameof(SendHostCommand))).HostName);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void HostAnswersAsItsTimeoutFires_AndTheEpisodeThatTimedOutIsLost_TheServerIsActiveThereAndItsDomainIsNotDestroyed(bool lostAnswersFirst)
    {
        driver.LostAnswersFirst = lostAnswersFirst;
        // The chaos run's "ACTIVE without a domain": the episode that took the timeout sent its destroy and died
        // before its commit; its rerun saw the host's late success first and ended ACTIVE on that host.
        HostCommand? spawn = null;
        hosts["a"] = c =>
        {
            spawn = c;
            return null;
        };
        hosts["b"] = c => Answer(c, "b", HostCommandOutcome.Succeeded);
        var start = driver.Now;
        driver.LoseEpisode(
            events => events.OfType<TimerFiredEvent>().Any(t => t.FireAt >= start + Limits.HostResultTimeout),
            () => driver.Raise(BootEvents.HostResult, Answer(spawn!, "a", HostCommandOutcome.Succeeded)));

        var (status, output, _) = Placed(Snp("a"), Snp("b")).Run<BootServerInput, ServerStatus>(Input);

        Assert.Equal((OrchestrationStatus.Completed, ServerStatus.Active), (status, output));
        Assert.Equal("a", Assert.Single(driver.CallsOf<BootOutcome>(nameof(RecordOutcome))).HostName);
        Assert.Empty(driver.CallsOf<HostCommandRequest>(nameof(SendHostCommand))); // a keeps the domain the server runs in
        Assert.Empty(driver.CallsOf<AsidClaim>(nameof(ReleaseAsid)));
        Assert.Equal(["a"], driver.CallsOf<SpawnRequest>(nameof(SpawnServer)).Select(s => s.HostName));
    }

    [Fact]
    public void EpisodeThatGaveUpOnASlowHostIsLost_ItsRerunSeesTheHostTakeIt_WaitsForTheAnswerInsteadOfFailingOver()
    {
        // The rerun waits on a new timer where the lost episode had put its checkpoint: the checkpoint's held
        // completion ends that timer early, which must not count as the host's timeout.
        var spawns = new List<SpawnRequest>();
        Placed(Snp("a"), Snp("b")).Activity<SpawnRequest, SpawnStarted>(nameof(SpawnServer), r =>
        {
            spawns.Add(r);
            return new SpawnStarted(true, null); // a takes the command only after its acknowledgement timeout
        });
        var start = driver.Now;
        driver.LoseEpisode(
            events => events.OfType<TimerFiredEvent>().Any(t => t.FireAt >= start + Limits.HostAckTimeout),
            () =>
            {
                driver.Raise(BootEvents.HostResult, HostEvent.Accepted(spawns[0].Command, "a", DateTimeOffset.UnixEpoch));
                driver.RaiseAt(start + TimeSpan.FromSeconds(40), BootEvents.HostResult, Answer(spawns[0].Command, "a", HostCommandOutcome.Succeeded));
            });

        var (status, output, _) = driver.Run<BootServerInput, ServerStatus>(Input);

        Assert.Equal((OrchestrationStatus.Completed, ServerStatus.Active), (status, output));
        Assert.Equal("a", Assert.Single(driver.CallsOf<BootOutcome>(nameof(RecordOutcome))).HostName);
        Assert.Equal(["a"], spawns.Select(s => s.HostName));
        Assert.Empty(driver.CallsOf<HostCommandRequest>(nameof(SendHostCommand)));
    }

    [Fact]
    public void LostEpisodesTimerFiresWhereItsRerunPutTheCheckpoint_TheBootGoesOn()
    {
        // The lost episode skipped another command's answer and waited again on a new timer; its rerun, late, took
        // the timeout and put its checkpoint at that timer's id, so that timer's firing completes the checkpoint.
        Placed(Snp("a"), Snp("b")).Activity<SpawnRequest, SpawnStarted>(nameof(SpawnServer), r =>
        {
            if (r.HostName == "b")
            {
                driver.Raise(BootEvents.HostResult, HostEvent.Accepted(r.Command, "b", DateTimeOffset.UnixEpoch));
                driver.Raise(BootEvents.HostResult, Answer(r.Command, "b", HostCommandOutcome.Succeeded));
            }

            return new SpawnStarted(true, null);
        });
        var start = driver.Now;
        var stray = Guid.NewGuid();
        driver.RaiseAt(start + TimeSpan.FromSeconds(5), BootEvents.HostResult, HostEvent.Accepted(new HostCommand(stray, HostCommandKind.Spawn, Input.Guest.ServerId, DateTimeOffset.UnixEpoch, null, "an-older-boot"), "a", DateTimeOffset.UnixEpoch));
        driver.LoseEpisode(events => events.OfType<EventRaisedEvent>().Any(e => e.Input?.Contains(stray.ToString(), StringComparison.Ordinal) == true), () => { }, delay: TimeSpan.FromSeconds(20));

        var (status, output, failure) = driver.Run<BootServerInput, ServerStatus>(Input);

        Assert.True(status == OrchestrationStatus.Completed, $"{status}: {failure?.ErrorMessage} {failure?.InnerFailure?.ErrorMessage}");
        Assert.Equal(ServerStatus.Active, output);
        Assert.Equal("b", Assert.Single(driver.CallsOf<BootOutcome>(nameof(RecordOutcome))).HostName);
        Assert.Equal(("a", HostCommandKind.Destroy), driver.CallsOf<HostCommandRequest>(nameof(SendHostCommand)).Select(c => (c.HostName, c.Command.Kind)).Single());
    }

    [Fact]
    public void NoHostTakesTheSpawn_TheLastOneIsWaitedForInFull_FaultSaysTheHostsDidNotTakeIt()
    {
        var start = driver.Now;

        var (_, _, failure) = Placed(Snp("a"), Snp("b")).Run<BootServerInput, ServerStatus>(Input);

        // a has an alternate after it and is given up on quickly; b has none, and a restarting host deserves its minute.
        Assert.StartsWith("No valid host was found: every host tried failed (a: did not take the command within 10 s; b: did not take the command within 60 s).", failure!.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(Limits.HostAckTimeout + Limits.HostResultTimeout, driver.Now - start);
    }

    [Fact]
    public void EveryHostFails_ErrorNamesEachHostsFailure_AndEveryClaimIsReleased()
    {
        hosts["a"] = c => Answer(c, "a", HostCommandOutcome.Failed, new HostFailure(HostFailureCode.Libvirt, "no memory"));
        hosts["b"] = c => Answer(c, "b", HostCommandOutcome.Failed, new HostFailure(HostFailureCode.Libvirt, "SEV firmware busy"));

        var (status, _, failure) = Placed(Snp("a"), Snp("b")).Run<BootServerInput, ServerStatus>(Input);

        // The server's ERROR is recorded first; then the orchestration fails with its fault.
        Assert.Equal(OrchestrationStatus.Failed, status);
        var outcome = Assert.Single(driver.CallsOf<BootOutcome>(nameof(RecordOutcome)));
        Assert.Equal(outcome.Fault, failure!.ErrorMessage);
        Assert.Equal("No valid host was found: the hosts tried could not start it (libvirt).", outcome.TenantFault);
        Assert.Equal(ServerStatus.Error, outcome.Status);
        Assert.StartsWith("No valid host was found: every host tried failed (a: libvirt: no memory; b: libvirt: SEV firmware busy).", outcome.Fault, StringComparison.Ordinal);
        Assert.Equal(2, driver.CallsOf<AsidClaim>(nameof(ReleaseAsid)).Count);
    }

    [Fact]
    public void ClaimLostToAnotherBoot_ThatHostIsNotAskedToSpawn_TheNextOneIs()
    {
        hosts["b"] = c => Answer(c, "b", HostCommandOutcome.Succeeded);
        Placed(Snp("a"), Snp("b")).Activity<ClaimRequest, AsidClaim?>(nameof(ClaimAsid), r => r.HostName == "a" ? null : new AsidClaim(r.HostName, r.ProviderName, 7, r.ServerId));

        var (_, output, _) = driver.Run<BootServerInput, ServerStatus>(Input);

        Assert.Equal(ServerStatus.Active, output);
        var spawn = Assert.Single(driver.CallsOf<SpawnRequest>(nameof(SpawnServer)));
        Assert.Equal(("b", 7), (spawn.HostName, spawn.Claim!.Slot));
        Assert.Empty(driver.CallsOf<AsidClaim>(nameof(ReleaseAsid)));
    }

    [Fact]
    public void EveryClaimLost_ErrorSaysSo()
    {
        Placed(Snp("a")).Activity<ClaimRequest, AsidClaim?>(nameof(ClaimAsid), _ => null);

        driver.Run<BootServerInput, ServerStatus>(Input);

        var outcome = Assert.Single(driver.CallsOf<BootOutcome>(nameof(RecordOutcome)));
        Assert.Contains("a: its last free slot on a_amd_sev_snp was claimed by another boot", outcome.Fault, StringComparison.Ordinal);
        Assert.Empty(driver.CallsOf<SpawnRequest>(nameof(SpawnServer)));
    }

    [Fact]
    public void NoHostFits_ErrorIsPlacementsExplanation_NothingClaimedOrSpawned()
    {
        Placed().Activity<BootServerInput, PlacementOutcome>(nameof(SelectHosts), _ => new PlacementOutcome([], "No valid host was found. rome: no HW_CPU_X86_AMD_SEV_SNP", null));

        var (status, _, failure) = driver.Run<BootServerInput, ServerStatus>(Input);

        Assert.Equal(OrchestrationStatus.Failed, status);
        Assert.Equal("No valid host was found. rome: no HW_CPU_X86_AMD_SEV_SNP", Assert.Single(driver.CallsOf<BootOutcome>(nameof(RecordOutcome))).Fault);
        Assert.Equal("No valid host was found. rome: no HW_CPU_X86_AMD_SEV_SNP", failure!.ErrorMessage);
        Assert.Equal([nameof(SelectHosts), nameof(RecordOutcome)], driver.Calls.Select(c => c.Name));
    }

    [Fact]
    public void MoreCandidatesThanAttempts_OnlyMaxAttemptsHostsAreTried()
    {
        foreach (var host in new[] { "a", "b", "c", "d" })
        {
            hosts[host] = c => Answer(c, host, HostCommandOutcome.Failed, new HostFailure(HostFailureCode.Libvirt, "no"));
        }

        Placed(Snp("a"), Snp("b"), Snp("c"), Snp("d")).Run<BootServerInput, ServerStatus>(Input);

        Assert.Equal(["a", "b", "c"], driver.CallsOf<SpawnRequest>(nameof(SpawnServer)).Select(s => s.HostName));
    }

    [Fact]
    public void AnswerToAnEarlierCommand_IsSkipped_TheBootWaitsForItsOwn()
    {
        hosts["a"] = c =>
        {
            driver.Raise(BootEvents.HostResult, Answer(c with { CommandId = Guid.NewGuid() }, "a", HostCommandOutcome.Failed, new HostFailure(HostFailureCode.Libvirt, "an earlier spawn")));
            return Answer(c, "a", HostCommandOutcome.Succeeded);
        };

        var (_, output, _) = Placed(Snp("a")).Run<BootServerInput, ServerStatus>(Input);

        Assert.Equal(ServerStatus.Active, output);
    }

    [Fact]
    public void AnswerNamingAnotherHost_IsSkipped_OnlyTheHostTheSpawnWentToCanAnswerIt()
    {
        hosts["a"] = c =>
        {
            driver.Raise(BootEvents.HostResult, Answer(c, "b", HostCommandOutcome.Succeeded)); // right command, wrong host
            return Answer(c, "a", HostCommandOutcome.Failed, new HostFailure(HostFailureCode.Libvirt, "no memory"));
        };

        var (status, _, failure) = Placed(Snp("a")).Run<BootServerInput, ServerStatus>(Input);

        Assert.Equal(OrchestrationStatus.Failed, status);
        Assert.Contains("a: libvirt: no memory", failure!.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void OvertakenByADelete_StopsBeforeSpawning_AndTellsTheDeleteItHasEnded()
    {
        Placed(Snp("a")).Activity<SpawnRequest, SpawnStarted>(nameof(SpawnServer), _ => new SpawnStarted(false, "delete-x-1"));

        var (_, output, _) = driver.Run<BootServerInput, ServerStatus>(Input);

        Assert.Equal(ServerStatus.Deleting, output);
        var sent = Assert.Single(driver.Sent);
        Assert.Equal(("delete-x-1", BootEvents.BootEnded), (sent.InstanceId, sent.Name));
        Assert.Empty(driver.CallsOf<BootOutcome>(nameof(RecordOutcome)));
        Assert.Empty(driver.CallsOf<AsidClaim>(nameof(ReleaseAsid)));
    }

    [Fact]
    public void DeletedWhileSpawning_OutcomeNotRecordedOverTheDelete_TheDeleteIsTold()
    {
        hosts["a"] = c => Answer(c, "a", HostCommandOutcome.Succeeded);
        Placed(Snp("a")).Activity<BootOutcome, string?>(nameof(RecordOutcome), _ => "delete-x-2");

        var (_, output, _) = driver.Run<BootServerInput, ServerStatus>(Input);

        Assert.Equal(ServerStatus.Deleting, output);
        Assert.Equal("delete-x-2", Assert.Single(driver.Sent).InstanceId);
    }

    [Fact]
    public void StorageOutageInAStep_RetriedWithBackOff_TheBootCompletes()
    {
        hosts["a"] = c => Answer(c, "a", HostCommandOutcome.Succeeded);
        var tries = 0;
        Placed(Snp("a")).Activity<ClaimRequest, AsidClaim?>(nameof(ClaimAsid), r => ++tries < 3
            ? throw new AggregateException(new Azure.RequestFailedException("Connection refused"))
            : new AsidClaim(r.HostName, r.ProviderName, 3, r.ServerId));
        var start = driver.Now;

        var (_, output, _) = driver.Run<BootServerInput, ServerStatus>(Input);

        Assert.Equal(ServerStatus.Active, output);
        Assert.Equal(3, tries);
        Assert.True(driver.Now - start >= TimeSpan.FromSeconds(2 + 4), $"retried after {driver.Now - start}");
    }

    [Fact]
    public void StepFailsWithAnAnswer_NotRetried_TheOrchestrationFailsWithTheCause()
    {
        var tries = 0;
        Placed(Snp("a")).Activity<ClaimRequest, AsidClaim?>(nameof(ClaimAsid), _ =>
        {
            tries++;
            throw new InvalidOperationException("the ledger is corrupt");
        });

        var (status, _, failure) = driver.Run<BootServerInput, ServerStatus>(Input);

        Assert.Equal(OrchestrationStatus.Failed, status);
        Assert.Equal(1, tries);
        Assert.Equal("the ledger is corrupt", failure!.InnerFailure!.ErrorMessage);
    }
}
