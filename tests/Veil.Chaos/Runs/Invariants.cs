using System.Text.Json;
using Azure;
using Veil.Shared.Contracts;
using Veil.Storage;

namespace Veil.Chaos.Runs;

/// <summary>One promise checked at the end of a run: whether it holds, and what was found.</summary>
public sealed record Invariant(string Promise, bool Holds, string Finding);

/// <summary>
/// What must be true once the faults stop and Veil settles, read through the API (servers, hosts' ASID pools,
/// orchestrations, parked messages) and from what each host reports it runs (its domains blob).
/// </summary>
public sealed class Invariants(VeilClient admin, StorageAccount storage, IReadOnlyList<string> hostNames)
{
    public async Task<IReadOnlyList<Invariant>> CheckAsync(int requested, IReadOnlyCollection<string> injectedPoison, IReadOnlyCollection<string> unexpectedExits, CancellationToken cancellationToken)
    {
        var servers = (await admin.GetAsync("/api/servers", cancellationToken))!.Value.EnumerateArray().ToList();
        var active = servers.Where(s => Text(s, "status") == "active").ToList();
        var domains = await DomainsAsync(cancellationToken);
        var hosts = (await admin.GetAsync("/api/hosts", cancellationToken))!.Value.EnumerateArray().ToList();
        var claims = hosts.SelectMany(h => h.GetProperty("pools").EnumerateArray()
            .SelectMany(p => p.GetProperty("claimedSlots").EnumerateArray().Select(slot => $"{p.GetProperty("provider").GetString()}#{slot.GetInt32()}"))).ToList();
        var unfinished = await CountInstancesAsync("pending,running,suspended", cancellationToken);
        var parked = (await admin.GetAsync("/api/poison", cancellationToken))!.Value.EnumerateArray().ToList();

        var byStatus = string.Join(", ", servers.GroupBy(s => Text(s, "status")).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key.ToUpperInvariant()}"));
        var unsettled = servers.Where(s => Text(s, "status") is not ("active" or "deleted") && !(Text(s, "status") == "error" && Text(s, "fault").Length > 0)).ToList();

        var activeOnHosts = active.Select(s => $"{Text(s, "serverId")}@{Text(s, "hostName")}").ToHashSet(StringComparer.Ordinal);
        var defined = domains.SelectMany(h => h.Domains.Select(d => $"{d.ServerId}@{h.HostName}")).ToHashSet(StringComparer.Ordinal);
        var encryptedActive = active.Where(s => Text(s, "model").Length > 0).ToList();
        var encryptedDomains = domains.SelectMany(h => h.Domains.Where(d => d.Model is not null).Select(d => $"{d.ServerId}@{h.HostName}")).ToHashSet(StringComparer.Ordinal);
        var encryptedActiveOnHosts = encryptedActive.Select(s => $"{Text(s, "serverId")}@{Text(s, "hostName")}").ToHashSet(StringComparer.Ordinal);
        var liveSlots = encryptedActive.Where(s => encryptedDomains.Contains($"{Text(s, "serverId")}@{Text(s, "hostName")}"))
            .Select(s => $"{Text(s, "providerName")}#{Text(s, "asidSlot")}").ToList();
        var doubled = claims.GroupBy(c => c, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key)
            .Concat(liveSlots.GroupBy(c => c, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key)).ToList();
        var unaccounted = parked.Where(p => !injectedPoison.Any(marker => Text(p, "body").Contains(marker, StringComparison.Ordinal))).ToList();
        // Parking is at-least-once (docs/architecture.md): a worker killed between writing the parked copy and deleting
        // the message parks it again when it comes back. Every injected message parked, nothing else parked.
        var parkedPoison = injectedPoison.Where(marker => parked.Any(p => Text(p, "body").Contains(marker, StringComparison.Ordinal))).ToList();
        var parkedTwice = parked.Count - unaccounted.Count - parkedPoison.Count;

        return
        [
            new("one server per create request (retries carry an Idempotency-Key)", servers.Count == requested, $"{servers.Count} servers for {requested} requests"),
            new("every server is ACTIVE, DELETED, or ERROR with a reason", unsettled.Count == 0,
                unsettled.Count == 0 ? byStatus : $"{byStatus}; unsettled: {string.Join("; ", unsettled.Take(5).Select(s => $"{Text(s, "serverId")} {Text(s, "status")} step {Text(s, "step")}"))}"),
            new("ACTIVE servers == domains defined on hosts", activeOnHosts.SetEquals(defined),
                Difference(activeOnHosts, defined, "ACTIVE without a domain", "domains without an ACTIVE server") ?? $"{activeOnHosts.Count} ACTIVE, {defined.Count} domains"),
            new("encrypted ACTIVE servers == encrypted domains on hosts", encryptedActiveOnHosts.SetEquals(encryptedDomains),
                Difference(encryptedActiveOnHosts, encryptedDomains, "encrypted ACTIVE without a domain", "encrypted domains without an ACTIVE server") ?? $"{encryptedDomains.Count} encrypted domains"),
            new("claimed ASID slots == slots of live encrypted domains", claims.Order(StringComparer.Ordinal).SequenceEqual(liveSlots.Order(StringComparer.Ordinal)),
                Difference(claims.ToHashSet(StringComparer.Ordinal), liveSlots.ToHashSet(StringComparer.Ordinal), "claimed but no live domain", "live domain without its claim") ?? $"{claims.Count} slots claimed"),
            new("no ASID slot claimed twice", doubled.Count == 0, doubled.Count == 0 ? "none" : string.Join(", ", doubled)),
            new("no orchestration left Pending, Running or Suspended", unfinished == 0, $"{unfinished} unfinished"),
            new("parked messages are exactly the injected poison", unaccounted.Count == 0 && parkedPoison.Count == injectedPoison.Count,
                $"{parkedPoison.Count} of {injectedPoison.Count} injected parked" + (parkedTwice > 0 ? $" ({parkedTwice} twice: killed between parking and deleting)" : "")
                + (unaccounted.Count == 0 ? "" : "; unaccounted: " + string.Join(" | ", unaccounted.Take(3).Select(p => $"{Text(p, "queue")}: {Text(p, "reason")}")))),
            new("no process exited by itself", unexpectedExits.Count == 0, unexpectedExits.Count == 0 ? "none" : string.Join("; ", unexpectedExits)),
        ];
    }

