using Veil.Orchestrations.Boot;
using Veil.Orchestrations.Boot.Activities;
using Veil.Orchestrations.Servers;
using Veil.Shared.Api;
using Veil.Shared.Contracts;

namespace Veil.Orchestrations.Tests;

/// <summary>DeleteServer's branches, its activities faked: terminating a running boot first, destroy failures.</summary>
public sealed class DeleteServerTests
{
    private static readonly DeleteServerInput Input = new("project-a", Guid.NewGuid(), new BootLimits(MaxAttempts: 3, HostAckTimeout: TimeSpan.FromSeconds(10), HostResultTimeout: TimeSpan.FromSeconds(60), BootSettleTimeout: TimeSpan.FromMinutes(15)));

    private readonly OrchestrationDriver driver = new(new DeleteServer(), OrchestrationsExtensions.DataConverter);

    private static ServerRecord Server(string? host = "genoa", int? slot = 4) => new()
    {
        ServerId = Input.ServerId,
        ProjectId = Input.ProjectId,
        Name = "web",
        FlavorName = "snp.small",
        Status = ServerStatus.Deleting,
        HostName = host,
        ProviderName = slot is null ? null : $"{host}_amd_sev_snp",
        AsidSlot = slot,
    };

    private OrchestrationDriver Deleting(Func<int, DeleteSubject> subject, HostCommandOutcome destroy = HostCommandOutcome.Succeeded)
    {
        var reads = 0;
        return driver
            .Activity<DeleteServerInput, DeleteSubject>(nameof(ReadDeleteSubject), _ => subject(++reads))
            .Activity<HostCommandRequest, bool>(nameof(SendHostCommand), r =>
            {
                driver.Raise(BootEvents.HostResult, new HostEvent(r.Command.CommandId, r.Command.CorrelationId, r.Command.Kind, r.Command.ServerId, r.HostName, destroy, "absent", DateTimeOffset.UnixEpoch,
                    Failure: destroy == HostCommandOutcome.Succeeded ? null : new HostFailure(HostFailureCode.Libvirt, "domain is locked")));
                return true;
            })
            .Activity<DeleteServerInput, bool>(nameof(TerminateBoot), _ => true)
            .Activity<DeleteOutcome, bool>(nameof(FinishDelete), _ => true);
    }

    [Fact]
    public void BootEnded_DestroysOnItsHost_ReleasesTheSlot_MarksDeleted()
    {
        var (_, output, _) = Deleting(_ => new DeleteSubject(true, Server())).Run<DeleteServerInput, ServerStatus>(Input);

        Assert.Equal(ServerStatus.Deleted, output);
        var destroy = Assert.Single(driver.CallsOf<HostCommandRequest>(nameof(SendHostCommand)));
        Assert.Equal(("genoa", HostCommandKind.Destroy), (destroy.HostName, destroy.Command.Kind));
        Assert.Equal(ServerStatus.Deleted, Assert.Single(driver.CallsOf<DeleteOutcome>(nameof(FinishDelete))).Status);
        Assert.Empty(driver.CallsOf<DeleteServerInput>(nameof(TerminateBoot)));
    }

    [Fact]
    public void NeverPlaced_NothingToDestroyOrRelease_MarkedDeleted()
    {
        var (status, output, failure) = Deleting(_ => new DeleteSubject(true, Server(host: null, slot: null))).Run<DeleteServerInput, ServerStatus>(Input);

        Assert.True(status == DurableTask.Core.OrchestrationStatus.Completed, $"{status}: {failure?.ErrorMessage} {failure?.InnerFailure?.ErrorMessage}");
        Assert.Equal(ServerStatus.Deleted, output);
        Assert.Empty(driver.CallsOf<HostCommandRequest>(nameof(SendHostCommand)));
        Assert.Equal(ServerStatus.Deleted, Assert.Single(driver.CallsOf<DeleteOutcome>(nameof(FinishDelete))).Status);
    }

    [Fact]
    public void BootStillRunning_TerminatedBeforeAnythingIsDestroyed_ThenGoesAheadOnceItHasStopped()
    {
        var start = driver.Now;
        var order = new List<string>();
        Deleting(read => new DeleteSubject(read >= 2, Server()))
            .Activity<DeleteServerInput, bool>(nameof(TerminateBoot), _ =>
            {
                order.Add("terminate");
                return true;
            });
        driver.Activity<HostCommandRequest, bool>(nameof(SendHostCommand), r =>
        {
            order.Add("destroy");
            driver.Raise(BootEvents.HostResult, new HostEvent(r.Command.CommandId, r.Command.CorrelationId, r.Command.Kind, r.Command.ServerId, r.HostName, HostCommandOutcome.Succeeded, "absent", DateTimeOffset.UnixEpoch));
            return true;
        });

        var (_, output, _) = driver.Run<DeleteServerInput, ServerStatus>(Input);

        Assert.Equal(ServerStatus.Deleted, output);
        Assert.Equal(["terminate", "destroy"], order);
        // Terminating takes effect within moments: the first look is a second later, not a minute.
        Assert.Equal(TimeSpan.FromSeconds(1), driver.Now - start);
    }

    [Fact]
    public void BootEndsByItselfMeanwhile_ItsBootEndedEventIsEnough()
    {
        var start = driver.Now;
        Deleting(read =>
        {
            if (read == 1)
            {
                driver.Raise(BootEvents.BootEnded, Input.ServerId);
            }

            // The boot's instance row may not say Completed yet when its event arrives: the event is enough.
            return new DeleteSubject(false, Server());
        });

        var (_, output, _) = driver.Run<DeleteServerInput, ServerStatus>(Input);

        Assert.Equal(ServerStatus.Deleted, output);
        Assert.Equal(2, driver.CallsOf<DeleteServerInput>(nameof(ReadDeleteSubject)).Count);
        Assert.Equal(TimeSpan.Zero, driver.Now - start);
    }

