// Custom topic for the workspace lifecycle CloudEvents the app publishes (Coder.Workspace.*).
// Access keys are off: the app publishes with its identity (EventGrid Data Sender on this topic only).
import { builtInRoles } from 'roles.bicep'

@description('Topic name.')
param name string

@description('Azure region.')
param location string

@description('Tags for the topic.')
param tags object

@description('Principal id of the control-plane identity.')
param appPrincipalId string

resource topic 'Microsoft.EventGrid/topics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    inputSchema: 'CloudEventSchemaV1_0'
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource appAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(topic.id, appPrincipalId, builtInRoles.eventGridDataSender)
  scope: topic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.eventGridDataSender)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = topic.name
output endpoint string = topic.properties.endpoint
