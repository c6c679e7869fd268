using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Veil.Shared.Contracts;
using Veil.Storage;

namespace Veil.HostWorker;

/// <summary>Checks the settings at start-up and names each bad one with the fix.</summary>
internal sealed class HostWorkerOptionsValidator : IValidateOptions<HostWorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, HostWorkerOptions options)
    {
        var problems = new List<string>();
        if (options.HostName.Length > HostQueues.MaxHostNameLength || !StorageNames.IsValidQueueName(HostQueues.Commands(options.HostName)))
        {
            problems.Add($"HostWorker:HostName '{options.HostName}' must be 1-{HostQueues.MaxHostNameLength} lowercase letters, digits and single hyphens (it names the queue host-<name>).");
        }

        if (options.FixtureRoot is { } root && !Directory.Exists(root))
        {
            problems.Add($"HostWorker:FixtureRoot '{root}' does not exist.");
        }

        if (options.SevGuestLimit is < 0)
        {
            problems.Add($"HostWorker:SevGuestLimit {options.SevGuestLimit} must not be negative.");
        }

        if (options.ProbeInterval < TimeSpan.FromSeconds(10) || options.ProbeInterval > TimeSpan.FromHours(1))
        {
            problems.Add($"HostWorker:ProbeInterval {options.ProbeInterval} must be between 00:00:10 and 01:00:00.");
        }

        if (options.HeartbeatInterval < TimeSpan.FromSeconds(1) || options.HeartbeatInterval > TimeSpan.FromMinutes(5))
        {
            problems.Add($"HostWorker:HeartbeatInterval {options.HeartbeatInterval} must be between 00:00:01 and 00:05:00.");
        }

        if (!StorageNames.IsValidQueueName(options.EventsQueue))
        {
            problems.Add($"HostWorker:EventsQueue '{options.EventsQueue}' is not a valid queue name.");
        }

        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options.Commands, new ValidationContext(options.Commands), results, validateAllProperties: true))
        {
            problems.AddRange(results.Select(r => $"HostWorker:Commands:{r.ErrorMessage}"));
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