    [Fact]
    public void BootSlowToStop_RecheckedAtGrowingIntervals_NotEverySecond()
    {
        var start = driver.Now;
        Deleting(read => new DeleteSubject(read >= 6, Server()));

        driver.Run<DeleteServerInput, ServerStatus>(Input);

        // Waits of 1, 2, 4, 8 and 16 s between the six reads: 31 s, where a poll every second would read 31 times.
        Assert.Equal(6, driver.CallsOf<DeleteServerInput>(nameof(ReadDeleteSubject)).Count);
        Assert.Equal(TimeSpan.FromSeconds(31), driver.Now - start);
    }

    [Fact]
    public void BootNeverStops_ServerErrorSaysSo_NothingDestroyedOrReleased()
    {
        var (status, _, failure) = Deleting(_ => new DeleteSubject(false, Server())).Run<DeleteServerInput, ServerStatus>(Input);

        Assert.Equal(DurableTask.Core.OrchestrationStatus.Failed, status);
        Assert.StartsWith($"Deleting failed: its boot {BootServer.InstanceIdFor(Input.ServerId)} was terminated but had not stopped after 15 min", failure!.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(driver.CallsOf<HostCommandRequest>(nameof(SendHostCommand)));
        Assert.Equal(ServerStatus.Error, Assert.Single(driver.CallsOf<DeleteOutcome>(nameof(FinishDelete))).Status);
    }

    [Fact]
    public void DestroyFails_ServerErrorNamesTheHostAndWhy_SlotKept()
    {
        var (status, _, failure) = Deleting(_ => new DeleteSubject(true, Server()), HostCommandOutcome.Failed).Run<DeleteServerInput, ServerStatus>(Input);

        Assert.Equal(DurableTask.Core.OrchestrationStatus.Failed, status);
        Assert.Equal("Deleting failed on genoa: libvirt: domain is locked", failure!.ErrorMessage);
        var finish = Assert.Single(driver.CallsOf<DeleteOutcome>(nameof(FinishDelete)));
        Assert.Equal((ServerStatus.Error, "Deleting failed on genoa: libvirt: domain is locked"), (finish.Status, finish.Fault));
    }

    [Fact]
    public void HostSilent_IsSentTheDestroyAgain_EachWaitedForTheFullTimeout_ThenErrorSaysSo()
    {
        var start = driver.Now;
        Deleting(_ => new DeleteSubject(true, Server())).Activity<HostCommandRequest, bool>(nameof(SendHostCommand), _ => true); // the host is restarting

        var (_, _, failure) = driver.Run<DeleteServerInput, ServerStatus>(Input);

        // A delete has no other host to go to: giving up after the ack timeout would only turn a restart into an ERROR.
        Assert.Equal(DeleteServer.DestroyTries * Input.Limits.HostResultTimeout, driver.Now - start);
        Assert.Equal(DeleteServer.DestroyTries, driver.CallsOf<HostCommandRequest>(nameof(SendHostCommand)).Select(r => r.Command.CommandId).Distinct().Count());
        Assert.Equal("Deleting failed on genoa: did not take the command within 60 s, 3 times", failure!.ErrorMessage);
    }

    [Fact]
    public void HostSilentOnce_AnswersTheSecondDestroy_ServerDeleted()
    {
        var sends = 0;
        Deleting(_ => new DeleteSubject(true, Server())).Activity<HostCommandRequest, bool>(nameof(SendHostCommand), r =>
        {
            if (++sends == 2)
            {
                driver.Raise(BootEvents.HostResult, new HostEvent(r.Command.CommandId, r.Command.CorrelationId, r.Command.Kind, r.Command.ServerId, r.HostName, HostCommandOutcome.Succeeded, "absent", DateTimeOffset.UnixEpoch));
            }

            return true;
        });

        var (_, output, _) = driver.Run<DeleteServerInput, ServerStatus>(Input);

        Assert.Equal(ServerStatus.Deleted, output);
        Assert.Equal(2, sends);
        Assert.Equal(ServerStatus.Deleted, Assert.Single(driver.CallsOf<DeleteOutcome>(nameof(FinishDelete))).Status);
    }

    [Fact]
    public void EpisodeThatGaveUpOnTheLastDestroyIsLost_ItsRerunTakesTheHostsLateSuccess_ServerDeletedAndNeverMarkedError()
    {
        var destroys = new List<HostCommand>();
        Deleting(_ => new DeleteSubject(true, Server())).Activity<HostCommandRequest, bool>(nameof(SendHostCommand), r =>
        {
            destroys.Add(r.Command);
            return true; // the host is restarting
        });
        var start = driver.Now;
        driver.LoseEpisode(
            events => events.OfType<DurableTask.Core.History.TimerFiredEvent>().Any(t => t.FireAt >= start + (DeleteServer.DestroyTries * Input.Limits.HostResultTimeout)),
            () => driver.Raise(BootEvents.HostResult, new HostEvent(destroys[^1].CommandId, destroys[^1].CorrelationId, HostCommandKind.Destroy, Input.ServerId, "genoa", HostCommandOutcome.Succeeded, "absent", DateTimeOffset.UnixEpoch)));

        var (_, output, _) = driver.Run<DeleteServerInput, ServerStatus>(Input);

        Assert.Equal(ServerStatus.Deleted, output);
        Assert.Equal(ServerStatus.Deleted, Assert.Single(driver.CallsOf<DeleteOutcome>(nameof(FinishDelete))).Status);
    }
}
