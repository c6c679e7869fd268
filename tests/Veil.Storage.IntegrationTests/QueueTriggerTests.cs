using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Veil.Storage.Queues;
using Veil.Testing;

namespace Veil.Storage.IntegrationTests;

/// <summary>The queue trigger against the real Azurite; every test has its own queue.</summary>
public sealed class QueueTriggerTests
{
    private readonly StorageAccount storage = new(Azurite.Shared.ConnectionString);
    private readonly string queueName = "t-" + Guid.NewGuid().ToString("N")[..20];
    private ParkedMessageStore Parked => new(storage);

    private static QueueTriggerOptions Fast(int maxDequeueCount = 3, int concurrency = 4, int visibilitySeconds = 2) => new()
    {
        MaxConcurrency = concurrency,
        VisibilityTimeout = TimeSpan.FromSeconds(visibilitySeconds),
        MaxDequeueCount = maxDequeueCount,
        MaxPollingInterval = TimeSpan.FromMilliseconds(100),
        RetryDelay = TimeSpan.Zero,
        ShutdownTimeout = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public async Task Handler_Succeeds_MessageHandledOnceAndDeleted()
    {
        var seen = new ConcurrentBag<string>();
        await SendAsync("hello");

        await RunUntilAsync(Fast(), (m, _) => { seen.Add(m.Text); return Task.CompletedTask; }, () => seen.Count == 1);

        Assert.Equal(["hello"], seen);
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task PoisonMessageException_ParksAtOnceWithReasonAndWholeBody()
    {
        var body = "{\"kind\": <not json>" + new string('x', 40_000);
        await SendAsync(body);
        var tries = 0;

        await RunUntilAsync(Fast(), (_, _) => { tries++; throw new PoisonMessageException("body is not JSON"); }, () => ParkedCount() > 0);

        var parked = Assert.Single(await Parked.ListAsync(queueName));
        Assert.Equal(1, tries);
        Assert.Equal("body is not JSON", parked.Reason);
        Assert.Equal(body, parked.Body);
        Assert.Equal(queueName, parked.Queue);
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task FailingHandler_RetriedThenParkedWithLastError()
    {
        await SendAsync("fails");
        var tries = 0;

        await RunUntilAsync(Fast(maxDequeueCount: 3), (_, _) => { Interlocked.Increment(ref tries); throw new InvalidOperationException("libvirt is down"); }, () => ParkedCount() > 0);

        var parked = Assert.Single(await Parked.ListAsync(queueName));
        Assert.Equal(3, tries);
        Assert.Contains("Failed 3 times", parked.Reason, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: libvirt is down", parked.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParkedMessage_Replay_HandledAgain_Discard_Gone()
    {
        await SendAsync("first");
        await SendAsync("second");
        var poison = true;
        var handled = new ConcurrentBag<string>();
        await RunUntilAsync(Fast(), (m, _) => poison ? throw new PoisonMessageException("not yet") : Record(handled, m), () => ParkedCount() == 2);
        var parked = await Parked.ListAsync(queueName);

        poison = false;
        Assert.True(await Parked.ReplayAsync(parked.Single(p => p.Body == "first").Id));
        Assert.True(await Parked.DiscardAsync(parked.Single(p => p.Body == "second").Id));
        await RunUntilAsync(Fast(), (m, _) => Record(handled, m), () => handled.Count == 1);

        Assert.Equal(["first"], handled);
        Assert.Empty(await Parked.ListAsync(queueName));
        Assert.False(await Parked.ReplayAsync(parked[0].Id));
    }

    [Fact]
    public async Task LongHandler_OutlivesVisibilityTimeout_NotDeliveredTwice()
    {
        await SendAsync("slow");
        var starts = 0;
        var done = 0;

        // A 4 s lease held for 10 s: renewed at every half (2 s) while the handler runs. With a 2 s lease the 1 s
        // margin was too thin on a loaded 2-core CI machine (a renewal round trip took longer; the test failed once).
        await RunUntilAsync(
            Fast(visibilitySeconds: 4),
            async (_, ct) =>
            {
                Interlocked.Increment(ref starts);
                await Task.Delay(TimeSpan.FromSeconds(10), ct);
                Interlocked.Increment(ref done);
            },
            () => Volatile.Read(ref done) == 1,
            settle: TimeSpan.FromSeconds(3));

        Assert.Equal(1, starts);
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task ManyMessages_NeverMoreThanMaxConcurrencyAtOnce_AllHandled()
    {
        for (var i = 0; i < 12; i++)
        {
            await SendAsync($"m{i}");
        }

        var running = 0;
        var peak = 0;
        var handled = new ConcurrentBag<string>();
        await RunUntilAsync(
            Fast(concurrency: 3),
            async (m, ct) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref peak, now);
                await Task.Delay(150, ct);
                Interlocked.Decrement(ref running);
                handled.Add(m.Text);
            },
            () => handled.Count == 12);

        Assert.Equal(12, handled.Distinct().Count());
        Assert.InRange(peak, 2, 3);
    }

    [Fact]
    public async Task Shutdown_WhileHandlerRuns_HandlerFinishesAndMessageIsDeleted()
    {
        await SendAsync("in flight");
        using var started = new SemaphoreSlim(0);
        var finished = false;
        using var stop = new CancellationTokenSource();
        var trigger = Trigger(Fast(), async (_, ct) =>
        {
            started.Release();
            await Task.Delay(700, ct);
            finished = true;
        });

        var run = trigger.RunAsync(stop.Token);
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(20)));
        await stop.CancelAsync();
        await run;

        Assert.True(finished);
        Assert.Equal(0, await CountAsync());
    }

    private static Task Record(ConcurrentBag<string> bag, QueueMessageContext message)
    {
        bag.Add(message.Text);
        return Task.CompletedTask;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private QueueTrigger Trigger(QueueTriggerOptions options, Func<QueueMessageContext, CancellationToken, Task> handler) =>
        new(storage, Parked, queueName, options, handler, NullLogger.Instance);

    private async Task RunUntilAsync(QueueTriggerOptions options, Func<QueueMessageContext, CancellationToken, Task> handler, Func<bool> done, TimeSpan? settle = null)
    {
        using var stop = new CancellationTokenSource();
        var run = Trigger(options, handler).RunAsync(stop.Token);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "the trigger did not get there within 60 s");
            Assert.False(run.IsCompleted, "the trigger stopped on its own");
            await Task.Delay(50);
        }

        await Task.Delay(settle ?? TimeSpan.FromMilliseconds(200));
        await stop.CancelAsync();
        await run;
    }

    private int ParkedCount() => Parked.ListAsync(queueName).GetAwaiter().GetResult().Count;

    private async Task SendAsync(string text) => await (await storage.QueueAsync(queueName)).SendMessageAsync(text);

    private async Task<int> CountAsync() => (await (await storage.QueueAsync(queueName)).GetPropertiesAsync()).Value.ApproximateMessagesCount;
}
