using System.Globalization;
using System.Security;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Coder.Provisioning.Tests.FakeArm;

/// <summary>
/// File shares through the storage resource provider (create, share snapshot via <c>$expand=snapshots</c>, stats,
/// delete with <c>$include=snapshots</c>, delete of one share snapshot with the <c>x-ms-snapshot</c> header: File Shares -
/// Delete, Microsoft.Storage 2023-05-01, 200 when it deleted, 204 when there was nothing to delete) and the Azure Files data plane the restore uses (list, create directory,
/// server-side copy from <c>?sharesnapshot=</c>, delete).
/// </summary>
public sealed partial class FakeArmServer
{
    readonly Dictionary<string, FakeShare> _shares = new(StringComparer.Ordinal);
    int _snapshotClock;

    public FakeShare? Share(string name)
    {
        lock (_gate) return _shares.GetValueOrDefault(name);
    }

    public void WriteFile(string share, string path, string content)
    {
        lock (_gate)
        {
            var files = _shares[share].Files;
            string[] parts = path.Split('/');
            for (int i = 1; i < parts.Length; i++) files.TryAdd(string.Join('/', parts.Take(i)), null);
            files[path] = Encoding.UTF8.GetBytes(content);
        }
    }

    Answer Shares(HttpRequest request, string[] s, string body)
    {
        // subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{a}/fileServices/default/shares[/{name}]
        if (s.Length < 11 || s[6] != "storageAccounts" || s[8] != "fileServices" || s[10] != "shares") return Answer.Error(404, "NotFound", "");
        if (request.Query["api-version"] != "2023-05-01") return Answer.Error(400, "InvalidApiVersionParameter", request.Query["api-version"].ToString());
        string baseId = ResourceId(s, 11);
        string expand = request.Query["$expand"].ToString();
        if (s.Length == 11 && request.Method == "GET")
        {
            var value = new JsonArray();
            foreach (var share in _shares.Values)
            {
                value.Add(ShareBody(baseId, share, null));
                if (!expand.Contains("snapshots", StringComparison.Ordinal)) continue;
                foreach (var (time, _) in share.Snapshots) value.Add(ShareBody(baseId, share, time, expand.Contains("metadata", StringComparison.Ordinal)));
            }

            return Answer.Json(200, new JsonObject { ["value"] = value });
        }

        if (s.Length != 12) return Answer.Error(404, "NotFound", "");
        string name = s[11];
        _shares.TryGetValue(name, out var existing);
        switch (request.Method)
        {
            case "PUT" when expand == "snapshots":
            {
                if (existing is null) return Answer.Error(404, "ShareNotFound", name);
                var metadata = JsonNode.Parse(body)?["properties"]?["metadata"]?.AsObject().ToDictionary(m => m.Key, m => (string)m.Value!) ?? [];
                string time = new DateTime(2026, 12, 2, 4, 0, 0, DateTimeKind.Utc).AddSeconds(++_snapshotClock).ToString("yyyy-MM-ddTHH:mm:ss.0000000Z", CultureInfo.InvariantCulture);
                existing.Snapshots[time] = (metadata, new SortedDictionary<string, byte[]?>(existing.Files, StringComparer.Ordinal));
                return Answer.Json(201, ShareBody(baseId, existing, time, withMetadata: true));
            }

            case "PUT":
            {
                int quota = (int?)JsonNode.Parse(body)?["properties"]?["shareQuota"] ?? 100;
                bool created = existing is null;
                if (existing is null) _shares[name] = existing = new FakeShare(name, quota);
                else existing.QuotaGiB = quota;
                // FileShares_Create: 201 when it creates the share, 200 when it updates an existing one.
                return Answer.Json(created ? 201 : 200, ShareBody(baseId, existing, null));
            }

            case "GET":
                if (existing is null) return Answer.Error(404, "ShareNotFound", name);
                var shareBody = ShareBody(baseId, existing, null);
                if (expand.Contains("stats", StringComparison.Ordinal)) shareBody["properties"]!["shareUsageBytes"] = existing.Files.Values.Sum(f => (long)(f?.Length ?? 0));
                return Answer.Json(200, shareBody);

            case "DELETE" when request.Headers.TryGetValue("x-ms-snapshot", out var snapshot):
                // Only that share snapshot goes; the base share and its other snapshots stay.
                return existing is not null && existing.Snapshots.Remove(snapshot.ToString()) ? new Answer(200, null) : new Answer(204, null);

            case "DELETE":
                if (existing is null) return new Answer(204, null);
                if (existing.Snapshots.Count > 0 && request.Query["$include"] != "snapshots") return Answer.Error(409, "ShareHasSnapshots", name);
                _shares.Remove(name);
                return new Answer(200, null);

            default:
                return Answer.Error(405, "MethodNotAllowed", request.Method);
        }
    }

