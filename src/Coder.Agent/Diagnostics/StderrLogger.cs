using Microsoft.Extensions.Logging;

namespace Coder.Agent.Diagnostics;

/// <summary>
/// A minimal line logger on stderr. The agent avoids the console logging provider and its configuration stack to stay small
/// under Native AOT; structured values still come from the source-generated <see cref="Log"/> methods.
/// </summary>
public sealed class StderrLogger(string category, LogLevel minimum, TimeProvider time) : ILogger
{
    static readonly Lock WriteLock = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        string line = $"{time.GetUtcNow():O} {Level(logLevel)} {category}: {formatter(state, exception)}"
            + (exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})");
        lock (WriteLock)
        {
            Console.Error.WriteLine(line);
        }
    }

    public static LogLevel ParseLevel(string? value) => value?.ToLowerInvariant() switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "none" => LogLevel.None,
        _ => LogLevel.Information,
    };

    static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };
}
