// Key Vault for users' secrets (PUT /api/users/me/secrets/{name}): a vault of its own, apart from the one with the
// relay and webhook keys, because the app writes and deletes here (Key Vault Secrets Officer) and should only ever read
// those. RBAC authorization, soft delete; the app reaches it through its managed identity (CODER_SECRETS_KEYVAULT_URI).
import { builtInRoles } from 'roles.bicep'

@description('Key Vault name.')
param name string

@description('Azure region.')
param location string

@description('Tags for the vault.')
param tags object

@description('Principal id of the control-plane identity.')
param appPrincipalId string

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
    publicNetworkAccess: 'Enabled'
  }
}

resource appAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, builtInRoles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.keyVaultSecretsOfficer)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = vault.name
// Key Vault's own data-plane URL (with its trailing slash), right in every cloud.
output vaultUri string = vault.properties.vaultUri
