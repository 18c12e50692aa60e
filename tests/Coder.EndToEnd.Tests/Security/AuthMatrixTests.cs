using System.Net.Http.Headers;
using System.Text;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.Functions.Http;
using Coder.Local.FunctionHost;

namespace Coder.EndToEnd.Tests.Security;

/// <summary>
/// Every HTTP route × every kind of caller gives the expected status. Requests are chosen so that a caller who passes
/// authorization meets a deterministic, side-effect-free answer (a validation 400, a 409 because alice's provision is
/// still running, a no-op promote), so the matrix can run on a live host in any order.
/// To add a route: one line in <see cref="Routes"/>, eight rows in <see cref="Expected"/>.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class AuthMatrixTests(SecurityHost fixture)
{
    public static readonly MatrixRoute[] Routes =
    [
        new("GetHealth", "GET", "health", "/api/health"),
        new("GetOpenApiDocument", "GET", "openapi.json", "/api/openapi.json"),
        new("GetApiReference", "GET", "docs", "/api/docs"),
        new("GetApiReferenceScript", "GET", "docs/scalar.js", "/api/docs/scalar.js"),
        new("CreateToken", "POST", "tokens", "/api/tokens", """{"name":"x","roles":["member"],"user":"x","expiresInDays":0}"""),
        new("RevokeToken", "DELETE", "tokens/{name}", "/api/tokens/no-such-token"),
        new("GetAudit", "GET", "audit", "/api/audit"),
        new("GetAgentManifest", "GET", "agent/manifest", "/api/agent/manifest"),
        new("PostAgentEvents", "POST", "agent/events", "/api/agent/events", """{"events":[]}"""),
        // An unknown platform: a 404 for everyone shows the route takes no token without downloading the agent eight times.
        new("GetAgentBinary", "GET", "agent/binary/{platform}", "/api/agent/binary/plan9-mips"),
        new("GetOperation", "GET", "operations/{id}", "/api/operations/{operation}"),
        // A reason over 200 characters: 400 to whoever may cancel (so Alice's provision keeps running), 404 to the rest.
        new("CancelOperation", "POST", "operations/{id}/cancel", "/api/operations/{operation}/cancel", $$"""{"reason":"{{new string('x', 201)}}"}"""),
        new("CreateTemplate", "POST", "templates", "/api/templates", """{"name":"X"}"""),
        new("ListTemplates", "GET", "templates", "/api/templates"),
        new("GetTemplate", "GET", "templates/{name}", "/api/templates/{template}"),
        new("CreateTemplateVersion", "POST", "templates/{name}/versions", "/api/templates/{template}/versions", "{}"),
        new("PromoteTemplateVersion", "POST", "templates/{name}/versions/{version}/promote", "/api/templates/{template}/versions/1/promote"),
        new("CreateWorkspace", "POST", "workspaces", "/api/workspaces", """{"name":"dev","template":"sleepy","replicas":0}"""),
        new("ListWorkspaces", "GET", "workspaces", "/api/workspaces"),
        new("GetWorkspace", "GET", "workspaces/{id}", "/api/workspaces/{workspace}"),
        new("UpdateWorkspace", "PATCH", "workspaces/{id}", "/api/workspaces/{workspace}", """{"replicas":1}"""),
        new("DeleteWorkspace", "DELETE", "workspaces/{id}", "/api/workspaces/{workspace}"),
        new("StartWorkspace", "POST", "workspaces/{id}/start", "/api/workspaces/{workspace}/start"),
        new("StopWorkspace", "POST", "workspaces/{id}/stop", "/api/workspaces/{workspace}/stop"),
        new("RestartWorkspace", "POST", "workspaces/{id}/restart", "/api/workspaces/{workspace}/restart"),
        new("GetWorkspaceEvents", "GET", "workspaces/{id}/events", "/api/workspaces/{workspace}/events"),
        new("GetWorkspaceMetrics", "GET", "workspaces/{id}/metrics", "/api/workspaces/{workspace}/metrics?window=1h"),
        new("CreateSnapshot", "POST", "workspaces/{id}/snapshots", "/api/workspaces/{workspace}/snapshots", "{}"),
        new("ListSnapshots", "GET", "workspaces/{id}/snapshots", "/api/workspaces/{workspace}/snapshots"),
        new("RestoreWorkspace", "POST", "workspaces/{id}/restore", "/api/workspaces/{workspace}/restore", "{}"),
        new("UpgradeWorkspace", "POST", "workspaces/{id}/upgrade", "/api/workspaces/{workspace}/upgrade", """{"version":0,"strategy":"in-place"}"""),
        new("CreateRollout", "POST", "templates/{name}/rollouts", "/api/templates/{template}/rollouts", "{}"),
        new("GetRollout", "GET", "rollouts/{id}", "/api/rollouts/ro-none-1"),
        new("PauseRollout", "POST", "rollouts/{id}/pause", "/api/rollouts/ro-none-1/pause"),
        new("ResumeRollout", "POST", "rollouts/{id}/resume", "/api/rollouts/ro-none-1/resume"),
        new("AbortRollout", "POST", "rollouts/{id}/abort", "/api/rollouts/ro-none-1/abort"),
        // Alice's "dev" is still provisioning: 409 to whoever may connect, 404 to the rest.
        new("ConnectWorkspace", "POST", "workspaces/{id}/connect", "/api/workspaces/{workspace}/connect", """{"replica":0}"""),
        new("GetAgentRelayToken", "POST", "agent/relay-token", "/api/agent/relay-token", """{"replica":99}"""),
        new("GetAgentSshKeys", "GET", "agent/ssh-keys", "/api/agent/ssh-keys"),
        new("PutSshKey", "PUT", "users/me/ssh-key", "/api/users/me/ssh-key", """{"publicKey":"not-a-key"}"""),
        new("GetSshKey", "GET", "users/me/ssh-key", "/api/users/me/ssh-key"),
        new("DeleteSshKey", "DELETE", "users/me/ssh-key", "/api/users/me/ssh-key"),
        new("ListSecrets", "GET", "users/me/secrets", "/api/users/me/secrets"),
        new("PutSecret", "PUT", "users/me/secrets/{name}", "/api/users/me/secrets/lower_case", """{"value":"x"}"""),
        new("DeleteSecret", "DELETE", "users/me/secrets/{name}", "/api/users/me/secrets/NO_SUCH_SECRET"),
        new("PutDotfiles", "PUT", "users/me/dotfiles", "/api/users/me/dotfiles", """{"url":"https://user:pw@example.invalid/dots.git"}"""),
        new("GetDotfiles", "GET", "users/me/dotfiles", "/api/users/me/dotfiles"),
        new("DeleteDotfiles", "DELETE", "users/me/dotfiles", "/api/users/me/dotfiles"),
        new("GetQuota", "GET", "quotas/{owner}", "/api/quotas/default"),
        new("SetQuota", "PUT", "quotas/{owner}", "/api/quotas/default", """{"maxWorkspaces":-1}"""),
        new("DeleteTemplate", "DELETE", "templates/{name}", "/api/templates/no-such-template"),
        new("DeleteSnapshot", "DELETE", "workspaces/{id}/snapshots/{snapshotId}", "/api/workspaces/{workspace}/snapshots/snap-none"),
        new("EventGridHandshake", "OPTIONS", "eventgrid", "/api/eventgrid"),
        new("EventGridWebhook", "POST", "eventgrid", "/api/eventgrid", "[]"),
        // Signing in to the dashboard is open (its body is the credential); without a token it is a 400 for everyone.
        new("CreateSession", "POST", "session", "/api/session", "{}"),
        new("GetSession", "GET", "session", "/api/session"),
        new("DeleteSession", "DELETE", "session", "/api/session"),
    ];

    /// <summary>The expected table: one row per (route, caller) cell.</summary>
    public static readonly (string Route, Caller Caller, int Status)[] Expected =
    [
        ("CreateSession", Caller.NoToken, 400),
        ("CreateSession", Caller.Expired, 400),
        ("CreateSession", Caller.Revoked, 400),
        ("CreateSession", Caller.MemberOwner, 400),
        ("CreateSession", Caller.MemberOther, 400),
        ("CreateSession", Caller.TemplateAdmin, 400),
        ("CreateSession", Caller.Admin, 400),
        ("CreateSession", Caller.Agent, 400),
        ("GetSession", Caller.NoToken, 401),
        ("GetSession", Caller.Expired, 401),
        ("GetSession", Caller.Revoked, 401),
        ("GetSession", Caller.MemberOwner, 200),
        ("GetSession", Caller.MemberOther, 200),
        ("GetSession", Caller.TemplateAdmin, 200),
        ("GetSession", Caller.Admin, 200),
        ("GetSession", Caller.Agent, 401),
        ("DeleteSession", Caller.NoToken, 401),
        ("DeleteSession", Caller.Expired, 401),
        ("DeleteSession", Caller.Revoked, 401),
        ("DeleteSession", Caller.MemberOwner, 204),
        ("DeleteSession", Caller.MemberOther, 204),
        ("DeleteSession", Caller.TemplateAdmin, 204),
        ("DeleteSession", Caller.Admin, 204),
        ("DeleteSession", Caller.Agent, 401),

        ("GetQuota", Caller.NoToken, 401),
        ("GetQuota", Caller.Expired, 401),
        ("GetQuota", Caller.Revoked, 401),
        ("GetQuota", Caller.MemberOwner, 200),
        ("GetQuota", Caller.MemberOther, 200),
        ("GetQuota", Caller.TemplateAdmin, 200),
        ("GetQuota", Caller.Admin, 200),
        ("GetQuota", Caller.Agent, 401),

        ("SetQuota", Caller.NoToken, 401),
        ("SetQuota", Caller.Expired, 401),
        ("SetQuota", Caller.Revoked, 401),
        ("SetQuota", Caller.MemberOwner, 403),
        ("SetQuota", Caller.MemberOther, 403),
        ("SetQuota", Caller.TemplateAdmin, 403),
        ("SetQuota", Caller.Admin, 400),
        ("SetQuota", Caller.Agent, 401),

        ("DeleteTemplate", Caller.NoToken, 401),
        ("DeleteTemplate", Caller.Expired, 401),
        ("DeleteTemplate", Caller.Revoked, 401),
        ("DeleteTemplate", Caller.MemberOwner, 403),
        ("DeleteTemplate", Caller.MemberOther, 403),
        ("DeleteTemplate", Caller.TemplateAdmin, 404),
        ("DeleteTemplate", Caller.Admin, 404),
        ("DeleteTemplate", Caller.Agent, 401),

        ("DeleteSnapshot", Caller.NoToken, 401),
        ("DeleteSnapshot", Caller.Expired, 401),
        ("DeleteSnapshot", Caller.Revoked, 401),
        ("DeleteSnapshot", Caller.MemberOwner, 404),
        ("DeleteSnapshot", Caller.MemberOther, 404),
        ("DeleteSnapshot", Caller.TemplateAdmin, 404),
        ("DeleteSnapshot", Caller.Admin, 404),
        ("DeleteSnapshot", Caller.Agent, 401),

        ("GetHealth", Caller.NoToken, 200),
        ("GetHealth", Caller.Expired, 200),
        ("GetHealth", Caller.Revoked, 200),
        ("GetHealth", Caller.MemberOwner, 200),
        ("GetHealth", Caller.MemberOther, 200),
        ("GetHealth", Caller.TemplateAdmin, 200),
        ("GetHealth", Caller.Admin, 200),
        ("GetHealth", Caller.Agent, 200),
        ("GetOpenApiDocument", Caller.NoToken, 200),
        ("GetOpenApiDocument", Caller.Expired, 200),
        ("GetOpenApiDocument", Caller.Revoked, 200),
        ("GetOpenApiDocument", Caller.MemberOwner, 200),
        ("GetOpenApiDocument", Caller.MemberOther, 200),
        ("GetOpenApiDocument", Caller.TemplateAdmin, 200),
        ("GetOpenApiDocument", Caller.Admin, 200),
        ("GetOpenApiDocument", Caller.Agent, 200),
        ("GetApiReference", Caller.NoToken, 200),
        ("GetApiReference", Caller.Expired, 200),
        ("GetApiReference", Caller.Revoked, 200),
        ("GetApiReference", Caller.MemberOwner, 200),
        ("GetApiReference", Caller.MemberOther, 200),
        ("GetApiReference", Caller.TemplateAdmin, 200),
        ("GetApiReference", Caller.Admin, 200),
        ("GetApiReference", Caller.Agent, 200),
        ("GetApiReferenceScript", Caller.NoToken, 200),
        ("GetApiReferenceScript", Caller.Expired, 200),
        ("GetApiReferenceScript", Caller.Revoked, 200),
        ("GetApiReferenceScript", Caller.MemberOwner, 200),
        ("GetApiReferenceScript", Caller.MemberOther, 200),
        ("GetApiReferenceScript", Caller.TemplateAdmin, 200),
        ("GetApiReferenceScript", Caller.Admin, 200),
        ("GetApiReferenceScript", Caller.Agent, 200),

        ("CreateToken", Caller.NoToken, 401),
        ("CreateToken", Caller.Expired, 401),
        ("CreateToken", Caller.Revoked, 401),
        ("CreateToken", Caller.MemberOwner, 403),
        ("CreateToken", Caller.MemberOther, 403),
        ("CreateToken", Caller.TemplateAdmin, 403),
        ("CreateToken", Caller.Admin, 400),
        ("CreateToken", Caller.Agent, 401),

        ("RevokeToken", Caller.NoToken, 401),
        ("RevokeToken", Caller.Expired, 401),
        ("RevokeToken", Caller.Revoked, 401),
        ("RevokeToken", Caller.MemberOwner, 403),
        ("RevokeToken", Caller.MemberOther, 403),
        ("RevokeToken", Caller.TemplateAdmin, 403),
        ("RevokeToken", Caller.Admin, 404),
        ("RevokeToken", Caller.Agent, 401),

        ("GetAudit", Caller.NoToken, 401),
        ("GetAudit", Caller.Expired, 401),
        ("GetAudit", Caller.Revoked, 401),
        ("GetAudit", Caller.MemberOwner, 403),
        ("GetAudit", Caller.MemberOther, 403),
        ("GetAudit", Caller.TemplateAdmin, 403),
        ("GetAudit", Caller.Admin, 200),
        ("GetAudit", Caller.Agent, 401),

        ("GetAgentManifest", Caller.NoToken, 401),
        ("GetAgentManifest", Caller.Expired, 401),
        ("GetAgentManifest", Caller.Revoked, 401),
        ("GetAgentManifest", Caller.MemberOwner, 401),
        ("GetAgentManifest", Caller.MemberOther, 401),
        ("GetAgentManifest", Caller.TemplateAdmin, 401),
        ("GetAgentManifest", Caller.Admin, 401),
        ("GetAgentManifest", Caller.Agent, 200),

        ("PostAgentEvents", Caller.NoToken, 401),
        ("PostAgentEvents", Caller.Expired, 401),
        ("PostAgentEvents", Caller.Revoked, 401),
        ("PostAgentEvents", Caller.MemberOwner, 401),
        ("PostAgentEvents", Caller.MemberOther, 401),
        ("PostAgentEvents", Caller.TemplateAdmin, 401),
        ("PostAgentEvents", Caller.Admin, 401),
        ("PostAgentEvents", Caller.Agent, 202),

        ("GetAgentBinary", Caller.NoToken, 404),
        ("GetAgentBinary", Caller.Expired, 404),
        ("GetAgentBinary", Caller.Revoked, 404),
        ("GetAgentBinary", Caller.MemberOwner, 404),
        ("GetAgentBinary", Caller.MemberOther, 404),
        ("GetAgentBinary", Caller.TemplateAdmin, 404),
        ("GetAgentBinary", Caller.Admin, 404),
        ("GetAgentBinary", Caller.Agent, 404),

        ("GetOperation", Caller.NoToken, 401),
        ("GetOperation", Caller.Expired, 401),
        ("GetOperation", Caller.Revoked, 401),
        ("GetOperation", Caller.MemberOwner, 200),
        ("GetOperation", Caller.MemberOther, 404),
        ("GetOperation", Caller.TemplateAdmin, 404),
        ("GetOperation", Caller.Admin, 200),
        ("GetOperation", Caller.Agent, 401),

        ("CancelOperation", Caller.NoToken, 401),
        ("CancelOperation", Caller.Expired, 401),
        ("CancelOperation", Caller.Revoked, 401),
        ("CancelOperation", Caller.MemberOwner, 400),
        ("CancelOperation", Caller.MemberOther, 404),
        ("CancelOperation", Caller.TemplateAdmin, 404),
        ("CancelOperation", Caller.Admin, 400),
        ("CancelOperation", Caller.Agent, 401),

        ("CreateTemplate", Caller.NoToken, 401),
        ("CreateTemplate", Caller.Expired, 401),
        ("CreateTemplate", Caller.Revoked, 401),
        ("CreateTemplate", Caller.MemberOwner, 403),
        ("CreateTemplate", Caller.MemberOther, 403),
        ("CreateTemplate", Caller.TemplateAdmin, 400),
        ("CreateTemplate", Caller.Admin, 400),
        ("CreateTemplate", Caller.Agent, 401),

        ("ListTemplates", Caller.NoToken, 401),
        ("ListTemplates", Caller.Expired, 401),
        ("ListTemplates", Caller.Revoked, 401),
        ("ListTemplates", Caller.MemberOwner, 200),
        ("ListTemplates", Caller.MemberOther, 200),
        ("ListTemplates", Caller.TemplateAdmin, 200),
        ("ListTemplates", Caller.Admin, 200),
        ("ListTemplates", Caller.Agent, 401),

        ("GetTemplate", Caller.NoToken, 401),
        ("GetTemplate", Caller.Expired, 401),
        ("GetTemplate", Caller.Revoked, 401),
        ("GetTemplate", Caller.MemberOwner, 200),
        ("GetTemplate", Caller.MemberOther, 200),
        ("GetTemplate", Caller.TemplateAdmin, 200),
        ("GetTemplate", Caller.Admin, 200),
        ("GetTemplate", Caller.Agent, 401),

        ("CreateTemplateVersion", Caller.NoToken, 401),
        ("CreateTemplateVersion", Caller.Expired, 401),
        ("CreateTemplateVersion", Caller.Revoked, 401),
        ("CreateTemplateVersion", Caller.MemberOwner, 403),
        ("CreateTemplateVersion", Caller.MemberOther, 403),
        ("CreateTemplateVersion", Caller.TemplateAdmin, 400),
        ("CreateTemplateVersion", Caller.Admin, 400),
        ("CreateTemplateVersion", Caller.Agent, 401),

        ("PromoteTemplateVersion", Caller.NoToken, 401),
        ("PromoteTemplateVersion", Caller.Expired, 401),
        ("PromoteTemplateVersion", Caller.Revoked, 401),
        ("PromoteTemplateVersion", Caller.MemberOwner, 403),
        ("PromoteTemplateVersion", Caller.MemberOther, 403),
        ("PromoteTemplateVersion", Caller.TemplateAdmin, 200),
        ("PromoteTemplateVersion", Caller.Admin, 200),
        ("PromoteTemplateVersion", Caller.Agent, 401),

        ("CreateWorkspace", Caller.NoToken, 401),
        ("CreateWorkspace", Caller.Expired, 401),
        ("CreateWorkspace", Caller.Revoked, 401),
        ("CreateWorkspace", Caller.MemberOwner, 400),
        ("CreateWorkspace", Caller.MemberOther, 400),
        ("CreateWorkspace", Caller.TemplateAdmin, 400),
        ("CreateWorkspace", Caller.Admin, 400),
        ("CreateWorkspace", Caller.Agent, 401),

        ("ListWorkspaces", Caller.NoToken, 401),
        ("ListWorkspaces", Caller.Expired, 401),
        ("ListWorkspaces", Caller.Revoked, 401),
        ("ListWorkspaces", Caller.MemberOwner, 200),
        ("ListWorkspaces", Caller.MemberOther, 200),
        ("ListWorkspaces", Caller.TemplateAdmin, 200),
        ("ListWorkspaces", Caller.Admin, 200),
        ("ListWorkspaces", Caller.Agent, 401),

        ("GetWorkspace", Caller.NoToken, 401),
        ("GetWorkspace", Caller.Expired, 401),
        ("GetWorkspace", Caller.Revoked, 401),
        ("GetWorkspace", Caller.MemberOwner, 200),
        ("GetWorkspace", Caller.MemberOther, 404),
        ("GetWorkspace", Caller.TemplateAdmin, 404),
        ("GetWorkspace", Caller.Admin, 200),
        ("GetWorkspace", Caller.Agent, 401),

        ("UpdateWorkspace", Caller.NoToken, 401),
        ("UpdateWorkspace", Caller.Expired, 401),
        ("UpdateWorkspace", Caller.Revoked, 401),
        ("UpdateWorkspace", Caller.MemberOwner, 409),
        ("UpdateWorkspace", Caller.MemberOther, 404),
        ("UpdateWorkspace", Caller.TemplateAdmin, 404),
        ("UpdateWorkspace", Caller.Admin, 409),
        ("UpdateWorkspace", Caller.Agent, 401),

        ("DeleteWorkspace", Caller.NoToken, 401),
        ("DeleteWorkspace", Caller.Expired, 401),
        ("DeleteWorkspace", Caller.Revoked, 401),
        ("DeleteWorkspace", Caller.MemberOwner, 409),
        ("DeleteWorkspace", Caller.MemberOther, 404),
        ("DeleteWorkspace", Caller.TemplateAdmin, 404),
        ("DeleteWorkspace", Caller.Admin, 409),
        ("DeleteWorkspace", Caller.Agent, 401),

        ("StartWorkspace", Caller.NoToken, 401),
        ("StartWorkspace", Caller.Expired, 401),
        ("StartWorkspace", Caller.Revoked, 401),
        ("StartWorkspace", Caller.MemberOwner, 409),
        ("StartWorkspace", Caller.MemberOther, 404),
        ("StartWorkspace", Caller.TemplateAdmin, 404),
        ("StartWorkspace", Caller.Admin, 409),
        ("StartWorkspace", Caller.Agent, 401),

        ("StopWorkspace", Caller.NoToken, 401),
        ("StopWorkspace", Caller.Expired, 401),
        ("StopWorkspace", Caller.Revoked, 401),
        ("StopWorkspace", Caller.MemberOwner, 409),
        ("StopWorkspace", Caller.MemberOther, 404),
        ("StopWorkspace", Caller.TemplateAdmin, 404),
        ("StopWorkspace", Caller.Admin, 409),
        ("StopWorkspace", Caller.Agent, 401),

        ("RestartWorkspace", Caller.NoToken, 401),
        ("RestartWorkspace", Caller.Expired, 401),
        ("RestartWorkspace", Caller.Revoked, 401),
        ("RestartWorkspace", Caller.MemberOwner, 409),
        ("RestartWorkspace", Caller.MemberOther, 404),
        ("RestartWorkspace", Caller.TemplateAdmin, 404),
        ("RestartWorkspace", Caller.Admin, 409),
        ("RestartWorkspace", Caller.Agent, 401),

        ("GetWorkspaceEvents", Caller.NoToken, 401),
        ("GetWorkspaceEvents", Caller.Expired, 401),
        ("GetWorkspaceEvents", Caller.Revoked, 401),
        ("GetWorkspaceEvents", Caller.MemberOwner, 200),
        ("GetWorkspaceEvents", Caller.MemberOther, 404),
        ("GetWorkspaceEvents", Caller.TemplateAdmin, 404),
        ("GetWorkspaceEvents", Caller.Admin, 200),
        ("GetWorkspaceEvents", Caller.Agent, 401),

        ("GetWorkspaceMetrics", Caller.NoToken, 401),
        ("GetWorkspaceMetrics", Caller.Expired, 401),
        ("GetWorkspaceMetrics", Caller.Revoked, 401),
        ("GetWorkspaceMetrics", Caller.MemberOwner, 200),
        ("GetWorkspaceMetrics", Caller.MemberOther, 404),
        ("GetWorkspaceMetrics", Caller.TemplateAdmin, 404),
        ("GetWorkspaceMetrics", Caller.Admin, 200),
        ("GetWorkspaceMetrics", Caller.Agent, 401),

        ("CreateSnapshot", Caller.NoToken, 401),
        ("CreateSnapshot", Caller.Expired, 401),
        ("CreateSnapshot", Caller.Revoked, 401),
        ("CreateSnapshot", Caller.MemberOwner, 409),
        ("CreateSnapshot", Caller.MemberOther, 404),
        ("CreateSnapshot", Caller.TemplateAdmin, 404),
        ("CreateSnapshot", Caller.Admin, 409),
        ("CreateSnapshot", Caller.Agent, 401),

        ("ListSnapshots", Caller.NoToken, 401),
        ("ListSnapshots", Caller.Expired, 401),
        ("ListSnapshots", Caller.Revoked, 401),
        ("ListSnapshots", Caller.MemberOwner, 200),
        ("ListSnapshots", Caller.MemberOther, 404),
        ("ListSnapshots", Caller.TemplateAdmin, 404),
        ("ListSnapshots", Caller.Admin, 200),
        ("ListSnapshots", Caller.Agent, 401),

        ("RestoreWorkspace", Caller.NoToken, 401),
        ("RestoreWorkspace", Caller.Expired, 401),
        ("RestoreWorkspace", Caller.Revoked, 401),
        ("RestoreWorkspace", Caller.MemberOwner, 400),
        ("RestoreWorkspace", Caller.MemberOther, 404),
        ("RestoreWorkspace", Caller.TemplateAdmin, 404),
        ("RestoreWorkspace", Caller.Admin, 400),
        ("RestoreWorkspace", Caller.Agent, 401),

        ("UpgradeWorkspace", Caller.NoToken, 401),
        ("UpgradeWorkspace", Caller.Expired, 401),
        ("UpgradeWorkspace", Caller.Revoked, 401),
        ("UpgradeWorkspace", Caller.MemberOwner, 400),
        ("UpgradeWorkspace", Caller.MemberOther, 404),
        ("UpgradeWorkspace", Caller.TemplateAdmin, 404),
        ("UpgradeWorkspace", Caller.Admin, 400),
        ("UpgradeWorkspace", Caller.Agent, 401),

        ("CreateRollout", Caller.NoToken, 401),
        ("CreateRollout", Caller.Expired, 401),
        ("CreateRollout", Caller.Revoked, 401),
        ("CreateRollout", Caller.MemberOwner, 403),
        ("CreateRollout", Caller.MemberOther, 403),
        ("CreateRollout", Caller.TemplateAdmin, 400),
        ("CreateRollout", Caller.Admin, 400),
        ("CreateRollout", Caller.Agent, 401),

        ("GetRollout", Caller.NoToken, 401),
        ("GetRollout", Caller.Expired, 401),
        ("GetRollout", Caller.Revoked, 401),
        ("GetRollout", Caller.MemberOwner, 403),
        ("GetRollout", Caller.MemberOther, 403),
        ("GetRollout", Caller.TemplateAdmin, 404),
        ("GetRollout", Caller.Admin, 404),
        ("GetRollout", Caller.Agent, 401),

        ("PauseRollout", Caller.NoToken, 401),
        ("PauseRollout", Caller.Expired, 401),
        ("PauseRollout", Caller.Revoked, 401),
        ("PauseRollout", Caller.MemberOwner, 403),
        ("PauseRollout", Caller.MemberOther, 403),
        ("PauseRollout", Caller.TemplateAdmin, 404),
        ("PauseRollout", Caller.Admin, 404),
        ("PauseRollout", Caller.Agent, 401),

        ("ResumeRollout", Caller.NoToken, 401),
        ("ResumeRollout", Caller.Expired, 401),
        ("ResumeRollout", Caller.Revoked, 401),
        ("ResumeRollout", Caller.MemberOwner, 403),
        ("ResumeRollout", Caller.MemberOther, 403),
        ("ResumeRollout", Caller.TemplateAdmin, 404),
        ("ResumeRollout", Caller.Admin, 404),
        ("ResumeRollout", Caller.Agent, 401),

        ("AbortRollout", Caller.NoToken, 401),
        ("AbortRollout", Caller.Expired, 401),
        ("AbortRollout", Caller.Revoked, 401),
        ("AbortRollout", Caller.MemberOwner, 403),
        ("AbortRollout", Caller.MemberOther, 403),
        ("AbortRollout", Caller.TemplateAdmin, 404),
        ("AbortRollout", Caller.Admin, 404),
        ("AbortRollout", Caller.Agent, 401),

        ("ConnectWorkspace", Caller.NoToken, 401),
        ("ConnectWorkspace", Caller.Expired, 401),
        ("ConnectWorkspace", Caller.Revoked, 401),
        ("ConnectWorkspace", Caller.MemberOwner, 409),
        ("ConnectWorkspace", Caller.MemberOther, 404),
        ("ConnectWorkspace", Caller.TemplateAdmin, 404),
        ("ConnectWorkspace", Caller.Admin, 409),
        ("ConnectWorkspace", Caller.Agent, 401),

        ("GetAgentRelayToken", Caller.NoToken, 401),
        ("GetAgentRelayToken", Caller.Expired, 401),
        ("GetAgentRelayToken", Caller.Revoked, 401),
        ("GetAgentRelayToken", Caller.MemberOwner, 401),
        ("GetAgentRelayToken", Caller.MemberOther, 401),
        ("GetAgentRelayToken", Caller.TemplateAdmin, 401),
        ("GetAgentRelayToken", Caller.Admin, 401),
        ("GetAgentRelayToken", Caller.Agent, 400),

        ("GetAgentSshKeys", Caller.NoToken, 401),
        ("GetAgentSshKeys", Caller.Expired, 401),
        ("GetAgentSshKeys", Caller.Revoked, 401),
        ("GetAgentSshKeys", Caller.MemberOwner, 401),
        ("GetAgentSshKeys", Caller.MemberOther, 401),
        ("GetAgentSshKeys", Caller.TemplateAdmin, 401),
        ("GetAgentSshKeys", Caller.Admin, 401),
        ("GetAgentSshKeys", Caller.Agent, 200),

        ("PutSshKey", Caller.NoToken, 401),
        ("PutSshKey", Caller.Expired, 401),
        ("PutSshKey", Caller.Revoked, 401),
        ("PutSshKey", Caller.MemberOwner, 400),
        ("PutSshKey", Caller.MemberOther, 400),
        ("PutSshKey", Caller.TemplateAdmin, 400),
        ("PutSshKey", Caller.Admin, 400),
        ("PutSshKey", Caller.Agent, 401),

        ("GetSshKey", Caller.NoToken, 401),
        ("GetSshKey", Caller.Expired, 401),
        ("GetSshKey", Caller.Revoked, 401),
        ("GetSshKey", Caller.MemberOwner, 404),
        ("GetSshKey", Caller.MemberOther, 404),
        ("GetSshKey", Caller.TemplateAdmin, 404),
        ("GetSshKey", Caller.Admin, 404),
        ("GetSshKey", Caller.Agent, 401),

        ("DeleteSshKey", Caller.NoToken, 401),
        ("DeleteSshKey", Caller.Expired, 401),
        ("DeleteSshKey", Caller.Revoked, 401),
        ("DeleteSshKey", Caller.MemberOwner, 204),
        ("DeleteSshKey", Caller.MemberOther, 204),
        ("DeleteSshKey", Caller.TemplateAdmin, 204),
        ("DeleteSshKey", Caller.Admin, 204),
        ("DeleteSshKey", Caller.Agent, 401),

        ("ListSecrets", Caller.NoToken, 401),
        ("ListSecrets", Caller.Expired, 401),
        ("ListSecrets", Caller.Revoked, 401),
        ("ListSecrets", Caller.MemberOwner, 200),
        ("ListSecrets", Caller.MemberOther, 200),
        ("ListSecrets", Caller.TemplateAdmin, 200),
        ("ListSecrets", Caller.Admin, 200),
        ("ListSecrets", Caller.Agent, 401),

        ("PutSecret", Caller.NoToken, 401),
        ("PutSecret", Caller.Expired, 401),
        ("PutSecret", Caller.Revoked, 401),
        ("PutSecret", Caller.MemberOwner, 400),
        ("PutSecret", Caller.MemberOther, 400),
        ("PutSecret", Caller.TemplateAdmin, 400),
        ("PutSecret", Caller.Admin, 400),
        ("PutSecret", Caller.Agent, 401),

        ("DeleteSecret", Caller.NoToken, 401),
        ("DeleteSecret", Caller.Expired, 401),
        ("DeleteSecret", Caller.Revoked, 401),
        ("DeleteSecret", Caller.MemberOwner, 404),
        ("DeleteSecret", Caller.MemberOther, 404),
        ("DeleteSecret", Caller.TemplateAdmin, 404),
        ("DeleteSecret", Caller.Admin, 404),
        ("DeleteSecret", Caller.Agent, 401),

        ("PutDotfiles", Caller.NoToken, 401),
        ("PutDotfiles", Caller.Expired, 401),
        ("PutDotfiles", Caller.Revoked, 401),
        ("PutDotfiles", Caller.MemberOwner, 400),
        ("PutDotfiles", Caller.MemberOther, 400),
        ("PutDotfiles", Caller.TemplateAdmin, 400),
        ("PutDotfiles", Caller.Admin, 400),
        ("PutDotfiles", Caller.Agent, 401),

        ("GetDotfiles", Caller.NoToken, 401),
        ("GetDotfiles", Caller.Expired, 401),
        ("GetDotfiles", Caller.Revoked, 401),
        ("GetDotfiles", Caller.MemberOwner, 404),
        ("GetDotfiles", Caller.MemberOther, 404),
        ("GetDotfiles", Caller.TemplateAdmin, 404),
        ("GetDotfiles", Caller.Admin, 404),
        ("GetDotfiles", Caller.Agent, 401),

        ("DeleteDotfiles", Caller.NoToken, 401),
        ("DeleteDotfiles", Caller.Expired, 401),
        ("DeleteDotfiles", Caller.Revoked, 401),
        ("DeleteDotfiles", Caller.MemberOwner, 404),
        ("DeleteDotfiles", Caller.MemberOther, 404),
        ("DeleteDotfiles", Caller.TemplateAdmin, 404),
        ("DeleteDotfiles", Caller.Admin, 404),
        ("DeleteDotfiles", Caller.Agent, 401),

        ("EventGridHandshake", Caller.NoToken, 401),
        ("EventGridHandshake", Caller.Expired, 401),
        ("EventGridHandshake", Caller.Revoked, 401),
        ("EventGridHandshake", Caller.MemberOwner, 401),
        ("EventGridHandshake", Caller.MemberOther, 401),
        ("EventGridHandshake", Caller.TemplateAdmin, 401),
        ("EventGridHandshake", Caller.Admin, 401),
        ("EventGridHandshake", Caller.Agent, 401),

        ("EventGridWebhook", Caller.NoToken, 401),
        ("EventGridWebhook", Caller.Expired, 401),
        ("EventGridWebhook", Caller.Revoked, 401),
        ("EventGridWebhook", Caller.MemberOwner, 401),
        ("EventGridWebhook", Caller.MemberOther, 401),
        ("EventGridWebhook", Caller.TemplateAdmin, 401),
        ("EventGridWebhook", Caller.Admin, 401),
        ("EventGridWebhook", Caller.Agent, 401),
    ];

    public static TheoryData<string, Caller, int> Cells()
    {
        var data = new TheoryData<string, Caller, int>();
        foreach (var (route, caller, status) in Expected) data.Add(route, caller, status);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Route_ByCaller_GivesExpectedStatus(string route, Caller caller, int expected)
    {
        var r = Routes.Single(x => x.Name == route);
        string path = r.Path.Replace("{workspace}", fixture.AliceWorkspace, StringComparison.Ordinal)
            .Replace("{operation}", fixture.AliceOperation, StringComparison.Ordinal)
            .Replace("{template}", SecurityHost.Sleepy, StringComparison.Ordinal);
        using var http = new HttpClient(new OpenApiValidatingHandler(new HttpClientHandler())) { BaseAddress = new Uri(fixture.Host.BaseUrl) };
        using var request = new HttpRequestMessage(new HttpMethod(r.Method), path);
        if (await TokenFor(caller) is { } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (r.Body is not null) request.Content = new StringContent(r.Body, Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expected, $"{r.Method} {path} as {caller}: expected {expected}, got {(int)response.StatusCode} {body}");
        if (expected >= 400) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void Expected_HasExactlyOneRowPerCell()
    {
        var cells = Expected.Select(e => (e.Route, e.Caller)).ToList();
        Assert.Equal(cells.Count, cells.Distinct().Count());
        var missing = Routes.SelectMany(r => Enum.GetValues<Caller>().Select(c => (r.Name, c))).Except(cells).ToList();
        Assert.True(missing.Count == 0, "Cells without an expected status: " + string.Join(", ", missing));
        Assert.All(cells, c => Assert.Contains(Routes, r => r.Name == c.Route));
    }

    /// <summary>Every HTTP function of Coder.Functions is in the matrix, so a new route cannot skip the auth matrix.</summary>
    [Fact]
    public void Routes_CoverEveryHttpFunction()
    {
        var functions = FunctionCatalog.Discover(typeof(ApiPipeline).Assembly).Where(f => f.Kind == FunctionKind.Http)
            .SelectMany(f => f.HttpMethods.Select(m => $"{m.ToUpperInvariant()} {f.Trigger}")).ToHashSet();
        var matrix = Routes.Select(r => $"{r.Method} {r.Route}").ToHashSet();
        Assert.True(functions.SetEquals(matrix),
            $"Not in the matrix: {string.Join(", ", functions.Except(matrix))}. In the matrix but not a function: {string.Join(", ", matrix.Except(functions))}");
    }

    async Task<string?> TokenFor(Caller caller) => caller switch
    {
        Caller.NoToken => null,
        Caller.Expired => fixture.Tokens["expired"],
        Caller.Revoked => fixture.Tokens["revoked"],
        Caller.MemberOwner => fixture.Tokens["alice"],
        Caller.MemberOther => fixture.Tokens["bob"],
        Caller.TemplateAdmin => fixture.Tokens["tess"],
        Caller.Admin => fixture.Tokens["root"],
        Caller.Agent => await fixture.AgentTokenOfAsync(fixture.AliceWorkspace),
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };
}
