// The workspace resource group: where the aci and vm provisioners create workspaces. The template
// creates what they share (the home-share storage account, the VM network) and grants the control
// plane exactly what the provisioners need here, nothing outside this group. There is no shared
// workspace identity: the provisioners create one per workspace and grant it that workspace's own
// resources only (see WorkspaceIdentityGrants), so code in one workspace cannot mount another's share.
import { builtInRoles, delegationCondition } from 'roles.bicep'

@description('Azure region.')
param location string

@description('Tags for the shared workspace resources.')
param tags object

@description('Suffix that makes names unique.')
param resourceToken string

@description('Principal id of the control-plane identity.')
param appPrincipalId string

// Group-wide roles for the control plane. Each provisioner creates and deletes its own resources here,
// which cannot be scoped narrower because they do not exist before the provisioner creates them.
var appResourceGroupRoles = [
  builtInRoles.reader // inventory: GET resources?$filter=tagName eq 'coder-workspace-id' (both provisioners)
  builtInRoles.containerInstancesContributor // aci: PUT/DELETE container groups, start, stop, restart
  builtInRoles.virtualMachineContributor // vm: VMs, managed disks, NICs, join the workspace subnet
  builtInRoles.diskSnapshotContributor // vm: snapshot the data disk, read the snapshot to restore
  builtInRoles.managedIdentityContributor // aci + vm: create and delete each workspace's own identity
  builtInRoles.managedIdentityOperator // aci + vm: a container group or VM wears its workspace's identity
]
// Home shares for aci workspaces: the control plane manages shares and share snapshots through the
// storage resource provider (shared keys are off) and restores by copying files out of a snapshot.
var appFilesRoles = [
  builtInRoles.storageAccountContributor
  builtInRoles.storageFileDataPrivilegedContributor
]

resource filesAccount 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: 'stws${resourceToken}'
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
  }
}

resource fileService 'Microsoft.Storage/storageAccounts/fileServices@2024-01-01' = {
  parent: filesAccount
  name: 'default'
  properties: {
    shareDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource workspaceNsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: 'nsg-ws-${resourceToken}'
  location: location
  tags: tags
  properties: {
    // No inbound rules: agents dial out to Service Bus and the API; nothing dials in.
    securityRules: []
  }
}

resource workspaceNetwork 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-ws-${resourceToken}'
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        '10.60.0.0/16'
      ]
    }
    subnets: [
      {
        name: 'workspaces'
        properties: {
          addressPrefix: '10.60.0.0/20'
          networkSecurityGroup: {
            id: workspaceNsg.id
          }
        }
      }
    ]
  }
}

resource appResourceGroupAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in appResourceGroupRoles: {
    name: guid(resourceGroup().id, appPrincipalId, roleId)
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The provisioners grant each workspace identity SMB share contributor on that workspace's home share
// (a scope that exists only once the share does). The app may assign that one role, to service
// principals, in this group only: Role Based Access Control Administrator with a condition.
resource appWorkspaceGrants 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, appPrincipalId, builtInRoles.roleBasedAccessControlAdministrator)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.roleBasedAccessControlAdministrator)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    condition: format(delegationCondition, builtInRoles.storageFileDataSmbShareContributor)
    conditionVersion: '2.0'
  }
}

resource appFilesAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in appFilesRoles: {
    name: guid(filesAccount.id, appPrincipalId, roleId)
    scope: filesAccount
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

output resourceGroupName string = resourceGroup().name
output filesAccountName string = filesAccount.name
output subnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', workspaceNetwork.name, 'workspaces')
