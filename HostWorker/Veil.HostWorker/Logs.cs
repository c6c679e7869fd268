using Microsoft.Extensions.Logging;
using Veil.Shared.Contracts;

namespace Veil.HostWorker;

internal static partial class Logs
{
    [LoggerMessage(2000, LogLevel.Information, "Host {HostName} ready on {LibvirtUri}: offers [{Models}], {Domains} domain(s) defined ({Restored} restored from the simulated host's state)")]
    public static partial void HostReady(ILogger logger, string hostName, string libvirtUri, string models, int domains, int restored);

    [LoggerMessage(2001, LogLevel.Critical, "Host {HostName} refuses to start: {Refusal}")]
    public static partial void StartupRefused(ILogger logger, string hostName, string refusal);

    [LoggerMessage(2002, LogLevel.Warning, "Publishing the report of host {HostName} failed; trying again at the next heartbeat")]
    public static partial void ReportFailed(ILogger logger, Exception exception, string hostName);

    [LoggerMessage(2003, LogLevel.Information, "{Kind} of server {ServerId}: {Outcome} {Failure}")]
    public static partial void CommandDone(ILogger logger, HostCommandKind kind, Guid serverId, HostCommandOutcome outcome, string? failure);

    [LoggerMessage(2005, LogLevel.Warning, "Host {HostName} cannot {Step} at start: storage does not answer; trying again in {Delay} ({Error})")]
    public static partial void WaitingForStorage(ILogger logger, string hostName, string step, TimeSpan delay, string error);

    [LoggerMessage(2006, LogLevel.Warning, "The console log of deleted server {ServerId} could not be removed from storage; it stays there")]
    public static partial void ConsoleLogNotRemoved(ILogger logger, Exception exception, Guid serverId);

    [LoggerMessage(2007, LogLevel.Warning, "Host name {HostName} is held by another worker; waiting for its lease to end (within {Duration}) before refusing to start")]
    public static partial void NameHeld(ILogger logger, string hostName, TimeSpan duration);

    [LoggerMessage(2008, LogLevel.Critical, "Host name {HostName} was taken by another worker while this one ran (its lease could not be renewed); stopping so that only one worker takes the host's commands")]
    public static partial void NameLost(ILogger logger, string hostName);
}
