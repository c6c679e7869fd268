using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Veil.Orchestrations.Servers;
using Veil.Shared.Contracts;
using Veil.Storage;
using Veil.Storage.Queues;
using Veil.Testing;

namespace Veil.Orchestrations.IntegrationTests;

/// <summary>Thousands of hostile host-event messages against the Orchestrations listener: drained, bad ones parked with a reason, boots unharmed.</summary>
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
        var bodies = Enumerable.Range(0, Messages).Select(i => mutator.Mutate(JsonSerializer.Serialize(Template(i), VeilJson.Options))).ToList();
        foreach (var batch in bodies.Chunk(50))
        {
            await Task.WhenAll(batch.Select(b => queue.SendMessageAsync(b)));
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while ((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
        }

        var parked = (await new ParkedMessageStore(storage).ListAsync(queueName)).Skip(parkedBefore).ToList();
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
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
