// Coder Cloud on Azure, deployed by `azd up` (azure.yaml at the repo root points here).
// Subscription scope: the template creates both resource groups itself, the control plane's
// (rg-<env>) and the workspaces' (rg-<env>-workspaces), so the provisioners' rights end at the latter.
targetScope = 'subscription'

@minLength(1)
@maxLength(48)
@description('azd environment name. Names the resource groups and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Azure region for every regional resource.')
@metadata({ azd: { type: 'location' } })
param location string

@description('Object id of the deploying user (azd sets it). Gets read-only table and blob access for troubleshooting, since shared keys are off. Empty grants nothing.')
param principalId string = ''

@description('Kind of principal principalId is.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@description('Entra object id of the first Coder admin (CODER_ADMIN_PRINCIPAL_IDS; main.parameters.json passes the deploying principal). That admin signs in and mints API tokens; more admins: comma-separated ids.')
param adminPrincipalId string = ''

@description('Client id of the Entra app registration for sign-in. azd\'s preprovision hook (infra/scripts/entra-app.sh) creates it and sets AZURE_AUTH_CLIENT_ID. Empty: App Service Authentication stays off.')
param authClientId string = ''

@secure()
@description('Key in the Event Grid webhook URL (?key=); the app compares it with CODER_EVENTGRID_KEY. azd generates and keeps it.')
@metadata({ azd: { type: 'generate', config: { length: 48, noSpecial: true } } })
param eventGridWebhookKey string

@description('Pass CODER_EVENTGRID_KEY to the app as a Key Vault reference instead of a plain setting. The vault itself is always deployed: the relay keys live there.')
param enableKeyVault bool = false

@description('Create the Event Grid webhook subscriptions. Leave off for the first `azd up`: Event Grid validates the endpoint, so the app must be deployed first. Then `azd env set ENABLE_EVENTGRID_SUBSCRIPTIONS true` and `azd provision`.')
param enableEventGridSubscriptions bool = false

@description('Durable task hub name (CODER_TASKHUB): letters and digits, starting with a letter.')
@minLength(3)
@maxLength(45)
param taskHubName string = 'coderhub'

@description('NCRONTAB (six fields) of the reconcile timer (CODER_RECONCILE_SCHEDULE).')
param reconcileSchedule string = '*/30 * * * * *'

@description('NCRONTAB (six fields) of the autoscaler timer (CODER_AUTOSCALE_SCHEDULE). The Functions host resolves %CODER_AUTOSCALE_SCHEDULE% from app settings, so it must be set here.')
param autoscaleSchedule string = '0 * * * * *'

@description('Always-ready instances for the durable group.')
@minValue(0)
param alwaysReadyDurableInstances int = 1

@description('Upper bound of Function App instances.')
@minValue(1)
param maximumInstanceCount int = 100

@description('Memory per Function App instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('E-mail address for alert notifications; empty creates no action group.')
param alertEmailAddress string = ''

@description('Region of the dashboard\'s Static Web App (offered in fewer regions than Functions).')
@allowed([
  'westus2'
  'centralus'
  'eastus2'
  'westeurope'
  'eastasia'
])
param dashboardLocation string = 'westeurope'

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var deploymentContainerName = 'deployments'
var functionAppName = 'func-${resourceToken}'
var agentBinariesContainerName = 'agent-binaries'
var agentEventsQueueName = 'agent-events'
// The relay's two SAS rules: agents' listen tokens, users' connect (send-only) tokens.
var relayControlPlaneRule = 'coder-control-plane'
var relayConnectRule = 'coder-connect'

resource controlPlaneGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

resource workspaceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}-workspaces'
  location: location
  tags: tags
}

module appIdentity 'modules/identity.bicep' = {
  scope: controlPlaneGroup
  params: {
    name: 'id-app-${resourceToken}'
    location: location
    tags: tags
  }
}

module workspaceResources 'modules/workspace-resources.bicep' = {
  scope: workspaceGroup
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    appPrincipalId: appIdentity.outputs.principalId
  }
}

module stateStorage 'modules/storage.bicep' = {
  scope: controlPlaneGroup
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    appPrincipalId: appIdentity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
    deploymentContainerName: deploymentContainerName
    agentBinariesContainerName: agentBinariesContainerName
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  scope: controlPlaneGroup
  params: {
    name: 'sb-${resourceToken}'
    location: location
    tags: tags
    queueName: agentEventsQueueName
    appPrincipalId: appIdentity.outputs.principalId
  }
}

module lifecycleTopic 'modules/eventgrid-topic.bicep' = {
  scope: controlPlaneGroup
  params: {
    name: 'evgt-${resourceToken}'
    location: location
    tags: tags
    appPrincipalId: appIdentity.outputs.principalId
  }
}

module monitoring 'modules/monitoring.bicep' = {
  scope: controlPlaneGroup
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    appInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    appPrincipalId: appIdentity.outputs.principalId
    alertEmailAddress: alertEmailAddress
  }
}

module keyVault 'modules/keyvault.bicep' = {
  scope: controlPlaneGroup
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    appPrincipalId: appIdentity.outputs.principalId
    eventGridWebhookKey: eventGridWebhookKey
  }
}

module userSecretsVault 'modules/user-secrets-vault.bicep' = {
  scope: controlPlaneGroup
  params: {
    name: 'kvu-${resourceToken}'
    location: location
    tags: tags
    appPrincipalId: appIdentity.outputs.principalId
  }
}

