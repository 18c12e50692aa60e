using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Coder.Dashboard.Tests;

/// <summary>
/// A page whose API calls are recorded as the browser makes them, so a test can check that each one is a route and
/// method the OpenAPI document describes (the page's client is generated from it; this proves the page uses only that).
/// </summary>
public sealed class RecordedPage : IAsyncDisposable
{
    readonly JsonNode _openApi;

    public RecordedPage(IBrowserContext context, IPage page, JsonNode openApi)
    {
        Context = context;
        Page = page;
        _openApi = openApi;
        page.Request += (_, request) =>
        {
            var url = new Uri(request.Url);
            if (url.AbsolutePath.StartsWith("/api/", StringComparison.Ordinal)) ApiCalls.Enqueue((request.Method, url.AbsolutePath));
        };
    }

    public IBrowserContext Context { get; }
    public IPage Page { get; }
    public ConcurrentQueue<(string Method, string Path)> ApiCalls { get; } = new();

    /// <summary>The calls that no path and method of the document describe (empty when all are described).</summary>
    public IReadOnlyList<string> UndescribedCalls()
    {
        var paths = _openApi["paths"]!.AsObject();
        var templates = paths.Select(p => (Pattern: new Regex("^" + Regex.Replace(Regex.Escape(p.Key), @"\\\{[^}]+}", "[^/]+") + "$"), Methods: p.Value!.AsObject().Select(m => m.Key.ToUpperInvariant()).ToHashSet())).ToList();
        return ApiCalls.Where(c => !templates.Any(t => t.Pattern.IsMatch(c.Path) && t.Methods.Contains(c.Method))).Select(c => $"{c.Method} {c.Path}").Distinct().ToList();
    }

    public void AssertEveryCallDescribed()
    {
        Assert.NotEmpty(ApiCalls);
        Assert.Empty(UndescribedCalls());
    }

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
