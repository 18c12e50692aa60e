using System.Text.Json;
using Coder.Orchestrations.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Coder.Functions.Http;

/// <summary>
/// A response written with the API's own serializer settings. It implements <see cref="IActionResult"/> itself, so the
/// Functions host and the local host produce byte-identical responses without MVC formatters.
/// </summary>
public sealed class ApiResult(int status, object? body, string contentType = "application/json") : IActionResult
{
    readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);

    public int Status { get; } = status;

    public object? Body { get; } = body;

    /// <summary>A header this result will set, or null.</summary>
    public string? Header(string name) => _headers.TryGetValue(name, out var value) ? value : null;

    public ApiResult WithHeader(string name, string value)
    {
        _headers[name] = value;
        return this;
    }

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = Status;
        foreach (var (name, value) in _headers) response.Headers[name] = value;
        if (Body is null) return;
        response.ContentType = contentType;
        await JsonSerializer.SerializeAsync(response.Body, Body, Body.GetType(), ServerJson.Options, context.HttpContext.RequestAborted);
    }

    public static ApiResult Ok(object body) => new(StatusCodes.Status200OK, body);

    public static ApiResult Created(object body, string? location = null) =>
        location is null ? new(StatusCodes.Status201Created, body) : new ApiResult(StatusCodes.Status201Created, body).WithHeader("Location", location);

    public static ApiResult Accepted(object body, string? location = null) =>
        location is null ? new(StatusCodes.Status202Accepted, body) : new ApiResult(StatusCodes.Status202Accepted, body).WithHeader("Location", location);

    public static ApiResult NoContent() => new(StatusCodes.Status204NoContent, null);
}
