using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Coder.EndToEnd.Tests.Hosting;

/// <summary>
/// The README's "Try it (curl)" block, read as the shell would run it: where the token is, the API's URL, and each
/// curl's method, path and body, with <c>VAR=$(curl … | sed 's/…/…/')</c> captures applied as the sed would. A README
/// whose block changes shape fails the parse, so the test cannot drift from it.
/// </summary>
public sealed partial record ReadmeCurlSession(string TokenFile, string ApiUrl, IReadOnlyList<ReadmeCurlRequest> Requests, string TemplateBody)
{
    /// <summary>The API URL the README's commands use.</summary>
    public const string DocumentedHost = "http://127.0.0.1:7071";

    public static ReadmeCurlSession Parse(string readme)
    {
        var block = CurlBlockPattern().Match(readme);
        Assert.True(block.Success, "README.md has no ```sh block under \"## Try it (curl)\".");
        string? tokenFile = null, apiUrl = null, templateBody = null;
        var requests = new List<ReadmeCurlRequest>();
        foreach (string raw in block.Groups["body"].Value.Split('\n'))
        {
            string line = raw.Trim();
            if (TokenFilePattern().Match(line) is { Success: true } t) tokenFile = t.Groups[1].Value;
            if (ApiUrlPattern().Match(line) is { Success: true } a) apiUrl = a.Groups[1].Value;
            if (!line.Contains("curl ", StringComparison.Ordinal)) continue;
            string method = MethodPattern().Match(line) is { Success: true } m ? m.Groups[1].Value : "GET";
            string path = PathPattern().Match(line).Groups[1].Value;
            string? body = BodyPattern().Match(line) is { Success: true } b ? b.Groups[1].Value : null;
            var capture = CapturedPattern().Match(line) is { Success: true } c
                ? new SedCapture(c.Groups["var"].Value, c.Groups["pattern"].Value, c.Groups["replacement"].Value)
                : null;
            if (method == "POST" && path == "/templates") templateBody = body;
            requests.Add(new ReadmeCurlRequest(method, path, body, capture));
        }

        Assert.True(tokenFile is not null && apiUrl is not null && templateBody is not null && requests.Count >= 4,
            $"The README's curl block changed shape (token {tokenFile}, API {apiUrl}, {requests.Count} requests); update this test with it.");
        return new ReadmeCurlSession(tokenFile!, apiUrl!, requests, templateBody!);
    }

    /// <summary>The file the template's first startup script writes (<c>echo hi &gt; hello.txt</c>) and what it writes.</summary>
    public (string File, string Content) StartupScriptFile()
    {
        string script = (string)JsonNode.Parse(TemplateBody)!["startupScripts"]![0]!["script"]!;
        var echo = EchoToFilePattern().Match(script);
        Assert.True(echo.Success, $"The README's startup script is no longer `echo X > file`: {script}");
        return (echo.Groups[2].Value, echo.Groups[1].Value);
    }

    /// <summary>The name the block's <c>POST /workspaces</c> gives its workspace.</summary>
    public string WorkspaceName()
    {
        var create = Requests.SingleOrDefault(r => r.Method == "POST" && r.RawPath == "/workspaces");
        Assert.True(create?.Body is not null, "The README's curl block no longer creates a workspace with POST /workspaces.");
        return (string?)JsonNode.Parse(create!.Body!)!["name"] ?? throw new InvalidOperationException($"The README's workspace has no name: {create.Body}");
    }

    [GeneratedRegex(@"## Try it \(curl\)\s+```sh\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CurlBlockPattern();

    [GeneratedRegex(@"TOKEN=\$\(cat ([^)]+)\)")]
    private static partial Regex TokenFilePattern();

    [GeneratedRegex(@"API=(\S+?);")]
    private static partial Regex ApiUrlPattern();

    [GeneratedRegex(@"-X (\w+)")]
    private static partial Regex MethodPattern();

    [GeneratedRegex(@"\$API(/\S*)")]
    private static partial Regex PathPattern();

    [GeneratedRegex(@"-d '([^']*)'")]
    private static partial Regex BodyPattern();

    [GeneratedRegex(@"^(?<var>\w+)=\$\(curl .*\| sed 's/(?<pattern>.*)/(?<replacement>[^/]*)/'\)")]
    private static partial Regex CapturedPattern();

    [GeneratedRegex(@"^echo (\S+) > (\S+)$")]
    private static partial Regex EchoToFilePattern();
}
