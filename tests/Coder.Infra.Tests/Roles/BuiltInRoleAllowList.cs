namespace Coder.Infra.Tests.Roles;

/// <summary>
/// The only built-in roles the Bicep may assign, one row per role. Ids are from the Azure built-in roles
/// reference. infra/bicep/modules/roles.bicep holds the same ids; a role assignment with any other id,
/// or with an id that is not a compile-time constant, fails the tests.
/// </summary>
public static class BuiltInRoleAllowList
{
    public static IReadOnlyList<BuiltInRole> Roles { get; } =
    [
        new("Storage Blob Data Owner", Guid.Parse("b7e6dc6d-f1e8-4753-8033-0f276bb0955b"), "Functions host blob leases, deployment package, snapshot blobs"),
        new("Storage Queue Data Contributor", Guid.Parse("974c5e8b-45b9-4653-ba55-5f855dd0fb88"), "durable task hub queues, coder-events"),
        new("Storage Table Data Contributor", Guid.Parse("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"), "durable history and Coder state tables"),
        new("Azure Service Bus Data Receiver", Guid.Parse("4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0"), "app drains agent-events"),
        new("Azure Service Bus Data Sender", Guid.Parse("69a216fc-b8fb-44d8-bc22-1f3c2cd27a39"), "app re-sends; delegated: a workspace identity sends to agent-events"),
        new("EventGrid Data Sender", Guid.Parse("d5a91429-5739-47e2-a06b-3470a27159e7"), "app publishes lifecycle CloudEvents"),
        new("Monitoring Metrics Publisher", Guid.Parse("3913510d-42f4-4e42-8a64-420c390055eb"), "Entra-authenticated telemetry ingestion"),
        new("Key Vault Secrets User", Guid.Parse("4633458b-17de-408a-b874-0445c86b69e6"), "Key Vault references (optional vault)"),
        new("Key Vault Secrets Officer", Guid.Parse("b86a8fe4-44ce-4948-aee5-eccb2c155cd7"), "users' secrets: set, read, delete (users' secrets vault only)"),
        new("Azure Relay Owner", Guid.Parse("2787bf04-f1f5-4bfe-8383-c8a24483ee38"), "create and delete each workspace's hybrid connection (relay namespace only)"),
        new("Reader", Guid.Parse("acdd72a7-3385-48ef-bd42-f606fba81ae7"), "inventory by tag in the workspace resource group"),
        new("Azure Container Instances Contributor Role", Guid.Parse("5d977122-f97e-4b4d-a52f-6b43003ddb4d"), "aci provisioner container groups"),
        new("Managed Identity Contributor", Guid.Parse("e40ec5ca-96e0-45a2-b4ff-59039f2c2b59"), "create and delete each workspace's own identity (workspace group)"),
        new("Managed Identity Operator", Guid.Parse("f1a07417-d97a-45cb-824c-7a7467783830"), "a container group or VM wears its workspace's identity (workspace group)"),
        new("Role Based Access Control Administrator", Guid.Parse("f58310d9-a9f6-439a-9e8d-f62e7b41a168"), "grant workspace identities their own resources; only with a condition naming the roles"),
        new("Storage Account Contributor", Guid.Parse("17d1049b-9a84-46fb-8f53-869881c3d3ab"), "aci file shares and share snapshots (workspace files account only)"),
        new("Storage File Data Privileged Contributor", Guid.Parse("69566ab7-960f-475b-8e7c-b3118f30c6bd"), "aci restore copies files out of a share snapshot"),
        new("Virtual Machine Contributor", Guid.Parse("9980e02c-c2be-4d73-94e8-173b1dc7cf3c"), "vm provisioner VMs, disks, NICs"),
        new("Disk Snapshot Contributor", Guid.Parse("7efff54f-a5b4-42b5-a1c5-5411624893ce"), "vm provisioner data-disk snapshots"),
        new("Storage File Data SMB Share Contributor", Guid.Parse("0c867c2a-1d8c-454a-a3db-ab2ea1bdc8bb"), "delegated: a workspace identity mounts its own home share"),
        new("Storage Table Data Reader", Guid.Parse("76199698-9eea-4c19-bc75-cec21354c6b6"), "deploying user reads state (optional)"),
        new("Storage Blob Data Reader", Guid.Parse("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"), "deploying user reads blobs (optional)"),
        new("Storage Blob Data Contributor", Guid.Parse("ba92f5b4-2d11-453d-a403-e96b0029c9fe"), "deploying user uploads the agent (agent-binaries container only, optional)"),
    ];

    public static BuiltInRole? Find(Guid id) => Roles.FirstOrDefault(role => role.Id == id);

    /// <summary>Roles that may create role assignments: allowed only with a condition that names the roles they may assign.</summary>
    public static IReadOnlySet<Guid> Delegating { get; } = new HashSet<Guid> { Guid.Parse("f58310d9-a9f6-439a-9e8d-f62e7b41a168") };
}
