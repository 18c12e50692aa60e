#!/bin/sh
# azd hook (postdeploy): publishes the agent that aci and vm workspaces download from the control plane
# (GET /api/agent/binary/linux-x64, served from blob storage by BlobAgentBinaryStore) and uploads it with its SHA-256
# in the blob's `sha256` metadata, which every workspace bootstrap verifies before it runs the file.
# Signs in as the deploying user (--auth-mode login): the Bicep grants them Storage Blob Data Contributor on this
# container only (shared keys are off on the account).
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
account="${AZURE_STORAGE_ACCOUNT_NAME:?run through azd after azd provision}"
container="${AZURE_AGENT_BINARIES_CONTAINER:-agent-binaries}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Self-contained and single-file, so any linux-x64 image or VM runs it without a .NET runtime; trimmed (the agent is
# AOT-compatible, so trimming is safe). Native AOT would be smaller but needs clang on the deploying machine.
dotnet publish "$root/src/Coder.Agent" -c Release -r linux-x64 --self-contained \
  -p:PublishSingleFile=true -p:PublishTrimmed=true -o "$out" --nologo -v quiet
sha256=$(sha256sum "$out/coder-agent" | cut -d ' ' -f 1)

# A role assignment made by `azd provision` moments ago can take a few minutes to apply.
attempt=1
until az storage blob upload --auth-mode login --only-show-errors --account-name "$account" \
  --container-name "$container" --name linux-x64/coder-agent --file "$out/coder-agent" --overwrite \
  --content-type application/octet-stream --metadata "sha256=$sha256" >/dev/null; do
  if [ "$attempt" -ge 10 ]; then
    echo "Could not upload the agent to $account/$container. Check that you hold Storage Blob Data Contributor there." >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  echo "Upload refused; waiting for the role assignment to apply (attempt $attempt of 10)." >&2
  sleep 30
done
echo "Published the linux-x64 agent: $account/$container/linux-x64/coder-agent, sha256 $sha256."