    /// <summary>Every host's domain list, once each has been published after <paramref name="since"/>.</summary>
    public async Task<IReadOnlyList<HostDomains>> DomainsAsync(CancellationToken cancellationToken, DateTimeOffset? since = null)
    {
        var result = new List<HostDomains>();
        foreach (var host in hostNames)
        {
            var container = await storage.ContainerAsync(HostQueues.Container(host));
            while (true)
            {
                try
                {
                    var content = await container.GetBlobClient(HostQueues.DomainsBlob).DownloadContentAsync(cancellationToken);
                    var domains = content.Value.Content.ToObjectFromJson<HostDomains>(VeilJson.Options)!;
                    if (since is null || domains.At > since)
                    {
                        result.Add(domains);
                        break;
                    }
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    result.Add(new HostDomains(host, DateTimeOffset.MinValue, []));
                    break;
                }

                await Task.Delay(500, cancellationToken);
            }
        }

        return result;
    }

    private async Task<int> CountInstancesAsync(string statuses, CancellationToken cancellationToken)
    {
        var count = 0;
        string? token = null;
        do
        {
            var page = (await admin.GetAsync($"/api/orchestrations?status={statuses}&pageSize=1000" + (token is null ? "" : $"&continuationToken={Uri.EscapeDataString(token)}"), cancellationToken))!.Value;
            count += page.GetProperty("instances").GetArrayLength();
            token = page.TryGetProperty("continuationToken", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (token is not null);
        return count;
    }

    private static string? Difference(HashSet<string> left, HashSet<string> right, string leftOnly, string rightOnly)
    {
        var a = left.Except(right).ToList();
        var b = right.Except(left).ToList();
        return a.Count + b.Count == 0 ? null : $"{leftOnly}: [{string.Join(", ", a.Take(5))}]{(a.Count > 5 ? $" +{a.Count - 5}" : "")}; {rightOnly}: [{string.Join(", ", b.Take(5))}]{(b.Count > 5 ? $" +{b.Count - 5}" : "")}";
    }

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch { JsonValueKind.String => v.GetString() ?? "", JsonValueKind.Null or JsonValueKind.Undefined => "", _ => v.GetRawText() } : "";
}
