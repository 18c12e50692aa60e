using System.Globalization;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Microsoft.AspNetCore.Mvc;

namespace Coder.Functions.Agents;

/// <summary>The agent's bytes, streamed from the store with their length, type and validators (no MVC file executor needed).</summary>
public sealed class AgentBinaryResult(IAgentBinaryStore store, AgentBinary binary, IReadOnlyDictionary<string, string> headers) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        var ct = context.HttpContext.RequestAborted;
        await using var bytes = await store.OpenReadAsync(binary, ct);
        response.StatusCode = 200;
        foreach (var (name, value) in headers) response.Headers[name] = value;
        response.ContentType = "application/octet-stream";
        response.ContentLength = binary.Length;
        response.Headers.LastModified = binary.LastModified.ToString("R", CultureInfo.InvariantCulture);
        await bytes.CopyToAsync(response.Body, ct);
    }
}
