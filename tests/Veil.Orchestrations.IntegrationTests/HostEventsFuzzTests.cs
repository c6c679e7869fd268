using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Veil.Orchestrations.Servers;
using Veil.Shared.Contracts;
using Veil.Storage;
using Veil.Storage.Queues;
using Veil.Testing;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>
/// Thousands of hostile host-event messages against the Orchestrations listener — mutated signed messages (a
/// stranger's tampering) and mutated payloads signed with an enrolled host's key (a compromised host's garbage):
/// drained, bad ones parked with a reason, boots unharmed.
/// </summary>
[Collection(nameof(LocalVeil))]
public sealed class HostEventsFuzzTests(LocalVeil stack)
{
    private const int Messages = 2000;

    [Fact]
    public async Task TwoThousandMutatedHostEvents_QueueDrains_BadOnesParkedWithReasons_BootsStillComplete()
    {
        var storage = stack.Services.GetRequiredService<StorageAccount>();
        var queueName = "ev-" + stack.Suffix;
        var queue = await storage.QueueAsync(queueName);
        var mutator = new JsonMutator(seed: 23);
        var parkedBefore = (await new ParkedMessageStore(storage).ListAsync(queueName)).Count;
        var (genoa, key) = (await stack.Services.GetRequiredService<Veil.Orchestrations.Hosts.HostEnrollments>().KeyAsync(stack.Genoa))!.Value;
        var bodies = Enumerable.Range(0, Messages).Select(i =>
        {
            var payload = JsonSerializer.Serialize(Template(i), VeilJson.Options);
            return i % 2 == 0
                ? JsonSerializer.Serialize(HostMessage.SignText(stack.Genoa, genoa.Generation, key, HostMessageKind.Outcome, mutator.Mutate(payload)), VeilJson.Options)
                : mutator.Mutate(JsonSerializer.Serialize(HostMessage.SignText(stack.Genoa, genoa.Generation, key, HostMessageKind.Outcome, payload), VeilJson.Options));
        }).ToList();
        foreach (var batch in bodies.Chunk(50))
        {
            await Task.WhenAll(batch.Select(b => queue.SendMessageAsync(b)));
        }

        // The stack's hosts keep sending heartbeats to the same queue: drained means none of these is left on it.
        var sent = bodies.ToHashSet(StringComparer.Ordinal);
        async Task<bool> DrainedAsync() =>
            (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount <= 32
            && !(await queue.PeekMessagesAsync(32)).Value.Any(m => sent.Contains(m.Body.ToString()));
        await Eventually.True(DrainedAsync, "the mutated host messages were not all taken off the events queue", TimeSpan.FromMinutes(3));

        var parked = (await new ParkedMessageStore(storage).ListAsync(queueName)).Skip(parkedBefore).ToList();
        Assert.InRange(parked.Count, Messages / 4, Messages);
        Assert.All(parked, p => Assert.True(p.Reason.Length > 10 && !p.Reason.Contains("NullReference", StringComparison.Ordinal), p.Reason));

        // The listener and the engine still work: a boot completes.
        var guest = GuestSpecBuilder.Encrypted("amd-sev") with { ServerId = Guid.NewGuid() };
        await stack.Servers.CreateAsync("project-fuzz", guest);
        Assert.Equal(ServerStatus.Active, (await stack.SettledAsync("project-fuzz", guest.ServerId)).Status);
    }

    private HostEvent Template(int i) => new(
        Guid.NewGuid(),
        i % 3 == 0 ? $"boot-{Guid.NewGuid():N}" : i % 3 == 1 ? "no-such-instance" : null,
        (HostCommandKind)(i % 5),
        Guid.NewGuid(),
        stack.Genoa,
        i % 2 == 0 ? HostCommandOutcome.Succeeded : HostCommandOutcome.Failed,
        "running",
        DateTimeOffset.UtcNow,
        i % 4 == 0 ? "<domain type='kvm'/>" : null,
        i % 2 == 1 ? new HostFailure(HostFailureCode.Libvirt, "fuzz") : null);
}
