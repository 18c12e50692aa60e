// The one place that names the built-in Azure roles this deployment grants.
// Ids come from the Azure built-in roles reference; tests/Coder.Infra.Tests holds the same allow-list
// and fails if any role assignment in the compiled template uses an id that is not on it.

@export()
@description('Built-in role definition ids (GUIDs), by role. Only these are ever assigned.')
var builtInRoles = {
  // Control-plane identity, main resource group.
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Functions host blob leases, deployment package, snapshots
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // durable task hub queues, coder-events
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // durable history + Coder state tables
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0' // drain agent-events
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39' // the app may put an envelope back; delegated to each workspace identity (send only, on the queue)
  eventGridDataSender: 'd5a91429-5739-47e2-a06b-3470a27159e7' // publish lifecycle CloudEvents to the custom topic
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // Entra-authenticated Application Insights ingestion
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault references in app settings
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7' // users' secrets: set, read, delete (users' secrets vault only)
  azureRelayOwner: '2787bf04-f1f5-4bfe-8383-c8a24483ee38' // create and delete each workspace's hybrid connection (relay namespace only)

  // Control-plane identity, workspace resource group (what the provisioners need).
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7' // inventory: list resources by tag in the workspace group
  containerInstancesContributor: '5d977122-f97e-4b4d-a52f-6b43003ddb4d' // aci: container groups CRUD, start, stop, restart
  managedIdentityContributor: 'e40ec5ca-96e0-45a2-b4ff-59039f2c2b59' // aci + vm: create and delete each workspace's own identity
  managedIdentityOperator: 'f1a07417-d97a-45cb-824c-7a7467783830' // aci + vm: a container group or VM wears its workspace's identity
  roleBasedAccessControlAdministrator: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168' // aci + vm: grant each workspace identity its own resources, only with delegationCondition
  storageAccountContributor: '17d1049b-9a84-46fb-8f53-869881c3d3ab' // aci: file shares and share snapshots via the storage RP
  storageFileDataPrivilegedContributor: '69566ab7-960f-475b-8e7c-b3118f30c6bd' // aci: restore copies files out of a share snapshot over OAuth REST
  virtualMachineContributor: '9980e02c-c2be-4d73-94e8-173b1dc7cf3c' // vm: VMs, disks, NICs, subnet join
  diskSnapshotContributor: '7efff54f-a5b4-42b5-a1c5-5411624893ce' // vm: data-disk snapshots

  // Never assigned here: the provisioners grant it per workspace identity on that workspace's home share alone.
  storageFileDataSmbShareContributor: '0c867c2a-1d8c-454a-a3db-ab2ea1bdc8bb' // aci: mount the home share with the workspace identity

  // Deploying user (azd principalId), read-only: shared keys are off, so browsing state in the portal needs Entra roles.
  storageTableDataReader: '76199698-9eea-4c19-bc75-cec21354c6b6'
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  // Deploying user, on the agent-binaries container only: azd's postdeploy hook uploads the agent there.
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
}

@export()
@description('''
Condition (version 2.0) for a Role Based Access Control Administrator assignment: format() it with one role
definition id. The holder may then create and delete assignments of that role only, and only to service principals
(the workspace identities), never any other role: a constrained delegation instead of User Access Administrator.
''')
var delegationCondition = '((!(ActionMatches{{\'Microsoft.Authorization/roleAssignments/write\'}})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {{{0}}} AND @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {{\'ServicePrincipal\'}})) AND ((!(ActionMatches{{\'Microsoft.Authorization/roleAssignments/delete\'}})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {{{0}}} AND @Resource[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {{\'ServicePrincipal\'}}))'
