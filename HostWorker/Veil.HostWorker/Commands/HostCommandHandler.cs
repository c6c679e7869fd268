using System.Diagnostics;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Veil.HostWorker.Attestation;
using Veil.HostWorker.Hypervisors;
using Veil.HostWorker.Libvirt;
using Veil.HostWorker.Probing;
using Veil.HostWorker.Reporting;
using Veil.HostWorker.Storage;
using Veil.Shared.Contracts;
using Veil.Shared.Guests;
using Veil.Shared.Hosts;
using Veil.Shared.MemoryEncryption;

namespace Veil.HostWorker.Commands;

/// <summary>
/// Carries out host commands against libvirt. Every command is idempotent, because the server id is the domain's
/// UUID: a spawn finds the domain a previous try defined and only finishes what is missing; a destroy of a domain that
/// is gone has nothing left to do. Commands for one server run one at a time. A spawn issued before a destroy of the
/// same server that this host already carried out is refused (<see cref="DestroyedServers"/>): it arrived late.
/// </summary>
public sealed class HostCommandHandler(
    Hypervisor hypervisor,
    HostFacts facts,
    GuestStorage storage,
    ConsoleLogs consoleLogs,
    LaunchMeasurer measurer,
    DestroyedServers destroyed,
    IOptions<HostWorkerOptions> options,
    TimeProvider time,
    ILogger<HostCommandHandler> logger,
    IHostCommandFaults? faults = null)
{
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> perServer = new();

    private string HostName => options.Value.HostName;

    public async Task<HostEvent> HandleAsync(HostCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var gate = perServer.GetOrAdd(command.ServerId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var result = command.Kind switch
            {
                HostCommandKind.Spawn => await SpawnAsync(command, cancellationToken),
                HostCommandKind.Destroy => await DestroyAsync(command, cancellationToken),
                HostCommandKind.Suspend or HostCommandKind.Resume => await SuspendOrResume(command),
                HostCommandKind.Stop => await StopAsync(command, cancellationToken),
                HostCommandKind.Start => await Start(command),
                HostCommandKind.Reboot => await Reboot(command),
                HostCommandKind.LiveMigrate => await LiveMigrate(command),
                _ => throw new UnreachableException($"command kind {command.Kind}"),
            };
            Logs.CommandDone(logger, command.Kind, command.ServerId, result.Outcome, result.Failure?.Message);
            return result;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<HostEvent> SpawnAsync(HostCommand command, CancellationToken cancellationToken)
    {
        var guest = command.Guest!;
        if (destroyed.DestroyIssuedAt(command.ServerId) is { } destroyIssued && destroyIssued >= command.IssuedAt)
        {
            return Refused(command, null, HostFailureCode.DestroyedSince,
                $"Host {HostName} carried out a destroy of server {command.ServerId} issued at {destroyIssued:O}, after this spawn was issued ({command.IssuedAt:O}): a spawn that arrives after its destroy does not define the guest again.");
        }

        var check = MemoryEncryptionResolver.Check(guest.FlavorExtraSpecs, guest.ImageProperties, options.Value.DefaultMachineType);
        if (check.Resolution is not { } resolution)
        {
            return Failed(command, null, HostFailureCode.InvalidGuest, check.Message);
        }

        if (resolution.Model is { } model && !facts.Capabilities.Supports(model))
        {
            var why = string.Join("; ", facts.Capabilities.Blocking(model).Select(c => $"{c.Id}: {c.Observed}"));
            return Failed(command, null, HostFailureCode.ModelNotSupported, $"Host {HostName} does not offer {model.Info().DisplayName} ({why}).");
        }

        try
        {
            var existing = hypervisor.Connection.FindByUuid(command.ServerId);
            if (ForeignDomain(command, existing) is { } refusal)
            {
                existing!.Dispose();
                return refusal;
            }

            if (existing is null)
            {
                await storage.PrepareAsync(guest, cancellationToken);
            }

            using var domain = existing ?? hypervisor.Connection.Define(GuestDomainXml.Build(guest, facts.GuestParameters()));
            hypervisor.Remember(domain);
            faults?.DomainDefined(command.ServerId);

            if (domain.State is not DomainState.Running)
            {
                domain.Start();
                hypervisor.Remember(domain);
            }

            var spawned = Succeeded(command, domain);
            return resolution.Model == MemoryEncryptionModel.AmdSevSnp && spawned.DomainXml is { } xml
                ? spawned with { Attestation = measurer.Measure(guest, xml) }
                : spawned;
        }
        catch (InvalidGuestSpecException e)
        {
            return FailedAndRemoved(command, HostFailureCode.InvalidGuest, e.Message);
        }
        catch (GuestStorageException e)
        {
            return FailedAndRemoved(command, e.Code, e.Message);
        }
        catch (LibvirtException e) when (e is not LibvirtConnectionException)
        {
            // A host whose libvirt cannot give an encrypted guest its firmware or launch security says so in words
            // an operator can act on; anything else keeps libvirt's own.
            return resolution.Model is { } encrypted && IsAboutMemoryEncryption(e)
                ? FailedAndRemoved(command, HostFailureCode.HostCannotStartModel, $"This host cannot start {encrypted.Info().DisplayName} guests: {e.LibvirtMessage}")
                : FailedAndRemoved(command, HostFailureCode.Libvirt, e.Message);
        }
    }

    private static bool IsAboutMemoryEncryption(LibvirtException e) =>
        e.LibvirtMessage is { } text && (text.Contains("sev", StringComparison.OrdinalIgnoreCase)
            || text.Contains("launch security", StringComparison.OrdinalIgnoreCase)
            || text.Contains("firmware", StringComparison.OrdinalIgnoreCase));

    /// <summary>Stops and undefines the guest's domain if there is one, and removes its disk and folder.</summary>
    private void RemoveGuest(Guid serverId, LibvirtDomain? domain)
    {
        if (domain is not null)
        {
            if (domain.State is not DomainState.ShutOff)
            {
                domain.Destroy();
            }

            domain.Undefine();
        }

        hypervisor.Forget(serverId);
        storage.Remove(serverId);
    }

    /// <summary>A spawn that failed leaves nothing behind: no definition, no disk, no folder; a retry starts afresh.</summary>
    private HostEvent FailedAndRemoved(HostCommand command, HostFailureCode code, string message)
    {
        try
        {
            using var domain = hypervisor.Connection.FindByUuid(command.ServerId);
            if (domain is null || Hypervisor.IsVeils(domain))
            {
                RemoveGuest(command.ServerId, domain);
            }
        }
        catch (LibvirtException e) when (e is not LibvirtConnectionException)
        {
            message += $" Cleaning up after it failed too: {e.Message}";
        }

        return Failed(command, null, code, message);
    }

    private async Task<HostEvent> DestroyAsync(HostCommand command, CancellationToken cancellationToken)
    {
        var outcome = Destroy(command);
        if (outcome.Outcome == HostCommandOutcome.Succeeded)
        {
            try
            {
                await consoleLogs.RemoveAsync(command.ServerId, cancellationToken);
            }
            catch (Exception e) when (Veil.Storage.StorageErrors.IsStorageFailure(e))
            {
                // The guest is gone; its last console output stays in storage until a later delete removes it.
                Logs.ConsoleLogNotRemoved(logger, e, command.ServerId);
            }
        }

        return outcome;
    }

    private HostEvent Destroy(HostCommand command)
    {
        using var domain = hypervisor.Connection.FindByUuid(command.ServerId);
        if (ForeignDomain(command, domain) is { } refusal)
        {
            return refusal;
        }

        try
        {
            RemoveGuest(command.ServerId, domain);
            destroyed.Record(command.ServerId, command.IssuedAt);
            return Event(command, HostCommandOutcome.Succeeded, null, null);
        }
        catch (LibvirtException e) when (e is not LibvirtConnectionException)
        {
            return Failed(command, domain, HostFailureCode.Libvirt, e.Message);
        }
    }

    private Task<HostEvent> SuspendOrResume(HostCommand command) => OnExisting(command, domain =>
    {
        if (ModelOf(domain) is { } model)
        {
            return Refused(command, domain, HostFailureCode.NotAllowedForEncryptedGuest,
                $"{(command.Kind == HostCommandKind.Suspend ? "Suspending" : "Resuming")} is not supported for {model.Info().DisplayName} guests: " +
                "QEMU cannot save or pause-and-restore encrypted guest memory (nova's SEV spec lists suspend among the limitations).");
        }

        if (command.Kind == HostCommandKind.Suspend && domain.State == DomainState.Running)
        {
            domain.Suspend();
        }
        else if (command.Kind == HostCommandKind.Resume && domain.State == DomainState.Paused)
        {
            domain.Resume();
        }

        hypervisor.Remember(domain);
        return Succeeded(command, domain);
    });

    /// <summary>
    /// Asks the guest to shut down (ACPI) and waits up to <see cref="HostWorkerOptions.GracefulShutdownTimeout"/>
    /// for it, then pulls the plug, as nova's os-stop does. Stopping a stopped guest changes nothing.
    /// </summary>
    private Task<HostEvent> StopAsync(HostCommand command, CancellationToken cancellationToken) => OnExistingAsync(command, async domain =>
    {
        if (domain.State is not DomainState.ShutOff)
        {
            domain.Shutdown();
            var giveUp = time.GetUtcNow() + options.Value.GracefulShutdownTimeout;
            while (domain.State is not DomainState.ShutOff && time.GetUtcNow() < giveUp)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken);
            }

            if (domain.State is not DomainState.ShutOff)
            {
                domain.Destroy();
            }
        }

        hypervisor.Remember(domain);
        return Succeeded(command, domain);
    });

    /// <summary>Powers the guest on; starting a running guest changes nothing.</summary>
    private Task<HostEvent> Start(HostCommand command) => OnExisting(command, domain =>
    {
        if (domain.State is not DomainState.Running)
        {
            domain.Start();
        }

        hypervisor.Remember(domain);
        return Succeeded(command, domain);
    });

    /// <summary>A hard reset of a running guest; a driver without one (libvirt's test driver) powers it off and on.</summary>
    private Task<HostEvent> Reboot(HostCommand command) => OnExisting(command, domain =>
    {
        if (domain.State is not DomainState.Running)
        {
            return Failed(command, domain, HostFailureCode.NotSupported, $"Server {command.ServerId} is not running on {HostName}; start it instead of rebooting it.");
        }

        try
        {
            domain.Reset();
        }
        catch (LibvirtException e) when (e.Code == LibvirtErrors.NoSupport)
        {
            domain.Destroy();
            domain.Start();
        }

        hypervisor.Remember(domain);
        return Succeeded(command, domain);
    });

    private Task<HostEvent> LiveMigrate(HostCommand command) => OnExisting(command, domain =>
        ModelOf(domain) is { } model
            ? Refused(command, domain, HostFailureCode.NotAllowedForEncryptedGuest,
                $"Live migration is not supported for {model.Info().DisplayName} guests: their memory is encrypted with a key held by " +
                "this host's AMD secure processor, and the SEV specs leave migration out. Stop the server and boot a new one elsewhere.")
            : Refused(command, domain, HostFailureCode.NotSupported, "Veil does not offer live migration; stop the server and boot a new one elsewhere."));

    /// <summary>
    /// Runs a command that needs the server's domain: without one it fails as <c>not-found</c>, and what libvirt
    /// refuses on the way fails as <c>libvirt</c> with its words.
    /// </summary>
    private async Task<HostEvent> OnExistingAsync(HostCommand command, Func<LibvirtDomain, Task<HostEvent>> action)
    {
        using var domain = hypervisor.Connection.FindByUuid(command.ServerId);
        if (ForeignDomain(command, domain) is { } refusal)
        {
            return refusal;
        }

        if (domain is null)
        {
            return Failed(command, null, HostFailureCode.NotFound, $"Host {HostName} has no domain for server {command.ServerId}.");
        }

        try
        {
            return await action(domain);
        }
        catch (LibvirtException e) when (e is not LibvirtConnectionException)
        {
            return Failed(command, domain, HostFailureCode.Libvirt, e.Message);
        }
    }

    private Task<HostEvent> OnExisting(HostCommand command, Func<LibvirtDomain, HostEvent> action) =>
        OnExistingAsync(command, domain => Task.FromResult(action(domain)));

    private static MemoryEncryptionModel? ModelOf(LibvirtDomain domain) => DefinedGuest.FromDomainXml(domain.GetXml(inactive: true))?.Model;

    private HostEvent Succeeded(HostCommand command, LibvirtDomain domain) => Event(command, HostCommandOutcome.Succeeded, domain, null);

    private HostEvent Failed(HostCommand command, LibvirtDomain? domain, HostFailureCode code, string message) =>
        Event(command, HostCommandOutcome.Failed, domain, new HostFailure(code, message));

    /// <summary>
    /// A refusal when <paramref name="domain"/>, the one with the server's UUID, is not Veil's (named other than
    /// <c>veil-&lt;uuid&gt;</c>): Veil never defines, starts, stops or destroys a domain it did not make, whatever a command asks.
    /// </summary>
    private HostEvent? ForeignDomain(HostCommand command, LibvirtDomain? domain) =>
        domain is null || Hypervisor.IsVeils(domain)
            ? null
            : Refused(command, null, HostFailureCode.NotVeilsDomain,
                $"Host {HostName} has a domain with server {command.ServerId}'s UUID named '{domain.Name}', not '{GuestDomainXml.DomainName(command.ServerId)}': it is not Veil's, and Veil leaves it alone.");

    private HostEvent Refused(HostCommand command, LibvirtDomain? domain, HostFailureCode code, string message) =>
        Event(command, HostCommandOutcome.Refused, domain, new HostFailure(code, message));

    private HostEvent Event(HostCommand command, HostCommandOutcome outcome, LibvirtDomain? domain, HostFailure? failure) => new(
        command.CommandId,
        command.CorrelationId,
        command.Kind,
        command.ServerId,
        HostName,
        outcome,
        Hypervisor.StateName(domain?.State),
        time.GetUtcNow(),
        domain?.GetXml(),
        failure);
}
