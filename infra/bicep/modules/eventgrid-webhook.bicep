// Event Grid in: a system topic on one source (the workspace resource group, or the state storage
// account) and, optionally, a subscription that delivers its events to the app's /api/eventgrid webhook.
// The subscription is optional (enableSubscription) because Event Grid validates the endpoint when the
// subscription is created, so the app must already be deployed and answering the handshake.

@description('System topic name.')
param name string

@description('Location: "global" for resource group topics, the account region for storage topics.')
param location string

@description('Tags for the topic.')
param tags object

@description('Resource id of the event source, in this resource group.')
param sourceId string

@description('System topic type, e.g. Microsoft.Resources.ResourceGroups.')
param topicType string

@description('Event types delivered to the webhook.')
param includedEventTypes string[]

@description('Subject prefix filter; empty delivers every subject.')
param subjectBeginsWith string = ''

@description('Create the webhook subscription (the app must be deployed first).')
param enableSubscription bool

@secure()
@description('Webhook URL including its key: https://<app>/api/eventgrid?key=<key>.')
param webhookUrl string

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: sourceId
    topicType: topicType
  }
}

resource webhookSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = if (enableSubscription) {
  parent: systemTopic
  name: 'coder-webhook'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: webhookUrl
        maxEventsPerBatch: 10
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: includedEventTypes
      subjectBeginsWith: subjectBeginsWith
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output name string = systemTopic.name
