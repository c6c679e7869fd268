using System.Text.Json;
using Veil.Shared.Api;
using Veil.Shared.Contracts;
using Veil.Storage.Queues;
using Veil.Testing;

namespace Veil.HostWorker.IntegrationTests;

/// <summary>Thousands of hostile command messages against a running HostWorker: none lost, none crashes it.</summary>
public sealed class HostCommandFuzzTests
{
    private const int Messages = 2000;

    /// <summary>What a crash looks like in a reason: the runtime's words, not Veil's.</summary>
    private static readonly string[] CrashWords = ["NullReference", "IndexOutOfRange", "InvalidCast", "KeyNotFound", "Object reference", "StackOverflow", "ArgumentOutOfRange"];

    [Fact]
    public async Task TwoThousandMutatedCommands_EachAnsweredOrParkedWithAReason_WorkerKeepsWorking()
    {
        await using var worker = new SimulatedHostWorker("genoa-snp");
        await worker.StartAsync();
        var mutator = new JsonMutator(seed: 11);
        var bodies = Enumerable.Range(0, Messages).Select(i => mutator.Mutate(JsonSerializer.Serialize(Template(i), VeilJson.Options))).ToList();
        var commands = await worker.CommandQueueAsync();
        foreach (var batch in bodies.Chunk(50))
        {
            await Task.WhenAll(batch.Select(b => commands.SendMessageAsync(b)));
        }

        // Delivery is at least once: an outcome may come twice, so commands are counted by id.
        var answers = new Dictionary<Guid, HostEvent>();
        var taken = new HashSet<Guid>();
        var parked = worker.Parked;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        while (answers.Count + parked.Count < Messages && DateTime.UtcNow < deadline)
        {
            if (await worker.NextMessageAsync() is { Kind: HostMessageKind.Outcome } message)
            {
                var answer = message.Read<HostEvent>();
                if (answer.Outcome == HostCommandOutcome.Accepted)
                {
                    taken.Add(answer.CommandId);
                }
                else
                {
                    answers[answer.CommandId] = answer;
                }
            }
        }

        Assert.Equal(Messages, answers.Count + parked.Count);
        Assert.Subset(taken, answers.Keys.ToHashSet()); // every command answered was first said to be taken
        Assert.InRange(parked.Count, Messages / 4, Messages - 100); // the mutations break most, not all
        Assert.All(parked, p =>
        {
            Assert.True(p.Reason.Length > 10, p.Reason);
            Assert.DoesNotContain(CrashWords, w => p.Reason.Contains(w, StringComparison.Ordinal));
        });
        Assert.All(answers.Values.Where(a => a.Outcome == HostCommandOutcome.Failed), a => Assert.False(string.IsNullOrWhiteSpace(a.Failure?.Message), a.ToString()));
        Assert.Equal(0, (await commands.GetPropertiesAsync()).Value.ApproximateMessagesCount);

        // Still serving: a plain destroy is answered.
        await worker.SendAsync(SimulatedHostWorker.Command(HostCommandKind.Destroy, Guid.NewGuid()));
        Assert.Equal(HostCommandOutcome.Succeeded, (await worker.NextEventAsync()).Outcome);
    }

    private static HostCommand Template(int i) => (i % 8) switch
    {
        0 => SimulatedHostWorker.Spawn(GuestSpecBuilder.NewSnp($"fuzz-{i}")),
        1 => SimulatedHostWorker.Spawn(GuestSpecBuilder.Encrypted("amd-sev") with { ServerId = Guid.NewGuid(), Name = $"fuzz-{i}" }),
        2 => SimulatedHostWorker.Spawn(GuestSpecBuilder.Plain($"fuzz-{i}", Guid.NewGuid())),
        3 => SimulatedHostWorker.Command(HostCommandKind.Suspend, Guid.NewGuid()),
        4 => SimulatedHostWorker.Command(HostCommandKind.Resume, Guid.NewGuid()),
        5 => SimulatedHostWorker.Command(HostCommandKind.LiveMigrate, Guid.NewGuid()),
        _ => SimulatedHostWorker.Command(HostCommandKind.Destroy, Guid.NewGuid()),
    };
}
