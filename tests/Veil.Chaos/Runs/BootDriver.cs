using System.Diagnostics;
using System.Text.Json;

namespace Veil.Chaos.Runs;

/// <summary>What happened to one server a tenant launched (and perhaps deleted).</summary>
public sealed record BootResult(Guid ServerId, string Flavor, string Status, TimeSpan BootTime, TimeSpan? DeleteTime, string? Fault);

/// <summary>A tenant's life: launch a server, follow it to ACTIVE or ERROR, sometimes delete it (or delete it while it builds).</summary>
public sealed class BootDriver(VeilClient api, string imageId)
{
    public static readonly string[] Terminal = ["active", "error", "deleted"];

    /// <summary>Launches a server, follows it; deletes it when asked (at once, racing the boot, or after it settled).</summary>
    public async Task<BootResult> RunAsync(string name, string flavor, DeleteWhen delete, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var created = await api.PostAsync("/api/servers", new { name, flavorName = flavor, imageId }, idempotencyKey: name, cancellationToken: cancellationToken);
        var serverId = created!.Value[0].GetProperty("serverId").GetGuid();
        if (delete == DeleteWhen.WhileBuilding)
        {
            await api.DeleteAsync($"/api/servers/{serverId}", cancellationToken);
        }

        var server = await SettleAsync(serverId, cancellationToken);
        var bootTime = clock.Elapsed;
        TimeSpan? deleteTime = null;
        if (delete == DeleteWhen.AfterBoot && Status(server) != "deleted")
        {
            var deleting = Stopwatch.StartNew();
            await api.DeleteAsync($"/api/servers/{serverId}", cancellationToken);
            server = await SettleAsync(serverId, cancellationToken);
            deleteTime = deleting.Elapsed;
        }

        return new BootResult(serverId, flavor, Status(server), bootTime, deleteTime, server?.TryGetProperty("fault", out var fault) == true ? fault.GetString() : null);
    }

    /// <summary>Polls until the server is ACTIVE, ERROR or DELETED (or 4 minutes pass: then it is reported as it is).</summary>
    private async Task<JsonElement?> SettleAsync(Guid serverId, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        while (true)
        {
            var server = await api.GetAsync($"/api/servers/{serverId}", cancellationToken);
            if (Terminal.Contains(Status(server)) || DateTime.UtcNow > deadline)
            {
                return server;
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    private static string Status(JsonElement? server) => server?.GetProperty("status").GetString() ?? "missing";
}

/// <summary>When a tenant deletes the server it launched.</summary>
public enum DeleteWhen
{
    Never,
    WhileBuilding,
    AfterBoot,
}
