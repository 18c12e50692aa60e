// Azure Relay (Hybrid Connections): the way into workspaces. Both ends dial out: each workspace agent listens on its own
// hybrid connection (ws-{id}-{replica}, made by the control plane through ARM when first needed, deleted with the
// workspace), users connect to it. The control plane mints per-path SAS tokens with two namespace rules whose keys it
// reads from Key Vault (Key Vault references): coder-control-plane (Listen, Send) for agents' listen tokens, coder-connect
// (Send only) for users' connect tokens, so a connect token can never make a listener.
import { builtInRoles } from 'roles.bicep'

@description('Relay namespace name.')
param name string

@description('Azure region.')
param location string

@description('Tags for the namespace.')
param tags object

@description('Principal id of the control-plane identity (creates and deletes hybrid connections).')
param appPrincipalId string

@description('The Key Vault (same resource group) the rules\' keys are kept in.')
param keyVaultName string

@description('The rule whose key signs agents\' listen tokens (Listen, Send).')
param controlPlaneRuleName string

@description('The rule whose key signs users\' connect tokens (Send only).')
param connectRuleName string

resource namespace 'Microsoft.Relay/namespaces@2021-11-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
}

resource controlPlaneRule 'Microsoft.Relay/namespaces/authorizationRules@2021-11-01' = {
  parent: namespace
  name: controlPlaneRuleName
  properties: {
    rights: [
      'Listen'
      'Send'
    ]
  }
}

resource connectRule 'Microsoft.Relay/namespaces/authorizationRules@2021-11-01' = {
  parent: namespace
  name: connectRuleName
  properties: {
    rights: [
      'Send'
    ]
  }
}

// Hybrid connections are made and deleted per workspace through ARM with the app's identity: owner of this namespace only.
resource appAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, appPrincipalId, builtInRoles.azureRelayOwner)
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.azureRelayOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource controlPlaneKey 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'coder-relay-key'
  properties: {
    value: controlPlaneRule.listKeys().primaryKey
    contentType: 'text/plain'
  }
}

resource connectKey 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'coder-relay-send-key'
  properties: {
    value: connectRule.listKeys().primaryKey
    contentType: 'text/plain'
  }
}

output name string = namespace.name
output id string = namespace.id
output relayUrl string = 'wss://${namespace.name}.servicebus.windows.net'
// Versionless, so a regenerated key reaches the app without a redeploy.
output controlPlaneKeySecretUri string = controlPlaneKey.properties.secretUri
output connectKeySecretUri string = connectKey.properties.secretUri
