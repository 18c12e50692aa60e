// Key Vault: holds the relay rules' keys (written by relay.bicep) and the Event Grid webhook key, so those app settings
// are Key Vault references, not values (the webhook key's only with enableKeyVault). RBAC authorization; the app may only
// read secrets.
import { builtInRoles } from 'roles.bicep'

@description('Key Vault name.')
param name string

@description('Azure region.')
param location string

@description('Tags for the vault.')
param tags object

@description('Principal id of the control-plane identity.')
param appPrincipalId string

@secure()
@description('Key the Event Grid subscription puts in the webhook URL.')
param eventGridWebhookKey string

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource eventGridKeySecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'coder-eventgrid-key'
  properties: {
    value: eventGridWebhookKey
    contentType: 'text/plain'
  }
}

resource appAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, builtInRoles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = vault.name
// Versionless, so the app picks up a rotated key without a redeploy.
output eventGridKeySecretUri string = eventGridKeySecret.properties.secretUri
