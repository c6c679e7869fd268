using System.Collections.Concurrent;

namespace Veil.DurableTask.IntegrationTests;

/// <summary>Retry policies, sub-orchestrations and continue-as-new.</summary>
public sealed class RetriesAndSubOrchestrationsTests
{
    private static readonly ConcurrentDictionary<string, int> Tries = new();

    private static void Register(DurableTaskRegistry r) => r
        .AddActivityFunc<int, string>("Flaky", (ctx, failures) =>
        {
            var attempt = Tries.AddOrUpdate(ctx.InstanceId, 1, (_, n) => n + 1);
            return attempt <= failures
                ? throw new TimeoutException($"try {attempt} timed out")
                : Task.FromResult($"ok on try {attempt}");
        })
        .AddOrchestratorFunc<int, string>("Retrying", (ctx, failures) => ctx.CallActivityAsync<string>(
            "Flaky", failures, TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromMilliseconds(200), backoffCoefficient: 2))))
        .AddOrchestratorFunc<int, string>("RetryingOnlyArgumentErrors", (ctx, failures) => ctx.CallActivityAsync<string>(
            "Flaky", failures, TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromMilliseconds(100)) { Handle = f => f.IsCausedBy<ArgumentException>() })))
        .AddOrchestratorFunc<int, int>("Child", async (ctx, n) =>
        {
            await ctx.CreateTimer(TimeSpan.FromMilliseconds(10), CancellationToken.None);
            return n < 0 ? throw new ArgumentOutOfRangeException(nameof(n), "negative") : n * 10;
        })
        .AddOrchestratorFunc<int, string>("Parent", async (ctx, n) =>
        {
            try
            {
                var result = await ctx.CallSubOrchestratorAsync<int>("Child", n, new SubOrchestrationOptions(ctx.InstanceId + "-child"));
                return $"child said {result}";
            }
            catch (TaskFailedException e)
            {
                return $"child failed: {e.FailureDetails.ErrorType}: {e.FailureDetails.ErrorMessage}";
            }
        })
        .AddOrchestratorFunc<int, int>("Counter", async (ctx, n) =>
        {
            if (n >= 5)
            {
                return n;
            }

            await ctx.CreateTimer(TimeSpan.FromMilliseconds(10), CancellationToken.None);
            ctx.ContinueAsNew(n + 1);
            return -1;
        });

    [Fact]
    public async Task RetryPolicy_TwoFailuresThenSuccess_CompletesOnTheThirdTry()
    {
        await using var hub = await TestHub.StartAsync(Register);

        var done = await hub.RunAsync("Retrying", 2);

        Assert.Equal("ok on try 3", done.ReadOutputAs<string>());
        var history = await hub.Client.GetOrchestrationHistoryAsync(done.InstanceId);
        Assert.Equal(3, history.Count(e => e.Type == EventType.TaskScheduled));
        Assert.Equal(2, history.Count(e => e.Type == EventType.TimerCreated));
    }

    [Fact]
    public async Task RetryPolicy_FailsMoreThanAttempts_InstanceFails()
    {
        await using var hub = await TestHub.StartAsync(Register);

        var done = await hub.RunAsync("Retrying", 5);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal("try 3 timed out", done.FailureDetails!.InnerFailure!.ErrorMessage);
    }

    [Fact]
    public async Task RetryPolicy_HandlePredicateRefuses_NoRetry()
    {
        await using var hub = await TestHub.StartAsync(Register);

        var done = await hub.RunAsync("RetryingOnlyArgumentErrors", 1);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal(1, (await hub.Client.GetOrchestrationHistoryAsync(done.InstanceId)).Count(e => e.Type == EventType.TaskScheduled));
    }

    [Fact]
    public async Task SubOrchestration_ResultReturnedToParent()
    {
        await using var hub = await TestHub.StartAsync(Register);

        var done = await hub.RunAsync("Parent", 4);

        Assert.Equal("child said 40", done.ReadOutputAs<string>());
        var child = await hub.Client.GetInstanceAsync(done.InstanceId + "-child", getInputsAndOutputs: true);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, child!.RuntimeStatus);
        Assert.Equal(done.InstanceId, child.ParentInstanceId);
    }

    [Fact]
    public async Task SubOrchestration_Fails_ParentSeesTheChildsError()
    {
        await using var hub = await TestHub.StartAsync(Register);

        var done = await hub.RunAsync("Parent", -1);

        Assert.StartsWith("child failed: System.ArgumentOutOfRangeException: negative", done.ReadOutputAs<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContinueAsNew_RunsFreshExecutionsUntilDone_HistoryHoldsOnlyTheLast()
    {
        await using var hub = await TestHub.StartAsync(Register);

        var done = await hub.RunAsync("Counter", 0);

        Assert.Equal(5, done.ReadOutputAs<int>());
        var history = await hub.Client.GetOrchestrationHistoryAsync(done.InstanceId);
        Assert.Equal("5", Assert.Single(history, e => e.Type == EventType.ExecutionStarted).Data);
        Assert.DoesNotContain(history, e => e.Type == EventType.TimerCreated);
    }
}
