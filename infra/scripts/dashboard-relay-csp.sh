#!/bin/sh
# Run before `swa deploy` on the built page: the dashboard's Content-Security-Policy (staticwebapp.config.json beside
# index.html) lets the page open WebSockets to this deployment's relay namespace and nowhere else:
# wss://{AZURE_RELAY_NAMESPACE}.servicebus.windows.net, the relayUrl the connect answers name, which the Terminal tab
# dials. Static Web Apps' headers are fixed in that file, so the namespace is written into it here. Idempotent.
set -eu

dir="${1:?usage: dashboard-relay-csp.sh <built wwwroot>}"
namespace="${AZURE_RELAY_NAMESPACE:-$(azd env get-value AZURE_RELAY_NAMESPACE)}"
case "$namespace" in
  '' | *[!A-Za-z0-9-]*) echo "Not a relay namespace name: '$namespace' (set AZURE_RELAY_NAMESPACE, or run after azd provision)." >&2; exit 1 ;;
esac

config="$dir/staticwebapp.config.json"
origin="wss://$namespace.servicebus.windows.net"
sed -i "s|connect-src 'self'[^;\"]*|connect-src 'self' $origin|" "$config"
grep -q "connect-src 'self' $origin;" "$config" || { echo "$config has no connect-src to set." >&2; exit 1; }
echo "connect-src of $config: 'self' $origin"
