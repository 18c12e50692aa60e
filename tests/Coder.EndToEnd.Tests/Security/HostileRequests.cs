using System.Text;

namespace Coder.EndToEnd.Tests.Security;

/// <summary>
/// Generates hostile requests from a seed: random JSON, wrong types, huge numbers, deep nesting, unicode tricks,
/// traversal strings and huge headers, aimed at every route of the auth matrix (and some that do not exist).
/// Real ids only appear where the body is parsed before anything acts, so no generated request can be a valid command.
/// </summary>
public sealed class HostileRequests(int seed, string realTemplate, string memberToken, string adminToken)
{
    static readonly string[] Traversal =
    [
        "..", "../../etc/passwd", "..\\..\\windows", "/etc/passwd", "....//....//", "%2e%2e%2f%2e%2e%2f", "..%252f", "a/../../b",
        "~/.ssh/id_rsa", "$(touch pwned)", "`id`", "; rm -rf /", "| cat /etc/shadow", "C:\\Windows\\system32", "\\\\server\\share", "file:///etc/passwd",
    ];

    static readonly string[] Unicode =
    [
        "\u202Egnp.exe", "ｗｓ－ａｂｃ", "ws-\u200Babc", "\uFEFFname", "e\u0301", "İstanbul", "ԝs-homoglyph", "🙂🙃", "\u0000", "a\u0000b",
        "\u001b[31mred", "\r\nX-Injected: 1", "名前", "\uD800", "\uDFFF\uD800", "\u00A0", "ǅ", "\u0085",
    ];

    static readonly string[] Numbers =
    [
        "1e309", "-1e309", "1e-400", "-0", "0", "-1", "2147483648", "-2147483649", "9223372036854775808", "99999999999999999999999999999999",
        "1.7976931348623157e308", "4.9e-324", "0.1", "1.5", "00012", "0x1F", "NaN", "Infinity", "1_000", "+1",
    ];

    static readonly string[] FieldNames =
    [
        "name", "template", "templateVersion", "size", "cpu", "memoryMiB", "replicas", "fromSnapshot", "roles", "user", "expiresInDays",
        "events", "provisioner", "resources", "limits", "startupScripts", "repositories", "path", "url", "script", "label", "snapshotId",
        "version", "strategy", "__proto__", "constructor", "$type", "Name", "NAME", "nаme",
    ];

    readonly Random _random = new(seed);

