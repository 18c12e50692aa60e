using System.Text.Json.Nodes;
using Coder.Cli.Http;
using Coder.Cli.Output;
using Spectre.Console;

namespace Coder.Cli.Progress;

/// <summary>
/// Follows an operation until it ends, showing its current step: the operation's <c>progress</c>, else the newest
/// timeline entry. On a terminal that is a spinner on stderr, cleared before the result is printed; elsewhere, one line
/// per step, so logs of a CI job read like a build log.
/// </summary>
public sealed class OperationWaiter(CoderClient client, CliConsole console, TimeProvider time)
{
    static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(400);

    public async Task<JsonNode> WaitAsync(string operationId, CancellationToken cancellationToken)
    {
        JsonNode? final = null;
        if (console.Interactive)
        {
            await console.Error.Status().Spinner(Spinner.Known.Dots).StartAsync($"{Markup.Escape(operationId)}: starting", async ctx =>
            {
                final = await PollAsync(operationId, step => ctx.Status($"{Markup.Escape(operationId)}: {Markup.Escape(step)}"), cancellationToken);
            });
        }
        else
        {
            final = await PollAsync(operationId, step => console.Error.WriteLine($"  ... {step}"), cancellationToken);
        }

        string status = (string?)final!["status"] ?? "";
        if (status != "succeeded") throw new OperationFailedException(final);
        console.Error.MarkupLine($"[green]✓[/] {Markup.Escape((string?)final["kind"] ?? "operation")} succeeded ({Markup.Escape(operationId)})");
        return final;
    }

    /// <summary>The newest timeline entry of this operation (agent lifecycle, scripts), else the operation's own progress.</summary>
    async Task<string?> CurrentStepAsync(JsonNode operation, CancellationToken cancellationToken)
    {
        string? progress = (string?)operation["progress"];
        if ((string?)operation["workspaceId"] is not { Length: > 0 } workspaceId) return progress;
        try
        {
            var events = (await client.GetAsync($"/api/workspaces/{Uri.EscapeDataString(workspaceId)}/events?max=5", cancellationToken)).Body?["items"]?.AsArray();
            var newest = events?.FirstOrDefault(e => (string?)e?["operationId"] == (string?)operation["id"] || ((string?)e?["kind"])?.StartsWith("agent.", StringComparison.Ordinal) == true);
            return (string?)newest?["message"] is { Length: > 0 } message ? message : progress;
        }
        catch (ApiException)
        {
            // A deleted workspace has no timeline any more; the operation's word is enough.
            return progress;
        }
    }

    async Task<JsonNode> PollAsync(string operationId, Action<string> report, CancellationToken cancellationToken)
    {
        string? lastStep = null;
        while (true)
        {
            var operation = (await client.GetAsync($"/api/operations/{Uri.EscapeDataString(operationId)}", cancellationToken)).Body!;
            string status = (string?)operation["status"] ?? "";
            string step = await CurrentStepAsync(operation, cancellationToken) ?? status;
            if (step != lastStep)
            {
                report(step);
                lastStep = step;
            }

            if (status is "succeeded" or "failed" or "canceled") return operation;
            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }
}
