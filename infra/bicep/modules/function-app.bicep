// The control plane: a Flex Consumption (FC1) Function App, .NET 10 isolated, running as the app's
// user-assigned identity. Every connection is identity-based; no setting carries a storage key.

@description('Function App name.')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Azure region.')
param location string

@description('Tags for the app; must include azd-service-name so azd deploys the api service here.')
param tags object

@description('Resource id of the app identity.')
param identityId string

@description('Client id of the app identity.')
param identityClientId string

@description('Storage account endpoints for AzureWebJobsStorage and the deployment container.')
param storage {
  blobEndpoint: string
  queueEndpoint: string
  tableEndpoint: string
  deploymentContainerName: string
}

@description('Always-ready instances for the durable group (orchestrators, activities), as the Durable docs recommend for Flex.')
@minValue(0)
param alwaysReadyDurableInstances int

@description('Upper bound of instances the plan may scale out to.')
@minValue(1)
param maximumInstanceCount int

@description('Memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Settings that differ per environment, merged over the identity-based connection settings.')
param settings object

@description('Client id of the Entra app registration App Service Authentication signs people in with (infra/scripts/entra-app.sh creates it). Empty: no sign-in.')
param authClientId string

@description('Comma-separated Entra object ids mapped to the Coder admin role (CODER_ADMIN_PRINCIPAL_IDS).')
param adminPrincipalIds string

@secure()
@description('Value of CODER_EVENTGRID_KEY: a Key Vault reference when the vault is on, otherwise the key itself.')
param eventGridKeySetting string

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.blobEndpoint}${storage.deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: [
          {
            name: 'durable'
            instanceCount: alwaysReadyDurableInstances
          }
        ]
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource appSettings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: app
  name: 'appsettings'
  properties: union(settings, {
    // Identity-based AzureWebJobsStorage: the host, the durable provider and the app share it.
    AzureWebJobsStorage__blobServiceUri: storage.blobEndpoint
    AzureWebJobsStorage__queueServiceUri: storage.queueEndpoint
    AzureWebJobsStorage__tableServiceUri: storage.tableEndpoint
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // DefaultAzureCredential in the app picks the user-assigned identity from this.
    AZURE_CLIENT_ID: identityClientId
    // Application Insights has local auth off; the host authenticates with the identity.
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    CODER_EVENTGRID_KEY: eventGridKeySetting
    // Agents in ACI and VM workspaces reach the control plane here (manifest, HTTP transport, agent binary).
    CODER_URL: 'https://${app.properties.defaultHostName}'
    // App Service Authentication is in front (authsettingsV2 below) and strips client-sent X-MS-CLIENT-PRINCIPAL headers.
    CODER_TRUST_EASYAUTH: 'true'
    CODER_ADMIN_PRINCIPAL_IDS: adminPrincipalIds
    // Sign-in without a client secret: the app registration trusts this identity (federated credential).
    OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID: identityClientId
  })
}

// Entra sign-in for people (the dashboard, /.auth/login/aad). Anonymous requests still reach the app, which authorizes
// every route itself (RoutePolicy): agents, API tokens, /api/health and the agent binary need no Entra session.
resource authSettings 'Microsoft.Web/sites/config@2024-11-01' = if (!empty(authClientId)) {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
          clientId: authClientId
          clientSecretSettingName: 'OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID'
        }
        validation: {
          allowedAudiences: [
            'api://${authClientId}'
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
