using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Coder.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Coder.EndToEnd.Tests.Security;

/// <summary>
/// 5,000 hostile requests across every route, concurrently: none gets a 5xx, and Table Storage is byte-identical
/// afterwards except for the audit rows of the rejected calls. The host's rate limit is set high so that 429s cannot
/// hide what the handlers would do (the 429 itself is <see cref="RateLimitTests"/>).
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class FuzzTests(TestStorage storage, ITestOutputHelper output) : IAsyncLifetime
{
    const int Requests = 5_000;
    const int Seed = 20_261_202;

    readonly LocalHostProcess _host = new(storage.ConnectionString, extraEnvironment: new Dictionary<string, string>
    {
        ["Coder__Security__MutationsPerMinute"] = "10000000",
        ["Coder__Security__MutationBurst"] = "10000000",
        ["Coder__Security__AnonymousPerMinute"] = "10000000",
        ["Coder__Security__AnonymousBurst"] = "10000000",
    });

    string _member = "";

    public async Task InitializeAsync()
    {
        await HostStart.StartOrDisposeAsync(_host);
        using var admin = _host.Admin();
        await admin.CreateTemplateAsync(Templates.Local("basic"));
        var token = await admin.PostAsync("/api/tokens", """{"name":"fuzz-member","roles":["member"],"user":"mallory","expiresInDays":1}""");
        _member = token.Status == HttpStatusCode.Created ? (string)token.Json["token"]! : throw new InvalidOperationException(token.ToString());
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task HostileRequests_NeverFail_AndChangeNothingButAuditRows()
    {
        string before = await TableSnapshot.CaptureAsync(storage.ConnectionString, _host.Prefix);
        var generator = new HostileRequests(Seed, "basic", _member, LocalHostProcess.AdminToken);
        var requests = Enumerable.Range(0, Requests).Select(_ => generator.Next(AuthMatrixTests.Routes)).ToList();

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16, MaxResponseHeadersLength = 256, RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 }) { BaseAddress = new Uri(_host.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        var statuses = new ConcurrentDictionary<int, int>();
        var byRoute = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();
        var started = DateTimeOffset.UtcNow;
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (r, ct) =>
        {
            int status;
            try
            {
                using var request = new HttpRequestMessage(new HttpMethod(r.Method), r.Path);
                if (r.Body is not null) request.Content = new StringContent(r.Body, Encoding.UTF8, "application/json");
                foreach (var (name, value) in r.Headers)
                {
                    if (!request.Headers.TryAddWithoutValidation(name, value)) request.Content?.Headers.TryAddWithoutValidation(name, value);
                }

                using var response = await http.SendAsync(request, ct);
                status = (int)response.StatusCode;
                if (status >= 500) failures.Enqueue($"{status} {r.Method} {r.Path} body={Clip(r.Body)}: {Clip(await response.Content.ReadAsStringAsync(ct))}");
            }
            catch (HttpRequestException e)
            {
                // A refused or reset connection counts as a failure: the server must answer, with a 4xx if nothing else.
                status = -1;
                failures.Enqueue($"no answer {r.Method} {r.Path}: {e.Message}");
            }

            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            byRoute.AddOrUpdate(r.Route, 1, (_, n) => n + 1);
        });
        var elapsed = DateTimeOffset.UtcNow - started;

        output.WriteLine($"{Requests} hostile requests in {elapsed.TotalSeconds:0.0} s, seed {Seed}");
        output.WriteLine("by status: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));
        output.WriteLine("by route: " + string.Join(", ", byRoute.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}: {s.Value}")));
        output.WriteLine($"responses >= 500 or unanswered: {failures.Count}");
        Assert.True(failures.IsEmpty, string.Join('\n', failures.Take(20)));
        Assert.Equal(Requests, statuses.Values.Sum());
        Assert.Equal(AuthMatrixTests.Routes.Length, byRoute.Count);

        // Byte-identical except the Audit table, whose new rows must all be refusals.
        string after = await TableSnapshot.CaptureAsync(storage.ConnectionString, _host.Prefix);
        string auditTable = _host.Prefix + "Audit";
        Assert.Equal(TableSnapshot.WithoutTable(before, auditTable), TableSnapshot.WithoutTable(after, auditTable));
        var newAuditRows = Section(after, auditTable).Except(Section(before, auditTable)).ToList();
        output.WriteLine($"audit rows of rejected calls: {newAuditRows.Count}");
        Assert.NotEmpty(newAuditRows);
        // Except the idempotent no-ops among the routes: deleting an SSH key the caller does not have is a 204, and an
        // admin's PUT of the limits already in force (none, {}) is a 200, and signing out of no session is a 204 (the
        // snapshots above show they changed nothing).
        Assert.All(
            newAuditRows.Where(row => !row.Contains("Action=DELETE users/*/ssh-key;", StringComparison.Ordinal) && !row.Contains("Action=PUT quotas/*;", StringComparison.Ordinal)
                && !row.Contains("Action=DELETE session;", StringComparison.Ordinal)),
            row => Assert.Contains("Result=rejected;", row, StringComparison.Ordinal));

        using var anonymous = new CoderApi(_host.BaseUrl, null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/health")).Status);
    }

    static IEnumerable<string> Section(string snapshot, string table)
    {
        bool inside = false;
        foreach (string line in snapshot.Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal)) inside = line.TrimEnd('\r') == "## " + table;
            else if (inside && line.Length > 0) yield return line;
        }
    }

    static string Clip(string? text) => text is null ? "" : text.Length <= 300 ? text : text[..300] + "…";
}
