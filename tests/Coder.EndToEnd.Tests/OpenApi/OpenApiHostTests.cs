using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.Functions.OpenApi;

namespace Coder.EndToEnd.Tests.OpenApi;

/// <summary>
/// What a user gets from the running local host: <c>/api/openapi.json</c> anonymously, byte for byte what the Functions
/// side generates (the Azure app serves it from the same function), accepted by swagger-parser; and the reference page
/// at <c>/api/docs</c> with Scalar's script from this host, not a CDN.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class OpenApiHostTests(TestStorage storage) : IAsyncLifetime
{
    readonly LocalHostProcess _host = new(storage.ConnectionString);

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task TheLocalHost_ServesTheFunctionsDocument_AndTheReference()
    {
        using var anonymous = new CoderApi(_host.BaseUrl, null);
        var served = await anonymous.GetAsync("/api/openapi.json");
        Assert.Equal(HttpStatusCode.OK, served.Status);
        Assert.Equal("application/json", served.ContentType);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(await OpenApiDocumentGenerator.JsonAsync()), served.Body);

        var (exitCode, output) = await SwaggerParser.ValidateAsync(System.Text.Encoding.UTF8.GetBytes(served.Body));
        Assert.True(exitCode == 0, $"swagger-parser rejected the served document: {output}");

        var unchanged = await anonymous.SendAsync(HttpMethod.Get, "/api/openapi.json", headers: new Dictionary<string, string> { ["If-None-Match"] = served.Headers["ETag"] });
        Assert.Equal(HttpStatusCode.NotModified, unchanged.Status);

        var page = await anonymous.GetAsync("/api/docs");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("text/html", page.ContentType);
        Assert.Contains("src=\"/api/docs/scalar.js\"", page.Body, StringComparison.Ordinal);
        Assert.Contains("url: '/api/openapi.json'", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page.Body, StringComparison.Ordinal);

        // The script inflates for a client without gzip, and goes out compressed to one with it.
        var script = await anonymous.GetAsync("/api/docs/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.Status);
        Assert.Contains("createApiReference", script.Body, StringComparison.Ordinal);
        using var browser = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_host.BaseUrl + "/api/docs/scalar.js"));
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var gzipped = await browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, gzipped.StatusCode);
        Assert.Equal(["gzip"], gzipped.Content.Headers.ContentEncoding);
        await using var inflated = new GZipStream(await gzipped.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        Assert.Equal(script.Body, await new StreamReader(inflated).ReadToEndAsync());
    }
}
