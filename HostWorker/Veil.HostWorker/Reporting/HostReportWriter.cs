using Azure.Data.Tables;
using Veil.Shared.Contracts;
using Veil.Storage;

namespace Veil.HostWorker.Reporting;

/// <summary>Writes this host's row in the hosts table (report and heartbeat) and its list of domains.</summary>
public sealed class HostReportWriter(StorageAccount storage)
{
    public const string PartitionKey = "host";

    public async Task PublishAsync(HostReport report, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HostQueues.HostsTable);
        var entity = new TableEntity(PartitionKey, report.HostName)
        {
            ["Status"] = report.Status.ToString(),
            ["Report"] = System.Text.Json.JsonSerializer.Serialize(report, VeilJson.Options),
            ["ProbedAt"] = report.ProbedAt,
            ["HeartbeatAt"] = report.ProbedAt,
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken);
    }

    public async Task HeartbeatAsync(string hostName, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HostQueues.HostsTable);
        await table.UpsertEntityAsync(new TableEntity(PartitionKey, hostName) { ["HeartbeatAt"] = at }, TableUpdateMode.Merge, cancellationToken);
    }

    public async Task PublishDomainsAsync(HostDomains domains, CancellationToken cancellationToken)
    {
        var container = await storage.ContainerAsync(HostQueues.HostsContainer);
        await container.GetBlobClient(HostQueues.DomainsBlob(domains.HostName))
            .UploadAsync(BinaryData.FromObjectAsJson(domains, VeilJson.Options), overwrite: true, cancellationToken);
    }
}
