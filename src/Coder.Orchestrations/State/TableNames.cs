namespace Coder.Orchestrations.State;

/// <summary>The control plane's tables (ARCHITECTURE.md §4).</summary>
public static class TableNames
{
    public const string Templates = "Templates";
    public const string Workspaces = "Workspaces";
    public const string WorkspaceAgents = "WorkspaceAgents";
    public const string WorkspaceIndex = "WorkspaceIndex";
    public const string WorkspaceEvents = "WorkspaceEvents";
    public const string Operations = "Operations";
    public const string AgentTokens = "AgentTokens";
    public const string AgentSeqs = "AgentSeqs";
    public const string ApiTokens = "ApiTokens";
    public const string SshKeys = "SshKeys";
    public const string Quotas = "Quotas";
    public const string Secrets = "Secrets";
    public const string Dotfiles = "Dotfiles";

    public static IReadOnlyList<string> All { get; } = [Templates, Workspaces, WorkspaceAgents, WorkspaceIndex, WorkspaceEvents, Operations, AgentTokens, AgentSeqs, ApiTokens, SshKeys, Quotas, Secrets, Dotfiles];
}
