using System.Text.Json;
using Coder.Contracts.Auth;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Security;
using Microsoft.DurableTask.Client;

namespace Coder.Orchestrations.Events;

/// <summary>
/// <c>Coder.Workspace.Requested</c> creates a workspace for the named owner, as if that member had asked. The name is
/// unique per owner, so a redelivered event finds its workspace already there and creates nothing.
/// </summary>
public sealed class WorkspaceRequestHandler(IWorkspaceCreator workspaces)
{
    /// <summary>Reads and checks the data before anything is written.</summary>
    public static WorkspaceRequestedData Read(BinaryData? data, string field)
    {
        WorkspaceRequestedData? request;
        try
        {
            request = data is null ? null : JsonSerializer.Deserialize<WorkspaceRequestedData>(data.ToMemory().Span, ServerJson.Strict);
        }
        catch (JsonException e)
        {
            var (at, message) = JsonProblemField.Of(e, field);
            throw CoderProblemException.Validation(at, message);
        }

        if (request is null) throw CoderProblemException.Validation(field, "A JSON object is required.");
        if (request.Owner is not { Length: > 0 and <= 128 } owner || owner.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)))
            throw CoderProblemException.Validation(field + ".owner", "Required: the user the workspace is for (at most 128 characters, no / \\ # ?).");
        return request;
    }

    public async Task<string> HandleAsync(WorkspaceRequestedData request, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var caller = new CallerIdentity(request.Owner!, new HashSet<string> { Roles.Member }, "eventgrid");
        var create = new CreateWorkspaceRequest { Name = request.Name, Template = request.Template, TemplateVersion = request.TemplateVersion, Size = request.Size, Replicas = request.Replicas };
        try
        {
            var accepted = await workspaces.CreateAsync(caller, create, client, cancellationToken);
            return $"Workspace {accepted.Id} ('{accepted.Name}') created for {request.Owner}; operation {accepted.Operation.Id}.";
        }
        catch (CoderProblemException e) when (e.Status == 409)
        {
            return $"{request.Owner} already has a workspace named '{request.Name}'.";
        }
    }
}
