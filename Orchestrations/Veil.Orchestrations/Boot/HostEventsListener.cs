using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.DurableTask.Client;
using Veil.Orchestrations.Hosts;
using Veil.ServiceDefaults;
using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Storage;
using Veil.Storage.Queues;

namespace Veil.Orchestrations.Boot;

/// <summary>
/// The queue trigger on host-events. Every message is a <see cref="HostMessage"/>, believed only when it is signed
/// with the key of its host's current enrollment (<see cref="HostEnrollments"/>) and says nothing of another host:
/// an outcome is raised as <see cref="BootEvents.HostResult"/> on the orchestration named by its correlation id; a
/// report or heartbeat is written to the hosts table; a command the host could not read is parked as if it had been
/// parked here. Anything else is parked with the reason, and changes nothing.
/// </summary>
internal sealed class HostEventsListener(
    StorageAccount storage,
    ParkedMessageStore parked,
    HostEnrollments enrollments,
    HostReports reports,
    DurableTaskClient client,
    IOptions<BootOptions> options,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        new QueueTrigger(storage, parked, options.Value.HostEventsQueue, new QueueTriggerOptions { MaxConcurrency = 16, MaxPollingInterval = TimeSpan.FromMilliseconds(250) }, HandleAsync, loggers.CreateLogger<HostEventsListener>())
            .RunAsync(stoppingToken);

    private async Task HandleAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        var signed = await VerifiedAsync(message.Text, cancellationToken);
        switch (signed.Kind)
        {
            case HostMessageKind.Outcome:
                await RaiseAsync(signed.Host, Payload<HostEvent>(signed), cancellationToken);
                break;
            case HostMessageKind.Report:
                var report = Payload<HostReport>(signed);
                if (report.HostName != signed.Host)
                {
                    throw new PoisonMessageException($"Not believed: host {signed.Host} sent a report about host '{report.HostName}'.");
                }

                await reports.WriteReportAsync(report, cancellationToken);
                break;
            case HostMessageKind.Heartbeat:
                await reports.WriteHeartbeatAsync(signed.Host, Payload<HostHeartbeat>(signed).At, cancellationToken);
                break;
            case HostMessageKind.Parked:
                var command = Payload<ParkedMessage>(signed);
                if (command.Queue != HostQueues.Commands(signed.Host))
                {
                    throw new PoisonMessageException($"Not believed: host {signed.Host} parked a message of queue '{command.Queue}', not its own.");
                }

                await parked.ParkAsync(new QueueMessageContext(command.Queue, command.MessageId, command.Body, command.DequeueCount, command.InsertedOn), command.Reason, time, cancellationToken);
                break;
        }
    }

    /// <summary>The message, if it reads as a host message signed by its host's current key; else why not, parked.</summary>
    private async Task<HostMessage> VerifiedAsync(string text, CancellationToken cancellationToken)
    {
        HostMessage? signed;
        try
        {
            signed = JsonSerializer.Deserialize<HostMessage>(text, VeilJson.Options);
        }
        catch (JsonException e)
        {
            throw new PoisonMessageException($"Not a host message: {e.Message}", e);
        }

        if (signed is null)
        {
            throw new PoisonMessageException("Not a host message: the message is JSON null.");
        }

        if (HostEnrollments.HostNameProblem(signed.Host) is not null || await enrollments.KeyAsync(signed.Host, cancellationToken) is not { } enrolled)
        {
            throw new PoisonMessageException($"Not believed: host '{signed.Host}' is not enrolled.");
        }

        if (signed.Generation != enrolled.Enrollment.Generation)
        {
            throw new PoisonMessageException($"Not believed: host {signed.Host} signed with its credential of generation {signed.Generation}; its current one is {enrolled.Enrollment.Generation} (rotated: give the worker its new credential).");
        }

        if (!signed.IsSignedWith(enrolled.Key))
        {
            throw new PoisonMessageException($"Not believed: the message is not signed with host {signed.Host}'s key.");
        }

        return signed;
    }

    private static T Payload<T>(HostMessage signed)
    {
        try
        {
            return signed.Read<T>();
        }
        catch (JsonException e)
        {
            throw new PoisonMessageException($"Not a host {VeilJson.Word(signed.Kind)}: {e.Message}", e);
        }
    }

    private async Task RaiseAsync(string host, HostEvent outcome, CancellationToken cancellationToken)
    {
        if (outcome.HostName != host)
        {
            throw new PoisonMessageException($"Not believed: host {host} sent an outcome in the name of host '{outcome.HostName}'.");
        }

        if (outcome.CorrelationId is not { Length: > 0 } instanceId)
        {
            throw new PoisonMessageException("Not a host event: it names no correlationId (the orchestration waiting for it).");
        }

        if (outcome.Attestation?.Problems().FirstOrDefault() is { } problem)
        {
            throw new PoisonMessageException($"Not a host event: {problem}.");
        }

        // The host's answer, in the trace of the command it answers.
        using var span = VeilTelemetry.StartFrom(outcome.TraceParent, $"host event {outcome.Kind} {outcome.Outcome}", ActivityKind.Consumer);
        span?.SetTag("veil.host", outcome.HostName);
        span?.SetTag("veil.server_id", outcome.ServerId.ToString());
        span?.SetTag("veil.orchestration_id", instanceId);
        await client.RaiseEventAsync(instanceId, BootEvents.HostResult, outcome, cancellationToken);
    }
}