    public HostileRequest Next(IReadOnlyList<MatrixRoute> routes)
    {
        var route = routes[_random.Next(routes.Count)];
        string method = _random.Next(10) == 0 ? Pick(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) : route.Method;
        string path = route.Path
            .Replace("{workspace}", Segment(), StringComparison.Ordinal)
            .Replace("{operation}", Segment(), StringComparison.Ordinal)
            .Replace("{template}", route.Body is null ? Segment() : _random.Next(2) == 0 ? realTemplate : Segment(), StringComparison.Ordinal)
            .Replace("no-such-token", Segment(), StringComparison.Ordinal)
            .Replace("/1/", "/" + Segment() + "/", StringComparison.Ordinal);
        if (_random.Next(6) == 0) path += "?" + Query();
        if (_random.Next(25) == 0) path = "/api/" + Segment() + "/" + Segment();

        var headers = new Dictionary<string, string>();
        string? bearer = _random.Next(6) switch
        {
            0 => null,
            1 => adminToken,
            2 => memberToken,
            3 => "cdr_" + Ids(43),
            4 => "cda_" + Ids(43),
            _ => Pick([new string('A', 20_000), "", " ", "cdr_", "Bearer Bearer", adminToken + "x", adminToken[..^1], "\u00e9\u00e8", "null"]),
        };
        if (bearer is not null) headers["Authorization"] = "Bearer " + bearer;
        switch (_random.Next(8))
        {
            case 0: headers["X-Junk"] = new string('x', _random.Next(1, 5) * 16 * 1024); break;
            case 1: headers["X-MS-CLIENT-PRINCIPAL"] = _random.Next(2) == 0 ? "not base64!" : Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"claims":[{"typ":"roles","val":"admin"},{"typ":"preferred_username","val":"alice"}]}""")); break;
            case 2: headers["If-Match"] = Pick(["*", "\"bogus\"", "W/\"1\"", new string('"', 500)]); break;
            case 3: headers["x-request-id"] = Pick(["../../x", new string('r', 500), "\u202e", "ok-id"]); break;
            case 4: headers["Content-Type"] = Pick(["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/json; charset=utf-7"]); break;
        }

        string? body = method is "GET" or "OPTIONS" && _random.Next(4) != 0 ? null : Body();
        return new HostileRequest(route.Name, method, path, body, headers);
    }

    string Body() => _random.Next(12) switch
    {
        0 => Json(0),
        1 => Deep(_random.Next(20, 5000)),
        2 => "{" + string.Join(',', Enumerable.Range(0, _random.Next(1, 8)).Select(_ => $"\"{Pick(FieldNames)}\":{Value(0)}")) + "}",
        3 => Pick(Numbers),
        4 => "{\"name\":\"" + new string('n', _random.Next(100, 200_000)) + "\"}",
        5 => "{\"name\":\"A!\",\"name\":\"B!\",\"template\":\"" + realTemplate + "\"}",
        6 => "{\"events\":[" + string.Join(',', Enumerable.Range(0, _random.Next(1, 1200)).Select(_ => "{}")) + "]}",
        7 => "\uFEFF{\"name\":\"x\"}",
        8 => Pick(["", "{", "}", "[", "null", "true", "\"str\"", "{\"a\":}", "{'name':'x'}", "{\"name\":\"x\",}", "/* c */{}", "{\"a\":1}garbage"]),
        9 => new string('[', 300) + new string(']', 300),
        10 => "{\"size\":{\"cpu\":" + Pick(Numbers) + ",\"memoryMiB\":" + Pick(Numbers) + "},\"replicas\":" + Pick(Numbers) + "}",
        _ => "{\"name\":" + JsonString(Pick(Traversal.Concat(Unicode).ToArray())) + ",\"template\":" + JsonString(Pick(Unicode)) + ",\"repositories\":[{\"url\":\"x\",\"path\":" + JsonString(Pick(Traversal)) + "}]}",
    };

    string Json(int depth) => _random.Next(depth > 4 ? 3 : 6) switch
    {
        0 => Value(depth),
        1 => JsonString(Pick(Traversal.Concat(Unicode).ToArray())),
        2 => Pick(Numbers),
        3 => "[" + string.Join(',', Enumerable.Range(0, _random.Next(0, 5)).Select(_ => Json(depth + 1))) + "]",
        _ => "{" + string.Join(',', Enumerable.Range(0, _random.Next(0, 6)).Select(_ => $"{JsonString(Pick(FieldNames))}:{Json(depth + 1)}")) + "}",
    };

    string Value(int depth) => _random.Next(8) switch
    {
        0 => "null",
        1 => "true",
        2 => Pick(Numbers),
        3 => JsonString(Pick(Unicode)),
        4 => JsonString(Pick(Traversal)),
        5 => depth > 3 ? "[]" : Json(depth + 1),
        6 => "{}",
        _ => JsonString(new string('z', _random.Next(0, 3000))),
    };

    string Deep(int depth) => _random.Next(2) == 0
        ? string.Concat(Enumerable.Repeat("{\"name\":", depth)) + "1" + new string('}', depth)
        : new string('[', depth) + new string(']', depth);

    string Segment() => Uri.EscapeDataString(_random.Next(5) switch
    {
        0 => Pick(Traversal),
        1 => Pick(Unicode),
        2 => "ws-" + Ids(12),
        3 => new string('s', _random.Next(129, 2000)),
        _ => Pick(Numbers),
    });

    string Query() => string.Join('&', Enumerable.Range(0, _random.Next(1, 4)).Select(_ =>
        Pick(["status", "template", "continuationToken", "max", "from", "to", "version"]) + "=" + Uri.EscapeDataString(Pick(Traversal.Concat(Unicode).Concat(Numbers).Append(new string('q', 3000)).Append("2999-01-01").Append("0001-01-01").ToArray()))));

    string Ids(int length) => new(Enumerable.Range(0, length).Select(_ => "abcdefghijklmnopqrstuvwxyz234567"[_random.Next(32)]).ToArray());

    T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    static string JsonString(string value) => System.Text.Json.JsonSerializer.Serialize(value);
}
