// Agent event transport on Azure: agents send envelopes to the agent-events queue with the workspace
// identity; the control plane drains it with its own identity. Local (SAS) auth is off.
import { builtInRoles } from 'roles.bicep'

@description('Service Bus namespace name.')
param name string

@description('Azure region.')
param location string

@description('Tags for the namespace.')
param tags object

@description('Queue that carries agent envelopes.')
param queueName string

@description('Principal id of the control-plane identity (receives, and may re-send).')
param appPrincipalId string

@description('Principal id of the workspace identity worn by agents (send only).')
param workspacePrincipalId string

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: queueName
  properties: {
    // Agents retry sends from their outbox; duplicate detection drops a resend of the same MessageId.
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT10M'
    deadLetteringOnMessageExpiration: true
    maxDeliveryCount: 10
    lockDuration: 'PT1M'
    defaultMessageTimeToLive: 'P1D'
    enablePartitioning: false
  }
}

resource appAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in [builtInRoles.serviceBusDataReceiver, builtInRoles.serviceBusDataSender]: {
    name: guid(queue.id, appPrincipalId, roleId)
    scope: queue
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource workspaceAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(queue.id, workspacePrincipalId, builtInRoles.serviceBusDataSender)
  scope: queue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.serviceBusDataSender)
    principalId: workspacePrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = namespace.name
// The FQDN without scheme and port, as Azure.Messaging.ServiceBus expects for fullyQualifiedNamespace.
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
output queueName string = queue.name
