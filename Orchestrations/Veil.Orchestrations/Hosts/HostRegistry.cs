using System.Text.Json;
using Azure.Data.Tables;
using Veil.Orchestrations.Claims;
using Veil.Shared.Contracts;
using Veil.Shared.Placement;
using Veil.Storage;

namespace Veil.Orchestrations.Hosts;

/// <summary>
/// The hosts as their HostWorkers last reported them (table <c>VeilHosts</c>), with the slots claimed on each. A row
/// whose report cannot be read is left out and logged: one bad row never stops placement for every other host.
/// Placement of a multi-create leaves out the claims of the request's own servers (<c>ignoringClaimsOf</c>).
/// </summary>
public sealed class HostRegistry(StorageAccount storage, AsidLedger ledger, ILogger<HostRegistry> logger)
{
    public async Task<IReadOnlyList<PlacementHost>> ListAsync(CancellationToken cancellationToken = default) =>
        await ListAsync([], cancellationToken);

    public async Task<IReadOnlyList<PlacementHost>> ListAsync(IReadOnlyCollection<Guid> ignoringClaimsOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ignoringClaimsOf);
        var table = await storage.TableAsync(HostQueues.HostsTable);
        var claimed = (await ledger.ListAsync(cancellationToken)).Where(c => !ignoringClaimsOf.Contains(c.ServerId)).GroupBy(c => c.ProviderName).ToDictionary(g => g.Key, g => g.Count());
        var hosts = new List<PlacementHost>();
        await foreach (var row in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            if (row.GetString("Report") is not { } json)
            {
                continue;
            }

            if (Read(row.RowKey, json) is not { } report)
            {
                continue;
            }

            var heartbeat = row.GetDateTimeOffset("HeartbeatAt") ?? DateTimeOffset.MinValue;
            var mine = report.Capabilities.Providers.Where(p => claimed.ContainsKey(p.Name)).ToDictionary(p => p.Name, p => claimed[p.Name]);
            hosts.Add(new PlacementHost(report, heartbeat, mine));
        }

        return hosts;
    }

    private HostReport? Read(string rowKey, string json)
    {
        try
        {
            var report = JsonSerializer.Deserialize<HostReport>(json, VeilJson.Options);
            if (report?.HostName == rowKey)
            {
                return report;
            }

            Logs.HostRowUnreadable(logger, rowKey, report is null ? "the report is empty" : $"the report names host '{report.HostName}'");
        }
        catch (JsonException e)
        {
            Logs.HostRowUnreadable(logger, rowKey, e.Message);
        }

        return null;
    }
}
