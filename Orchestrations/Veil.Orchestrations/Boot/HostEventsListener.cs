using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.DurableTask.Client;
using Veil.ServiceDefaults;
using Veil.Shared.Contracts;
using Veil.Storage;
using Veil.Storage.Queues;

namespace Veil.Orchestrations.Boot;

/// <summary>
/// The queue trigger on host-events: each outcome is raised as <see cref="BootEvents.HostResult"/> on the
/// orchestration named by its correlation id. Unreadable outcomes are parked with the reason.
/// </summary>
internal sealed class HostEventsListener(
    StorageAccount storage,
    ParkedMessageStore parked,
    DurableTaskClient client,
    IOptions<BootOptions> options,
    ILoggerFactory loggers) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        new QueueTrigger(storage, parked, options.Value.HostEventsQueue, new QueueTriggerOptions { MaxConcurrency = 16, MaxPollingInterval = TimeSpan.FromMilliseconds(250) }, HandleAsync, loggers.CreateLogger<HostEventsListener>())
            .RunAsync(stoppingToken);

    private async Task HandleAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        HostEvent? outcome;
        try
        {
            outcome = JsonSerializer.Deserialize<HostEvent>(message.Text, VeilJson.Options);
        }
        catch (JsonException e)
        {
            throw new PoisonMessageException($"Not a host event: {e.Message}", e);
        }

        if (outcome?.CorrelationId is not { Length: > 0 } instanceId)
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
