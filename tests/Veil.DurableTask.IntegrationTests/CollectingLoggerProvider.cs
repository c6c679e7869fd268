using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Veil.DurableTask.IntegrationTests;

/// <summary>Keeps every log line written, to check what a logger let through.</summary>
internal sealed class CollectingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Collecting(lines);

    public void Dispose()
    {
    }

    private sealed class Collecting(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));
    }
}
