using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Coder.Bench.Scenarios.Fleet;

/// <summary>
/// The traffic phase: 32 clients, each a member with their own workspaces (and four calls in a hundred from the admin's
/// dashboard list of everyone's), calling back to back at <see cref="FleetRoutes.Pick"/>'s mix. A client stops one of its
/// running workspaces and, once that stop has had time to finish, starts it again, so start/stop runs real operations.
/// </summary>
sealed class FleetTraffic(HttpClient http, string adminToken)
{
    /// <summary>A stopped workspace is started again after this long (its stop operation has ended by then).</summary>
    static readonly TimeSpan RestartAfter = TimeSpan.FromSeconds(8);

    public sealed record Client(string Token, IReadOnlyList<string> Workspaces);

    public sealed record RouteOutcome(string Route, int Count, int Errors, int Conflicts, double P50Ms, double P95Ms, double P99Ms);

    public async Task<IReadOnlyList<RouteOutcome>> RunAsync(IReadOnlyList<Client> clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        var latencies = FleetRoutes.All.ToDictionary(r => r, _ => new ConcurrentBag<double>());
        var errors = FleetRoutes.All.ToDictionary(r => r, _ => 0);
        var conflicts = FleetRoutes.All.ToDictionary(r => r, _ => 0);
        var gate = new Lock();
        var total = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select((client, c) => Task.Run(async () =>
        {
            var random = new Random(c);
            var stopped = new Queue<(string Id, TimeSpan At)>();
            var running = client.Workspaces.ToList();
            while (total.Elapsed < duration)
            {
                string route = FleetRoutes.Pick(random);
                string id = running.Count > 0 ? running[random.Next(running.Count)] : client.Workspaces[0];
                string token = client.Token;
                HttpMethod method = HttpMethod.Get;
                string path;
                switch (route)
                {
                    case FleetRoutes.List: path = "/api/workspaces"; break;
                    case FleetRoutes.ListAll: path = "/api/workspaces"; token = adminToken; break;
                    case FleetRoutes.Get: path = $"/api/workspaces/{id}"; break;
                    case FleetRoutes.Events: path = $"/api/workspaces/{id}/events?max=50"; break;
                    case FleetRoutes.Metrics: path = $"/api/workspaces/{id}/metrics?window=1h"; break;
                    default:
                        method = HttpMethod.Post;
                        if (stopped.TryPeek(out var s) && total.Elapsed - s.At >= RestartAfter)
                        {
                            stopped.Dequeue();
                            route = FleetRoutes.Start;
                            id = s.Id;
                            running.Add(id);
                        }
                        else if (stopped.Count == 0 && running.Count > 1)
                        {
                            route = FleetRoutes.Stop;
                            running.Remove(id);
                            stopped.Enqueue((id, total.Elapsed));
                        }
                        else
                        {
                            continue;
                        }

                        path = $"/api/workspaces/{id}/{(route == FleetRoutes.Start ? "start" : "stop")}";
                        break;
                }

                long start = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(method, path);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                HttpStatusCode status;
                try
                {
                    using var response = await http.SendAsync(request, cancellationToken);
                    await response.Content.CopyToAsync(Stream.Null, cancellationToken);
                    status = response.StatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    // Refused, dropped or timed out: an error of the route, not the end of the run.
                    status = 0;
                }

                latencies[route].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if ((int)status is >= 200 and < 300) continue;
                lock (gate)
                {
                    if (status == HttpStatusCode.Conflict) conflicts[route]++;
                    else errors[route]++;
                }
            }
        }, cancellationToken)));

        return [.. FleetRoutes.All.Select(r =>
        {
            var all = latencies[r].ToArray();
            return new RouteOutcome(r, all.Length, errors[r], conflicts[r], Percentiles.Of(all, 50), Percentiles.Of(all, 95), Percentiles.Of(all, 99));
        })];
    }
}
