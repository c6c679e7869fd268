using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Veil.HostWorker.Credentials;
using Veil.ServiceDefaults;
using Veil.Shared.Contracts;
using Veil.Storage.Queues;

namespace Veil.HostWorker.Commands;

/// <summary>
/// The queue trigger on <c>host-&lt;name&gt;</c>: reads each command, says at once on the events queue that it took
/// it (<see cref="HostCommandOutcome.Accepted"/>), runs it, and reports the outcome there before the command is deleted. A command delivered again after it was answered is not answered again
/// (<see cref="AnsweredCommands"/>); a crash between the answer and its record re-runs the (idempotent) command
/// and reports again, so outcomes arrive at least once and consumers drop duplicates by command id. Unreadable
/// commands are parked with the reason.
/// </summary>
internal sealed class HostCommandListener(
    HostStorage storage,
    HostCommandHandler handler,
    AnsweredCommands answered,
    IOptions<HostWorkerOptions> options,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var trigger = new QueueTrigger(
            () => Task.FromResult(storage.Commands),
            HostQueues.Commands(settings.HostName),
            storage,
            settings.Commands,
            HandleAsync,
            loggers.CreateLogger<HostCommandListener>());
        return trigger.RunAsync(stoppingToken);
    }

    private async Task HandleAsync(QueueMessageContext message, CancellationToken cancellationToken)
    {
        var command = Read(message.Text);
        if (answered.Contains(command.CommandId))
        {
            return;
        }

        // The command's handling continues the trace of the orchestration that sent it; so do both answers.
        using var span = VeilTelemetry.StartFrom(command.TraceParent, $"host {command.Kind}", ActivityKind.Consumer);
        span?.SetTag("veil.host", options.Value.HostName);
        span?.SetTag("veil.server_id", command.ServerId.ToString());
        span?.SetTag("veil.command_id", command.CommandId.ToString());
        var traceParent = VeilTelemetry.CurrentTraceParent();
        await storage.SendAsync(HostMessageKind.Outcome, HostEvent.Accepted(command, options.Value.HostName, time.GetUtcNow(), traceParent), cancellationToken);
        var outcome = await handler.HandleAsync(command, cancellationToken) with { TraceParent = traceParent };
        if (outcome.Failure is { } failure)
        {
            span?.SetStatus(ActivityStatusCode.Error, failure.Message);
        }

        await storage.SendAsync(HostMessageKind.Outcome, outcome, cancellationToken);
        answered.Record(command.CommandId);
    }

    /// <summary>Parses a command or says exactly what is wrong with it.</summary>
    internal static HostCommand Read(string text)
    {
        HostCommand? command;
        try
        {
            command = JsonSerializer.Deserialize<HostCommand>(text, VeilJson.Options);
        }
        catch (JsonException e)
        {
            throw new PoisonMessageException($"Not a host command: {e.Message}", e);
        }

        if (command is null)
        {
            throw new PoisonMessageException("Not a host command: the message is JSON null.");
        }

        return command.Problem() is { } problem ? throw new PoisonMessageException($"Not a valid host command: {problem}.") : command;
    }
}
