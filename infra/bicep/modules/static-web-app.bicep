// The dashboard on Azure. The Functions app's routePrefix is "api" and it serves no page, so Static Web Apps serves the
// built SPA (src/Coder.Dashboard, staticwebapp.config.json beside index.html) and the function app is its linked
// backend: /api/* on the site's own origin reaches the functions with the signed-in person's X-MS-CLIENT-PRINCIPAL,
// which the app trusts only behind App Service Authentication (CODER_TRUST_EASYAUTH, set on the function app).
// Standard, because linked backends and a custom Entra registration need it.

@description('Static Web App name.')
param name string

@description('Region of the site (Static Web Apps is offered in a subset of regions).')
param location string

@description('Tags; azd-service-name names the azd service that deploys the dashboard here.')
param tags object

@description('Name of the function app that serves /api (in this resource group).')
param functionAppName string

@description('Region of the function app.')
param functionAppLocation string

@description('Client id of the Entra app registration people sign in with (the same one the function app uses). Empty: built-in sign-in only.')
param authClientId string

resource site 'Microsoft.Web/staticSites@2024-11-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    stagingEnvironmentPolicy: 'Disabled'
    allowConfigFileUpdates: true
  }
}

resource backend 'Microsoft.Web/staticSites/linkedBackends@2024-11-01' = {
  parent: site
  name: 'api'
  properties: {
    backendResourceId: resourceId('Microsoft.Web/sites', functionAppName)
    region: functionAppLocation
  }
}

// What staticwebapp.config.json's Entra provider names (clientIdSettingName); the tenant is the deployment's.
resource settings 'Microsoft.Web/staticSites/config@2024-11-01' = if (!empty(authClientId)) {
  parent: site
  name: 'appsettings'
  properties: {
    AZURE_CLIENT_ID: authClientId
    AZURE_TENANT_ID: tenant().tenantId
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostname
