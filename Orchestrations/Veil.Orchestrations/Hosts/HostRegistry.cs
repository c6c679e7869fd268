using System.Text.Json;
using Azure.Data.Tables;
using Veil.Orchestrations.Claims;
using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Shared.Placement;
using Veil.Storage;

namespace Veil.Orchestrations.Hosts;

/// <summary>
/// The hosts as their HostWorkers last reported them (table <c>VeilHosts</c>), with the slots claimed on each. A row
/// whose report cannot be read is left out, logged and listed with why (<see cref="ReadAsync"/>): one bad row never
/// stops placement for every other host, and admins see it. Placement of a multi-create leaves out the claims of the
/// request's own servers (<c>ignoringClaimsOf</c>).
/// </summary>
public sealed class HostRegistry(StorageAccount storage, AsidLedger ledger, ILogger<HostRegistry> logger)
{
    public async Task<IReadOnlyList<PlacementHost>> ListAsync(CancellationToken cancellationToken = default) =>
        (await ReadAsync([], cancellationToken)).Hosts;

    public async Task<IReadOnlyList<PlacementHost>> ListAsync(IReadOnlyCollection<Guid> ignoringClaimsOf, CancellationToken cancellationToken = default) =>
        (await ReadAsync(ignoringClaimsOf, cancellationToken)).Hosts;

    /// <summary>Every row of the hosts table: the hosts whose reports read, and the rows that do not, with why.</summary>
    public async Task<HostRows> ReadAsync(IReadOnlyCollection<Guid> ignoringClaimsOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ignoringClaimsOf);
        var table = await storage.TableAsync(HostQueues.HostsTable);
        var claimed = (await ledger.ListAsync(cancellationToken)).Where(c => !ignoringClaimsOf.Contains(c.ServerId)).GroupBy(c => c.ProviderName).ToDictionary(g => g.Key, g => g.Count());
        var hosts = new List<PlacementHost>();
        var unreadable = new List<UnreadableHostRow>();
        await foreach (var row in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            var heartbeat = row.GetDateTimeOffset("HeartbeatAt");
            var (report, problem) = Read(row.RowKey, row.GetString("Report"));
            if (report is null)
            {
                Logs.HostRowUnreadable(logger, row.RowKey, problem!);
                unreadable.Add(new UnreadableHostRow(row.RowKey, problem!, heartbeat));
                continue;
            }

            var mine = report.Capabilities.Providers.Where(p => claimed.ContainsKey(p.Name)).ToDictionary(p => p.Name, p => claimed[p.Name]);
            hosts.Add(new PlacementHost(report, heartbeat ?? DateTimeOffset.MinValue, mine));
        }

        return new HostRows(hosts, unreadable);
    }

    /// <summary>The row's report, or why there is none that can be trusted to be that host's.</summary>
    private static (HostReport? Report, string? Problem) Read(string rowKey, string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return (null, "the row has no report");
        }

        try
        {
            return JsonSerializer.Deserialize<HostReport>(json, VeilJson.Options) switch
            {
                null => (null, "the report is empty"),
                { HostName: var name } report when name == rowKey => (report, null),
                { HostName: var name } => (null, $"the report names host '{name}', not the row's"),
            };
        }
        catch (JsonException e)
        {
            return (null, $"the report is not readable: {e.Message}");
        }
    }
}

/// <summary>The hosts table read whole: hosts placement may use, and rows it leaves out with why.</summary>
public sealed record HostRows(IReadOnlyList<PlacementHost> Hosts, IReadOnlyList<UnreadableHostRow> Unreadable);