module relay 'modules/relay.bicep' = {
  scope: controlPlaneGroup
  params: {
    name: 'relay-${resourceToken}'
    location: location
    tags: tags
    appPrincipalId: appIdentity.outputs.principalId
    keyVaultName: keyVault.outputs.name
    controlPlaneRuleName: relayControlPlaneRule
    connectRuleName: relayConnectRule
  }
}

module functionApp 'modules/function-app.bicep' = {
  scope: controlPlaneGroup
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    identityId: appIdentity.outputs.id
    identityClientId: appIdentity.outputs.clientId
    storage: {
      blobEndpoint: stateStorage.outputs.blobEndpoint
      queueEndpoint: stateStorage.outputs.queueEndpoint
      tableEndpoint: stateStorage.outputs.tableEndpoint
      deploymentContainerName: deploymentContainerName
    }
    authClientId: authClientId
    adminPrincipalIds: adminPrincipalId
    alwaysReadyDurableInstances: alwaysReadyDurableInstances
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    eventGridKeySetting: enableKeyVault
      ? '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.eventGridKeySecretUri})'
      : eventGridWebhookKey
    settings: {
      APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
      CODER_TASKHUB: taskHubName
      CODER_AGENT_TRANSPORT: 'servicebus'
      CODER_SERVICEBUS__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
      CODER_SERVICEBUS_QUEUE: agentEventsQueueName
      CODER_EVENTGRID_TOPIC_ENDPOINT: lifecycleTopic.outputs.endpoint
      CODER_AZURE_SUBSCRIPTION_ID: subscription().subscriptionId
      CODER_AZURE_RESOURCE_GROUP: workspaceResources.outputs.resourceGroupName
      CODER_AZURE_LOCATION: location
      CODER_AZURE_AGENT_QUEUE_ID: serviceBus.outputs.queueId
      CODER_AZURE_FILES_ACCOUNT: workspaceResources.outputs.filesAccountName
      CODER_AZURE_VM_SUBNET_ID: workspaceResources.outputs.subnetId
      CODER_RECONCILE_SCHEDULE: reconcileSchedule
      CODER_AUTOSCALE_SCHEDULE: autoscaleSchedule
      // The relay: its URL, the rules' names, their keys as Key Vault references (never the keys), and the namespace for
      // the ARM calls that make and delete hybrid connections.
      CODER_SECRETS_KEYVAULT_URI: userSecretsVault.outputs.vaultUri
      CODER_RELAY_URL: relay.outputs.relayUrl
      CODER_RELAY_NAMESPACE_ID: relay.outputs.id
      CODER_RELAY_KEY_NAME: relayControlPlaneRule
      CODER_RELAY_KEY: '@Microsoft.KeyVault(SecretUri=${relay.outputs.controlPlaneKeySecretUri})'
      CODER_RELAY_SEND_KEY_NAME: relayConnectRule
      CODER_RELAY_SEND_KEY: '@Microsoft.KeyVault(SecretUri=${relay.outputs.connectKeySecretUri})'
    }
  }
}

// The dashboard: Static Web Apps with the function app as its linked backend (modules/static-web-app.bicep).
module dashboard 'modules/static-web-app.bicep' = {
  scope: controlPlaneGroup
  // The linked backend names the app by id; the app must exist first.
  dependsOn: [
    functionApp
  ]
  params: {
    name: 'swa-${resourceToken}'
    location: dashboardLocation
    tags: tags
    functionAppName: functionAppName
    functionAppLocation: location
    authClientId: authClientId
  }
}

var webhookUrl = 'https://${functionApp.outputs.defaultHostName}/api/eventgrid?key=${eventGridWebhookKey}'

module workspaceGroupEvents 'modules/eventgrid-webhook.bicep' = {
  scope: workspaceGroup
  params: {
    name: 'evgst-ws-${resourceToken}'
    location: 'global'
    tags: tags
    sourceId: workspaceGroup.id
    topicType: 'Microsoft.Resources.ResourceGroups'
    includedEventTypes: [
      'Microsoft.Resources.ResourceWriteSuccess'
      'Microsoft.Resources.ResourceDeleteSuccess'
    ]
    enableSubscription: enableEventGridSubscriptions
    webhookUrl: webhookUrl
  }
}

module templateUploadEvents 'modules/eventgrid-webhook.bicep' = {
  scope: controlPlaneGroup
  params: {
    name: 'evgst-st-${resourceToken}'
    location: location
    tags: tags
    sourceId: stateStorage.outputs.id
    topicType: 'Microsoft.Storage.StorageAccounts'
    includedEventTypes: [
      'Microsoft.Storage.BlobCreated'
    ]
    subjectBeginsWith: '/blobServices/default/containers/templates/'
    enableSubscription: enableEventGridSubscriptions
    webhookUrl: webhookUrl
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = controlPlaneGroup.name
output AZURE_WORKSPACE_RESOURCE_GROUP string = workspaceGroup.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
output AZURE_DASHBOARD_URL string = 'https://${dashboard.outputs.defaultHostName}'
output AZURE_STORAGE_ACCOUNT_NAME string = stateStorage.outputs.name
output AZURE_SERVICEBUS_NAMESPACE string = serviceBus.outputs.name
output AZURE_SERVICEBUS_FULLY_QUALIFIED_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output AZURE_EVENTGRID_TOPIC_ENDPOINT string = lifecycleTopic.outputs.endpoint
output AZURE_APP_IDENTITY_CLIENT_ID string = appIdentity.outputs.clientId
output AZURE_APP_IDENTITY_PRINCIPAL_ID string = appIdentity.outputs.principalId
output AZURE_AGENT_BINARIES_CONTAINER string = agentBinariesContainerName
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_RELAY_NAMESPACE string = relay.outputs.name
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.connectionString
