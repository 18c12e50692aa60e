// State storage for the control plane: durable task hub, Coder tables, snapshot and template blobs,
// the Flex Consumption deployment container and the coder-events queue. Shared keys are off: every
// client (Functions host, durable provider, the app) authenticates with the app identity.
import { builtInRoles } from 'roles.bicep'

@description('Storage account name (3-24 lowercase letters and digits).')
param name string

@description('Azure region.')
param location string

@description('Tags for the account.')
param tags object

@description('Principal id of the control-plane identity.')
param appPrincipalId string

@description('Object id of the deploying user; empty skips the read-only grants.')
param userPrincipalId string

@description('Principal type of userPrincipalId.')
param userPrincipalType string

@description('Name of the blob container that holds the Flex Consumption deployment package.')
param deploymentContainerName string

@description('Name of the blob container the control plane serves agent binaries from (BlobAgentBinaryStore).')
param agentBinariesContainerName string

var tableNames = [
  'Templates'
  'Workspaces'
  'WorkspaceAgents'
  'WorkspaceIndex'
  'WorkspaceEvents'
  'Operations'
  'Snapshots'
  'AgentTokens'
  'AgentSeqs'
  'ApiTokens'
  'Audit'
]
var containerNames = [
  'snapshots'
  'snapshot-chunks'
  'templates'
  deploymentContainerName
]
var queueNames = [
  'coder-events'
  'workspace-signals'
]

// Blob Data Owner rather than Contributor: the Functions host takes blob leases for singletons and
// timers with the identity, which the Functions identity-based connection docs list under Owner.
var appRoles = [
  builtInRoles.storageBlobDataOwner
  builtInRoles.storageQueueDataContributor
  builtInRoles.storageTableDataContributor
]
var userRoles = empty(userPrincipalId)
  ? []
  : [
      builtInRoles.storageTableDataReader
      builtInRoles.storageBlobDataReader
    ]

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

// Its own resource, so the deploying user's upload right (azd's postdeploy hook) ends at this container.
resource agentBinaries 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: agentBinariesContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

resource appAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in appRoles: {
    name: guid(account.id, appPrincipalId, roleId)
    scope: account
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource userAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in userRoles: {
    name: guid(account.id, userPrincipalId, roleId)
    scope: account
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: userPrincipalId
      principalType: userPrincipalType
    }
  }
]

resource userAgentUpload 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(agentBinaries.id, userPrincipalId, builtInRoles.storageBlobDataContributor)
  scope: agentBinaries
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.storageBlobDataContributor)
    principalId: userPrincipalId
    principalType: userPrincipalType
  }
}

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