    static JsonObject ShareBody(string baseId, FakeShare share, string? snapshot, bool withMetadata = false)
    {
        var properties = new JsonObject { ["shareQuota"] = share.QuotaGiB, ["enabledProtocols"] = "SMB" };
        if (snapshot is not null)
        {
            properties["snapshotTime"] = snapshot;
            if (withMetadata) properties["metadata"] = new JsonObject(share.Snapshots[snapshot].Metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value)));
        }

        return new JsonObject
        {
            ["id"] = $"{baseId}/{share.Name}",
            ["name"] = share.Name,
            ["type"] = "Microsoft.Storage/storageAccounts/fileServices/shares",
            ["properties"] = properties,
        };
    }

    Answer Files(HttpRequest request, string path)
    {
        string share = path.Split('/')[0];
        string item = Uri.UnescapeDataString(path.Length > share.Length ? path[(share.Length + 1)..] : "").TrimEnd('/');
        if (!_shares.TryGetValue(share, out var fake)) return FileError(404, "ShareNotFound");
        string? snapshot = request.Query["sharesnapshot"].FirstOrDefault();
        SortedDictionary<string, byte[]?> files = fake.Files;
        if (snapshot is not null)
        {
            if (!fake.Snapshots.TryGetValue(snapshot, out var snap)) return FileError(404, "ShareSnapshotNotFound");
            files = snap.Files;
        }

        bool directory = request.Query["restype"] == "directory";
        switch (request.Method)
        {
            case "GET" when directory && request.Query["comp"] == "list":
            {
                if (item.Length > 0 && !(files.TryGetValue(item, out var d) && d is null)) return FileError(404, "ResourceNotFound");
                var xml = new StringBuilder($"<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ServiceEndpoint=\"{SecurityElement.Escape(FilesEndpoint.ToString())}\" ShareName=\"{share}\" DirectoryPath=\"{SecurityElement.Escape(item)}\"><Entries>");
                foreach (var (p, content) in files)
                {
                    string parent = p.Contains('/', StringComparison.Ordinal) ? p[..p.LastIndexOf('/')] : "";
                    if (parent != item) continue;
                    string name = SecurityElement.Escape(p[(p.LastIndexOf('/') + 1)..]);
                    xml.Append(content is null
                        ? $"<Directory><Name>{name}</Name><Properties /></Directory>"
                        : $"<File><Name>{name}</Name><Properties><Content-Length>{content.Length}</Content-Length></Properties></File>");
                }

                xml.Append("</Entries><NextMarker /></EnumerationResults>");
                return new Answer(200, xml.ToString(), "application/xml");
            }

            case "PUT" when directory:
                if (snapshot is not null) return FileError(400, "InvalidQueryParameterValue");
                if (files.ContainsKey(item)) return FileError(409, "ResourceAlreadyExists");
                files[item] = null;
                return FileHeaders(new Answer(201, null), "Directory");

            case "PUT" when request.Headers.TryGetValue("x-ms-copy-source", out var source):
            {
                var from = new Uri(source.ToString());
                string fromPath = Uri.UnescapeDataString(from.AbsolutePath.TrimStart('/'))[(FilesAccount.Length + 1)..];
                string fromShare = fromPath.Split('/')[0];
                string fromItem = fromPath[(fromShare.Length + 1)..];
                string? fromSnapshot = System.Web.HttpUtility.ParseQueryString(from.Query)["sharesnapshot"];
                var sourceFiles = fromSnapshot is null ? _shares[fromShare].Files : _shares[fromShare].Snapshots[fromSnapshot].Files;
                if (!sourceFiles.TryGetValue(fromItem, out var content) || content is null) return FileError(404, "CannotVerifyCopySource");
                files[item] = content.ToArray();
                var copied = FileHeaders(new Answer(202, null), "Archive");
                copied.Headers["x-ms-copy-id"] = Guid.NewGuid().ToString();
                copied.Headers["x-ms-copy-status"] = "success";
                return copied;
            }

            case "DELETE":
                if (!files.TryGetValue(item, out var existing) || (existing is null) != directory) return FileError(404, "ResourceNotFound");
                if (directory && files.Keys.Any(k => k.StartsWith(item + "/", StringComparison.Ordinal))) return FileError(409, "DirectoryNotEmpty");
                files.Remove(item);
                return new Answer(202, null);

            default:
                return FileError(400, "UnsupportedHttpVerb");
        }
    }

    static Answer FileHeaders(Answer answer, string attributes)
    {
        string now = "2026-12-02T04:00:00.0000000Z";
        answer.Headers["ETag"] = "\"0x8DD0000000000001\"";
        answer.Headers["Last-Modified"] = "Wed, 02 Dec 2026 04:00:00 GMT";
        answer.Headers["x-ms-request-server-encrypted"] = "true";
        answer.Headers["x-ms-file-permission-key"] = "1";
        answer.Headers["x-ms-file-attributes"] = attributes;
        answer.Headers["x-ms-file-creation-time"] = now;
        answer.Headers["x-ms-file-last-write-time"] = now;
        answer.Headers["x-ms-file-change-time"] = now;
        answer.Headers["x-ms-file-id"] = "13835128424026341376";
        answer.Headers["x-ms-file-parent-id"] = "0";
        return answer;
    }

    static Answer FileError(int status, string code)
    {
        var answer = new Answer(status, $"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{code}</Message></Error>", "application/xml");
        answer.Headers["x-ms-error-code"] = code;
        return answer;
    }
}
