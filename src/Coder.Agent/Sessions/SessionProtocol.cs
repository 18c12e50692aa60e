using System.Globalization;

namespace Coder.Agent.Sessions;

/// <summary>
/// The control socket's line protocol. Requests: <c>open [id]</c>, <c>close id</c>, <c>activity</c>, <c>status</c>.
/// Replies: <c>ok key=value ...</c> or <c>error message</c>, one line each.
/// </summary>
public static class SessionProtocol
{
    public static string Handle(string request, SessionTracker tracker)
    {
        var parts = request.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string verb = parts.Length > 0 ? parts[0].ToLowerInvariant() : "";
        string? argument = parts.Length > 1 ? parts[1] : null;
        switch (verb)
        {
            case "open":
                string id = argument is { Length: > 0 and <= 128 } ? argument : Guid.NewGuid().ToString("N");
                return $"ok id={id} sessions={tracker.Open(id, "local")}";
            case "close" when argument is not null:
                return tracker.Close(argument) is { } remaining ? $"ok id={argument} sessions={remaining}" : $"error no open session {argument}";
            case "activity":
                tracker.Activity();
                return Status(tracker);
            case "status":
                return Status(tracker);
            default:
                return "error usage: open [id] | close <id> | activity | status";
        }
    }

    static string Status(SessionTracker tracker)
    {
        var (active, last) = tracker.Snapshot();
        string drain = tracker.DrainReason is { } reason ? $" draining={reason}" : "";
        return $"ok sessions={active} lastActivity={(last is { } at ? at.ToString("O", CultureInfo.InvariantCulture) : "never")}{drain}";
    }
}
