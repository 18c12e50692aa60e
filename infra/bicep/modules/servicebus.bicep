// Agent event transport on Azure: each agent sends envelopes to the agent-events queue with its own
// workspace identity, which the provisioner grants send-only on this queue; the control plane drains it
// with its own identity. Local (SAS) auth is off.
import { builtInRoles, delegationCondition } from 'roles.bicep'

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

// The provisioners grant each workspace identity send-only on this queue: the app may assign that one
// role, to service principals, on this queue only.
resource appWorkspaceGrants 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(queue.id, appPrincipalId, builtInRoles.roleBasedAccessControlAdministrator)
  scope: queue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.roleBasedAccessControlAdministrator)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    condition: format(delegationCondition, builtInRoles.serviceBusDataSender)
    conditionVersion: '2.0'
  }
}

output name string = namespace.name
// The FQDN without scheme and port, as Azure.Messaging.ServiceBus expects for fullyQualifiedNamespace.
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
output queueName string = queue.name
output queueId string = queue.id
