using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Veil.Orchestrations.Hosts;
using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Storage;
using Veil.Storage.Queues;
using Veil.Testing;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>
/// The Orchestrations side believes a host only in what that host may say of itself, signed with the key of its current
/// enrollment; admins enroll, rotate and revoke hosts through the API.
/// </summary>
[Collection(nameof(LocalVeil))]
public sealed class HostTrustTests(LocalVeil stack)
{
    private StorageAccount Storage => stack.Services.GetRequiredService<StorageAccount>();

    private string EventsQueue => "ev-" + stack.Suffix;

    [Fact]
    public async Task ForgedOrImpersonatingHostMessages_ParkedWithWhy_AndChangeNothing()
    {
        var enrollments = stack.Services.GetRequiredService<HostEnrollments>();
        var (genoa, key) = (await enrollments.KeyAsync(stack.Genoa))!.Value;
        var romeBefore = (await stack.Services.GetRequiredService<HostRegistry>().ListAsync()).Single(h => h.Report.HostName == stack.Rome).Report;
        var outcomeAsRome = Outcome(stack.Rome);
        var sent = new List<(string Marker, string Why)>
        {
            await SendAsync(HostMessage.Sign(stack.Genoa, genoa.Generation, key, HostMessageKind.Outcome, outcomeAsRome), $"host {stack.Genoa} sent an outcome in the name of host '{stack.Rome}'"),
            await SendAsync(HostMessage.Sign(stack.Rome, genoa.Generation, key, HostMessageKind.Outcome, Outcome(stack.Rome)), $"not signed with host {stack.Rome}'s key"),
            await SendAsync(HostMessage.Sign("ghost-" + stack.Suffix, 1, key, HostMessageKind.Outcome, Outcome("ghost-" + stack.Suffix)), $"host 'ghost-{stack.Suffix}' is not enrolled"),
            await SendAsync(HostMessage.Sign(stack.Genoa, genoa.Generation + 1, key, HostMessageKind.Outcome, Outcome(stack.Genoa)), $"signed with its credential of generation {genoa.Generation + 1}"),
            await SendAsync(HostMessage.Sign(stack.Genoa, genoa.Generation, key, HostMessageKind.Report, romeBefore with { Refusal = "forged", Status = HostStatus.Refused }), $"host {stack.Genoa} sent a report about host '{stack.Rome}'"),
            await SendAsync(HostMessage.Sign(stack.Genoa, genoa.Generation, key, HostMessageKind.Parked, new ParkedMessage("", HostQueues.Commands(stack.Rome), "m", Guid.NewGuid().ToString(), "forged", 1, null, DateTimeOffset.UtcNow)), "not its own"),
        };
        var unsigned = Guid.NewGuid().ToString();
        await (await Storage.QueueAsync(EventsQueue)).SendMessageAsync(JsonSerializer.Serialize(Outcome(stack.Genoa) with { CorrelationId = unsigned }, VeilJson.Options));
        sent.Add((unsigned, "Not a host message"));

        var parked = await Eventually.Until(
            () => new ParkedMessageStore(Storage).ListAsync(EventsQueue),
            all => sent.All(s => all.Any(p => Carries(p, s.Marker))),
            all => $"{sent.Count(s => all.Any(p => Carries(p, s.Marker)))} of {sent.Count} forged messages parked");

        Assert.All(sent, s => Assert.Contains(s.Why, parked.First(p => Carries(p, s.Marker)).Reason, StringComparison.Ordinal));
        var romeAfter = (await stack.Services.GetRequiredService<HostRegistry>().ListAsync()).Single(h => h.Report.HostName == stack.Rome).Report;
        Assert.Equal((HostStatus.Ready, null), (romeAfter.Status, romeAfter.Refusal));
    }

    [Fact]
    public async Task AdminEnrollsRotatesAndRevokesAHost_OnlyAnEnrolledHostIsBelieved()
    {
        using var admin = stack.Api("ops", "admin");
        using var tenant = stack.Api("project-a");
        var ghost = "ghost-" + stack.Suffix;

        var first = await admin.PostAsync($"/api/hosts/{ghost}/credential", null);
        var rotated = await admin.PostAsync($"/api/hosts/{ghost}/credential", null);
        var credential = (await rotated.Content.ReadFromJsonAsync<HostCredential>(VeilJson.Options))!;
        var badName = await admin.PostAsync("/api/hosts/Not_A_Host/credential", null);
        var byTenant = await tenant.PostAsync($"/api/hosts/{ghost}/credential", null);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal((2, ghost), (credential.Generation, credential.HostName));
        Assert.Null(credential.Problem());
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        Assert.Contains("'Not_A_Host' is not a host name", await badName.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, byTenant.StatusCode);
        Assert.Contains(await admin.GetFromJsonAsync<List<HostEnrollment>>("/api/host-enrollments", VeilJson.Options) ?? [], e => e.HostName == ghost && e.Generation == 2);

        // Its signed report (a refused host: placement must not send it work) reaches the hosts table.
        var genoaReport = (await stack.Services.GetRequiredService<HostRegistry>().ListAsync()).Single(h => h.Report.HostName == stack.Genoa).Report;
        var report = genoaReport with { HostName = ghost, Status = HostStatus.Refused, Refusal = "a test host", ProbedAt = DateTimeOffset.UtcNow };
        await SendAsync(HostMessage.Sign(credential, HostMessageKind.Report, report), "");
        await Eventually.True(async () => (await admin.GetAsync($"/api/hosts/{ghost}")).StatusCode == HttpStatusCode.OK, "the enrolled host's report did not reach the hosts table");

        var revoked = await admin.DeleteAsync($"/api/hosts/{ghost}/credential");
        var (marker, _) = await SendAsync(HostMessage.Sign(credential, HostMessageKind.Report, report with { Refusal = "after revocation " + Guid.NewGuid() }), "");
        var parked = await Eventually.Until(
            () => new ParkedMessageStore(Storage).ListAsync(EventsQueue),
            all => all.Any(p => Carries(p, marker)),
            _ => "the revoked host's report was not parked");

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/hosts/{ghost}")).StatusCode);
        Assert.Contains($"host '{ghost}' is not enrolled", parked.First(p => Carries(p, marker)).Reason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/hosts/{ghost}/credential")).StatusCode);
        Assert.DoesNotContain(await admin.GetFromJsonAsync<List<HostEnrollment>>("/api/host-enrollments", VeilJson.Options) ?? [], e => e.HostName == ghost);
    }

    /// <summary>Whether a parked message is the one sent with <paramref name="marker"/>: a host message's signature, else text in its body.</summary>
    private static bool Carries(ParkedMessage parked, string marker)
    {
        if (parked.Body.Contains(marker, StringComparison.Ordinal))
        {
            return true;
        }

        try
        {
            return JsonSerializer.Deserialize<HostMessage>(parked.Body, VeilJson.Options)?.Signature == marker;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static HostEvent Outcome(string host) => new(Guid.NewGuid(), $"boot-{Guid.NewGuid():N}", HostCommandKind.Spawn, Guid.NewGuid(), host, HostCommandOutcome.Succeeded, "running", DateTimeOffset.UtcNow);

    /// <summary>Puts the message on the events queue; the answer is a marker to find it by among the parked, and why it should be parked.</summary>
    private async Task<(string Marker, string Why)> SendAsync(HostMessage message, string why)
    {
        await (await Storage.QueueAsync(EventsQueue)).SendMessageAsync(JsonSerializer.Serialize(message, VeilJson.Options));
        return (message.Signature, why);
    }
}
