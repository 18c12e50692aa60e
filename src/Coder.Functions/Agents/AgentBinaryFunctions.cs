using Coder.Functions.Http;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Coder.Functions.Agents;

/// <summary>
/// <c>GET /api/agent/binary/{os}-{arch}</c>: the agent build for a platform, as coderd serves its agents from <c>/bin/</c>.
/// Anonymous (the file holds no secret; workspaces fetch it before they hold a token) and exempt from the per-address
/// limit on anonymous traffic (<see cref="RouteAccess.AnonymousUnmetered"/>). Validated by its SHA-256 ETag: caches must
/// revalidate (a deploy replaces the file under the same URL), and a matching <c>If-None-Match</c> gets 304.
/// </summary>
public sealed class AgentBinaryFunctions(ApiPipeline api, IAgentBinaryStore store)
{
    public const string CacheControl = "public, no-cache";

    [ApiResponse(200, ContentType = "application/octet-stream")]
    [ApiResponse(304)]
    [Function(nameof(GetAgentBinary))]
    public Task<IActionResult> GetAgentBinary([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "agent/binary/{platform}")] HttpRequest req, string platform) =>
        api.RunAnonymousAsync(req, async ct =>
        {
            var binary = await store.FindAsync(platform, ct) ?? throw new CoderProblemException(
                404, "Not found.", "No agent build is published for this platform.",
                new Dictionary<string, string[]> { ["platform"] = [$"No agent build for this platform; platforms are {{os}}-{{arch}}, such as {AgentBinaryRoutes.LinuxX64}."] });
            string etag = $"\"{binary.Sha256}\"";
            var headers = new Dictionary<string, string> { ["ETag"] = etag, ["Cache-Control"] = CacheControl };
            if (Matches(req.Headers.IfNoneMatch, etag))
            {
                var notModified = new ApiResult(StatusCodes.Status304NotModified, null);
                foreach (var (name, value) in headers) notModified.WithHeader(name, value);
                return notModified;
            }

            return new AgentBinaryResult(store, binary, headers);
        });

    /// <summary>RFC 9110 weak comparison: any listed tag (W/ or not) equal to ours, or <c>*</c>.</summary>
    static bool Matches(Microsoft.Extensions.Primitives.StringValues ifNoneMatch, string etag) =>
        ifNoneMatch.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Any(tag => tag == "*" || (tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag) == etag);
}
