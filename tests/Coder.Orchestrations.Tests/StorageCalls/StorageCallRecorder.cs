using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Coder.Orchestrations.Tests.StorageCalls;

/// <summary>
/// An Azure SDK pipeline policy that names every storage call while recording is on, as "Table Workspaces read",
/// "Table Workspaces transaction", "Queue coder-events send" and so on: the service, the table or queue (without the
/// test's prefix) and the operation. Retries are sent through the transport again and count again.
/// </summary>
public sealed class StorageCallRecorder(string prefix, string connectionString) : HttpPipelineSynchronousPolicy
{
    readonly string? _queueAuthority = AuthorityOf(connectionString, "QueueEndpoint");

    readonly ConcurrentQueue<string> _calls = new();
    volatile bool _recording;

    public void Start()
    {
        _calls.Clear();
        _recording = true;
    }

    /// <summary>The calls since <see cref="Start"/>, by name and count.</summary>
    public SortedDictionary<string, int> Stop()
    {
        _recording = false;
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (string call in _calls) counts[call] = counts.GetValueOrDefault(call) + 1;
        return counts;
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        if (_recording) _calls.Enqueue(Name(message.Request));
    }

    string Name(Request request)
    {
        // Path-style (Azurite): /{account}/{resource}...; the account segment is dropped when present.
        var segments = request.Uri.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (segments.Count > 0 && segments[0].StartsWith("devstoreaccount", StringComparison.Ordinal)) segments.RemoveAt(0);
        string first = segments.Count > 0 ? Uri.UnescapeDataString(segments[0]) : "";
        string method = request.Method.Method;
        bool hasIfMatch = request.Headers.TryGetValue("If-Match", out string? ifMatch);

        if (first == "$batch") return $"Table {BatchTable(request)} transaction";
        int paren = first.IndexOf('(', StringComparison.Ordinal);
        bool table = paren >= 0 || request.Headers.TryGetValue("DataServiceVersion", out _) || request.Headers.TryGetValue("MaxDataServiceVersion", out _);
        if (table)
        {
            string name = Strip(paren >= 0 ? first[..paren] : first);
            bool entity = paren >= 0 && first.Contains("PartitionKey", StringComparison.Ordinal);
            string operation = method switch
            {
                "GET" => entity ? "read" : "query",
                "POST" => "insert",
                "PUT" => hasIfMatch && ifMatch != "*" ? "replace (ETag)" : "upsert",
                "MERGE" or "PATCH" => hasIfMatch && ifMatch != "*" ? "merge (ETag)" : "upsert (merge)",
                "DELETE" => "delete",
                _ => method,
            };
            return $"Table {name} {operation}";
        }

        if (request.Uri.Host + ":" + request.Uri.Port == _queueAuthority)
        {
            string queue = Strip(first);
            bool messages = segments.Count >= 2 && segments[1] == "messages";
            string operation = (messages, method) switch
            {
                (true, "POST") => "send",
                (true, "GET") => "receive",
                (true, "DELETE") => "delete message",
                (true, "PUT") => "update message",
                (false, "PUT") => "create",
                (false, "GET") => "properties",
                _ => method,
            };
            return $"Queue {queue} {operation}";
        }

        return $"Blob {Strip(first)} {method}";
    }

    /// <summary>An entity group transaction names its table in each part of its body.</summary>
    string BatchTable(Request request)
    {
        using var body = new MemoryStream();
        request.Content?.WriteTo(body, CancellationToken.None);
        var match = System.Text.RegularExpressions.Regex.Match(System.Text.Encoding.UTF8.GetString(body.ToArray()), "/" + prefix + "([A-Za-z0-9]+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        return match.Success ? match.Groups[1].Value : "?";
    }

    static string? AuthorityOf(string connectionString, string key)
    {
        foreach (string part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith(key + "=", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(part[(key.Length + 1)..], UriKind.Absolute, out var uri)) return uri.Host + ":" + uri.Port;
        }

        return null;
    }

    string Strip(string name) => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? name[prefix.Length..] : name;
}
