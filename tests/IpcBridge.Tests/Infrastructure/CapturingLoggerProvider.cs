using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Tests.Infrastructure;

/// <summary>Keeps every log entry so a test can assert what was logged.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> entries = new();

    public IReadOnlyList<LogEntry> Entries => this.entries.ToArray();

    public ILoggerFactory CreateFactory() => LoggerFactory.Create(b => b.AddProvider(this).SetMinimumLevel(LogLevel.Trace));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public IEnumerable<LogEntry> At(LogLevel level) => this.Entries.Where(e => e.Level == level);

    public void Dispose()
    {
    }

    public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

    private sealed class Logger : ILogger
    {
        private readonly CapturingLoggerProvider owner;
        private readonly string category;

        public Logger(CapturingLoggerProvider owner, string category)
        {
            this.owner = owner;
            this.category = category;
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => this.owner.entries.Enqueue(new LogEntry(this.category, logLevel, eventId, formatter(state, exception), exception));
    }
}
