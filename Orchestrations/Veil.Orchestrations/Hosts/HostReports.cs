using Azure;
using Azure.Data.Tables;
using Veil.Shared.Contracts;
using Veil.Storage;

namespace Veil.Orchestrations.Hosts;

/// <summary>
/// Writes the hosts table (<see cref="HostQueues.HostsTable"/>: a host's last report and heartbeat), which placement
/// reads. Only the Orchestrations side writes it, from messages it verified came from that host, and only here (a
/// revoked host's row is removed here too).
/// </summary>
public sealed class HostReports(StorageAccount storage)
{
    public const string PartitionKey = "host";

    public async Task WriteReportAsync(HostReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var table = await storage.TableAsync(HostQueues.HostsTable);
        await table.UpsertEntityAsync(new TableEntity(PartitionKey, report.HostName)
        {
            ["Status"] = report.Status.ToString(),
            ["Report"] = System.Text.Json.JsonSerializer.Serialize(report, VeilJson.Options),
            ["ProbedAt"] = report.ProbedAt,
            ["HeartbeatAt"] = report.ProbedAt,
        }, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>Records a heartbeat on the host's row; one that arrives before the host's first report is dropped (a
    /// row without a report would be unreadable to placement), the report carries its own.</summary>
    public async Task WriteHeartbeatAsync(string hostName, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(HostQueues.HostsTable);
        try
        {
            await table.UpdateEntityAsync(new TableEntity(PartitionKey, hostName) { ["HeartbeatAt"] = at }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    /// <summary>Removes the host's row, so that placement forgets it (its enrollment was revoked).</summary>
    public async Task ForgetAsync(string hostName, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(HostQueues.HostsTable);
        await table.DeleteEntityAsync(PartitionKey, hostName, ETag.All, cancellationToken);
    }
}
