#!/bin/sh
# azd hook (preprovision and postprovision): the Entra app registration that App Service Authentication signs people
# in with. Idempotent: it reuses the registration named coder-<env> and only adds what is missing.
#   preprovision:  create or find it, `azd env set AZURE_AUTH_CLIENT_ID` (main.parameters.json passes it to the Bicep)
#   postprovision: the sign-in redirect URI, and a federated credential that lets the app's managed identity stand in
#                  for a client secret (the app setting OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID names that identity)
set -eu

name="coder-${AZURE_ENV_NAME:?run through azd}"
client_id="${AZURE_AUTH_CLIENT_ID:-}"
if [ -z "$client_id" ]; then
  client_id=$(az ad app list --display-name "$name" --query "[0].appId" -o tsv)
  if [ -z "$client_id" ]; then
    # The app roles Coder maps to its roles (Coder:Security:EntraRoles); assign people in Enterprise applications.
    roles=$(mktemp)
    trap 'rm -f "$roles"' EXIT
    cat >"$roles" <<'JSON'
[
  {"allowedMemberTypes": ["User"], "displayName": "Coder admin", "description": "Coder role admin",
   "id": "3d0c6a8e-5b1f-4c51-9d4a-2f1e0b7a6c01", "isEnabled": true, "value": "Coder.Admin"},
  {"allowedMemberTypes": ["User"], "displayName": "Coder template admin", "description": "Coder role template-admin",
   "id": "3d0c6a8e-5b1f-4c51-9d4a-2f1e0b7a6c02", "isEnabled": true, "value": "Coder.TemplateAdmin"},
  {"allowedMemberTypes": ["User"], "displayName": "Coder member", "description": "Coder role member",
   "id": "3d0c6a8e-5b1f-4c51-9d4a-2f1e0b7a6c03", "isEnabled": true, "value": "Coder.Member"}
]
JSON
    client_id=$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg \
      --enable-id-token-issuance true --app-roles @"$roles" --query appId -o tsv)
    echo "Created the Entra app registration $name ($client_id)."
  fi
  azd env set AZURE_AUTH_CLIENT_ID "$client_id"
fi

# api://<client id> is the audience the Bicep's authsettingsV2 accepts.
az ad app update --id "$client_id" --identifier-uris "api://$client_id"

if [ -n "${AZURE_FUNCTION_APP_URL:-}" ] && [ -n "${AZURE_APP_IDENTITY_PRINCIPAL_ID:-}" ] && [ -n "${AZURE_TENANT_ID:-}" ]; then
  az ad app update --id "$client_id" --web-redirect-uris "$AZURE_FUNCTION_APP_URL/.auth/login/aad/callback"
  existing=$(az ad app federated-credential list --id "$client_id" --query "[?name=='coder-app-identity'].name" -o tsv)
  if [ -z "$existing" ]; then
    az ad app federated-credential create --id "$client_id" --parameters "{
      \"name\": \"coder-app-identity\",
      \"issuer\": \"https://login.microsoftonline.com/$AZURE_TENANT_ID/v2.0\",
      \"subject\": \"$AZURE_APP_IDENTITY_PRINCIPAL_ID\",
      \"audiences\": [\"api://AzureADTokenExchange\"]
    }" >/dev/null
    echo "The app's managed identity now signs in for $name (federated credential, no client secret)."
  fi
fi
