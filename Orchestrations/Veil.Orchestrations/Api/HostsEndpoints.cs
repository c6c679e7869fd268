using Microsoft.Extensions.Options;
using Veil.Orchestrations.Boot;
using Veil.Orchestrations.Claims;
using Veil.Orchestrations.Hosts;
using Veil.Shared.Api;

namespace Veil.Orchestrations.Api;

internal static class HostsEndpoints
{
    /// <summary>How long an asked-for reconciliation waits for another process's round to end.</summary>
    private static readonly TimeSpan AskedRoundWait = TimeSpan.FromSeconds(10);

    public static void MapHosts(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("").RequireAdmin();
        admin.MapGet("/reconciliation", async (bool? now, ClaimReconciler reconciler, CancellationToken ct) =>
        {
            if (now != true && reconciler.Last is { } last)
            {
                return Results.Ok(last);
            }

            // One process repairs at a time: a round asked for while another process has the turn waits a little for it.
            return await reconciler.TryReconcileAsync(AskedRoundWait, ct) is { } report
                ? Results.Ok(report)
                : ApiProblems.Conflict($"Another Orchestrations process has been reconciling for over {AskedRoundWait.TotalSeconds:F0} s (it holds the reconciler's lease); ask again later, or read its log.");
        })
            .Doc<Veil.Orchestrations.Claims.ReconciliationReport>("The claim reconciler's last report (now=true: run a round now, 409 while another process runs one)", StatusCodes.Status200OK, StatusCodes.Status409Conflict);
        admin.MapGet("/hosts", async ([AsParameters] ApiPages page, HttpContext http, HostRegistry registry, AsidLedger ledger, IOptions<BootOptions> options, TimeProvider time, CancellationToken ct) =>
            page.Of(http, (await ViewsAsync(registry, ledger, options.Value, time, ct)).OrderBy(h => h.Name, StringComparer.Ordinal), h => h.Name))
            .Doc<HostView[]>("List hosts by name: reports, checklists, heartbeats, ASID pools");
        admin.MapGet("/hosts/{name}", async (string name, HostRegistry registry, AsidLedger ledger, IOptions<BootOptions> options, TimeProvider time, CancellationToken ct) =>
        {
            var host = (await ViewsAsync(registry, ledger, options.Value, time, ct)).FirstOrDefault(h => h.Name == name);
            return host is null ? ApiProblems.NotFound($"Host '{name}'") : Results.Ok(host);
        })
            .Doc<HostView>("Show a host", StatusCodes.Status200OK, StatusCodes.Status404NotFound);
        admin.MapPost("/hosts/{name}/credential", async (string name, HostEnrollments enrollments, CancellationToken ct) =>
        {
            if (HostEnrollments.HostNameProblem(name) is { } problem)
            {
                return ApiProblems.BadField("name", problem);
            }

            var credential = await enrollments.EnrollAsync(name, ct);
            return Results.Created($"/api/host-enrollments/{name}", credential);
        })
            .Doc<Veil.Shared.Contracts.HostCredential>("Enroll a host, or rotate its credential: the only access to storage its HostWorker gets (the last credential stops working at once)", StatusCodes.Status201Created, StatusCodes.Status400BadRequest);
        admin.MapDelete("/hosts/{name}/credential", async (string name, HostEnrollments enrollments, CancellationToken ct) =>
            await enrollments.RevokeAsync(name, ct) ? Results.NoContent() : ApiProblems.NotFound($"Enrolled host '{name}'"))
            .Doc("Revoke a host's enrollment: its credential stops working, its messages are no longer believed, placement forgets it", StatusCodes.Status204NoContent, StatusCodes.Status404NotFound);
        admin.MapGet("/host-enrollments", async (HostEnrollments enrollments, CancellationToken ct) => Results.Ok(await enrollments.ListAsync(ct)))
            .Doc<HostEnrollment[]>("List enrolled hosts: generation, when issued, until when");
        admin.MapGet("/host-rows/unreadable", async (HostRegistry registry, CancellationToken ct) =>
            Results.Ok((await registry.ReadAsync([], ct)).Unreadable.OrderBy(r => r.Row, StringComparer.Ordinal).ToList()))
            .Doc<UnreadableHostRow[]>("List the rows of the hosts table whose report cannot be read, with why: placement leaves them out");
    }

    private static async Task<List<HostView>> ViewsAsync(HostRegistry registry, AsidLedger ledger, BootOptions options, TimeProvider time, CancellationToken ct)
    {
        var claims = (await ledger.ListAsync(ct)).ToLookup(c => c.ProviderName);
        var now = time.GetUtcNow();
        return (await registry.ListAsync(ct)).Select(h => new HostView(
            h.Report.HostName,
            h.Report,
            h.LastHeartbeat,
            now - h.LastHeartbeat > options.HeartbeatWindow,
            h.Report.Capabilities.Providers.Where(p => p.Model is not null).Select(p => new PoolUsage(
                p.Name,
                Veil.Shared.MemoryEncryption.MemoryEncryptionModels.ToName(p.Model!.Value),
                p.Inventories.TryGetValue(Veil.Shared.MemoryEncryption.ResourceClasses.MemEncryptionContext, out var inventory) ? inventory.Capacity : 0,
                claims[p.Name].Count(),
                claims[p.Name].Select(c => c.Slot).Order().ToList())).ToList())).OrderBy(h => h.Name, StringComparer.Ordinal).ToList();
    }
}
