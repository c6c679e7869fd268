using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Veil.Shared.Api;

namespace Veil.TaskHub.Diagnostics;

/// <summary>
/// What the Durable Task Framework warns about in this process, counted by event and kept (the latest 100) for
/// admins. DTFx has no poison-message handling: a message whose processing keeps failing is abandoned and
/// redelivered for ever, backing off to ten minutes (<c>AbandoningMessage</c>, then <c>PoisonMessageDetected</c>
/// once it is dequeued often enough), and says so only in its log. This logger provider sees those warnings and
/// errors of the framework's categories, so the API and Portal can show them. Counts are since this process started.
/// Warnings that describe the framework working as designed are not counted (<see cref="Expected"/>).
/// </summary>
public sealed class EngineWarnings(TimeProvider time) : ILoggerProvider
{
    /// <summary>Logged when a message is handed back to its queue after a failure, to be tried again.</summary>
    public const string AbandoningMessage = "AbandoningMessage";

    /// <summary>Logged when a message has failed often enough to sit at the ten-minute back-off.</summary>
    public const string PoisonMessageDetected = "PoisonMessageDetected";

    /// <summary>
    /// Warnings that are the framework doing its job, left out so the counts mean trouble: a timer that fires after
    /// its orchestration ended (every boot's answer timeout does, once its host has answered) or a message for an
    /// instance that is gone is discarded; a duplicate message is dropped; a message already deleted is gone.
    /// </summary>
    public static IReadOnlySet<string> Expected { get; } = new HashSet<string>(StringComparer.Ordinal) { "DiscardingWorkItem", "DuplicateMessageDetected", "MessageGone" };

    private const int Kept = 100;
    private readonly ConcurrentDictionary<string, long> counts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<EngineWarning> recent = new();

    /// <summary>How often each warning or error event was logged, by its event name.</summary>
    public IReadOnlyDictionary<string, long> Counts => counts.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);

    /// <summary>The latest warnings, newest first.</summary>
    public IReadOnlyList<EngineWarning> Recent => recent.Reverse().ToList();

    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith("DurableTask.", StringComparison.Ordinal) ? new Counter(this, categoryName) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private void Record(string category, LogLevel level, EventId id, string message, string? instanceId)
    {
        var name = string.IsNullOrEmpty(id.Name) ? id.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : id.Name;
        if (Expected.Contains(name))
        {
            return;
        }

        counts.AddOrUpdate(name, 1, (_, n) => n + 1);
        recent.Enqueue(new EngineWarning(time.GetUtcNow(), category, level.ToString(), name, instanceId, message));
        while (recent.Count > Kept && recent.TryDequeue(out _))
        {
        }
    }

    private sealed class Counter(EngineWarnings owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            string? instanceId = null;
            if (state is IEnumerable<KeyValuePair<string, object?>> fields)
            {
                instanceId = fields.FirstOrDefault(f => f.Key == "InstanceId").Value as string;
            }

            owner.Record(category, logLevel, eventId, formatter(state, exception), string.IsNullOrEmpty(instanceId) ? null : instanceId);
        }
    }
}
