#!/usr/bin/env bash
# Unmodified real clients against cmgemu's Azure Resource Manager: the Azure CLI 2.45 (custom
# cloud, /adfs authority, service-principal login, providers, groups, a JSONC template
# deployment, az rest on a scale set, the errors az must surface), the Python SDK
# (azure-identity + azure-mgmt-resource), the JS SDK (@azure/identity + @azure/arm-resources)
# and curl for the token refusals (wrong audience, no role, expired).
# usage: arm_clients_test.sh CMGEMU_BINARY PKI_DIR SOURCE_DIR
set -euo pipefail
CMGEMU="$1"
PKI="$2"
SRC="$3"
PY=/usr/bin/python3  # Debian's python3-azure lives there
source "$(dirname "${BASH_SOURCE[0]}")/serve_lib.sh"

command -v az >/dev/null || fail "the Azure CLI (Debian package azure-cli) is not installed"
[ -d "$SRC/tests/clients/node_modules/@azure/arm-resources" ] ||
  fail "npm packages missing: run 'npm ci --prefix tests/clients'"
FIXTURES="$SRC/tests/e2e/fixtures"
TEMPLATE="$FIXTURES/arm-template-storage-pip.json"
TENANT=72f988bf-0000-4000-8000-00000000c0de
APP=22222222-3333-4444-8555-666666666666
SECRET=arm-e2e-s3cret
NOROLE_APP=33333333-4444-4555-8666-777777777777
NOROLE_SECRET=no-role-s3cret
SUB=5f0c6a7e-1b2d-4c3e-8f4a-9b8c7d6e5f40
LOC=japaneast

start_serve --pki "$PKI" --lab "$FIXTURES/arm-clients.json"
field() { ready_field "$1"; }
CA="$(field "d['ca']")"
AAD="$(field "d['endpoints']['aad']['url']")"
ARM="$(field "d['endpoints']['arm']['url']")"
ADMIN="$(field "d['admin']")"
AAD="${AAD%/}"
ARM="${ARM%/}"
export REQUESTS_CA_BUNDLE="$CA" NODE_EXTRA_CA_CERTS="$CA"
export AZURE_CONFIG_DIR="$WORK/az" AZURE_CORE_COLLECT_TELEMETRY=false
mkdir -p "$AZURE_CONFIG_DIR"

check() {  # check NAME JSON PYTHON-EXPRESSION-over-r
  echo "$2" | $PY -c "import json,sys; r=json.load(sys.stdin); sys.exit(0 if ($3) else 1)" ||
    fail "$1: $2"
  echo "ok   $1"
}
azok() {  # azok NAME ARGS... -> az's stdout; fails the test with az's output if az fails
  local name="$1"
  shift
  az "$@" >"$WORK/az.out" 2>"$WORK/az.err" ||
    fail "$name: az $* exited non-zero:
$(cat "$WORK/az.out" "$WORK/az.err")"
  cat "$WORK/az.out"
}
azfails() {  # azfails NAME CODE ARGS...: az must fail and name CODE in its stderr
  local name="$1" code="$2"
  shift 2
  if az "$@" >"$WORK/az.out" 2>"$WORK/az.err"; then
    fail "$name: az $* succeeded:
$(cat "$WORK/az.out")"
  fi
  grep -q "$code" "$WORK/az.err" || fail "$name: no $code in az's error:
$(cat "$WORK/az.err")"
  echo "ok   $name"
}
admin_action() {  # admin_action NAME JSON-ARGS
  curl -sS --fail-with-body --cacert "$CA" -X POST -H "Content-Type: application/json" \
    -d "$2" "$ADMIN/actions/$1" >"$WORK/admin.out" || fail "admin action $1: $(cat "$WORK/admin.out")"
}

# ---- 1. Azure CLI 2.45 ----------------------------------------------------------------------
register_cloud() {  # the recipe in README.md ("Azure CLI and SDKs"), in $AZURE_CONFIG_DIR
  azok "az cloud register" cloud register -n cmgemu \
    --endpoint-resource-manager "$ARM/" \
    --endpoint-active-directory "$AAD/adfs" \
    --endpoint-active-directory-resource-id https://management.core.windows.net/ \
    --endpoint-active-directory-graph-resource-id https://graph.windows.net/ \
    --suffix-storage-endpoint core.windows.net --suffix-keyvault-dns .vault.azure.net >/dev/null
  azok "az cloud set" cloud set -n cmgemu >/dev/null
}
register_cloud
OUT="$(azok "az login" login --service-principal -u "$APP" -p "$SECRET" --tenant "$TENANT")"
check "az login --service-principal (/adfs authority)" "$OUT" \
  "len(r)==1 and r[0]['id']=='$SUB' and r[0]['state']=='Enabled' and r[0]['user']['type']=='servicePrincipal'"
OUT="$(azok "az account show" account show)"
check "az account show" "$OUT" \
  "r['id']=='$SUB' and r['tenantId']=='$TENANT' and r['name']=='CMG lab subscription' and r['environmentName']=='cmgemu'"

OUT="$(azok "az provider list" provider list --query "[].{n:namespace,s:registrationState}")"
check "az provider list: the CMG providers and their lab states" "$OUT" \
  "{p['n']:p['s'] for p in r}.items() >= {'Microsoft.Compute':'NotRegistered','Microsoft.Network':'Registered','Microsoft.Storage':'Registered','Microsoft.KeyVault':'NotRegistered'}.items()"

OUT="$(azok "az group create" group create -n cmg-rg -l "$LOC")"
check "az group create" "$OUT" \
  "r['id']=='/subscriptions/$SUB/resourceGroups/cmg-rg' and r['location']=='$LOC' and r['properties']['provisioningState']=='Succeeded'"
OUT="$(azok "az group show" group show -n cmg-rg)"
check "az group show" "$OUT" "r['name']=='cmg-rg' and r['type']=='Microsoft.Resources/resourceGroups'"
OUT="$(azok "az group list" group list)"
check "az group list (with the lab's group)" "$OUT" \
  "sorted(g['name'] for g in r)==['cmg-rg','lab-rg'] and [g['tags'] for g in r if g['name']=='lab-rg']==[{'env':'lab'}]"

# A scale set while Microsoft.Compute is not registered.
VMSS_URL="/subscriptions/$SUB/resourceGroups/cmg-rg/providers/Microsoft.Compute/virtualMachineScaleSets/cmg-vmss?api-version=2022-11-01"
cat >"$WORK/vmss.json" <<EOF
{"location": "$LOC",
 "sku": {"name": "Standard_B2s", "tier": "Standard", "capacity": 1},
 "properties": {
   "upgradePolicy": {"mode": "Manual"},
   "virtualMachineProfile": {
     "osProfile": {"computerNamePrefix": "cmg", "adminUsername": "cmgadmin",
                   "adminPassword": "N0t-a-real-P@ssw0rd"},
     "storageProfile": {"imageReference": {"publisher": "MicrosoftWindowsServer",
       "offer": "WindowsServer", "sku": "2022-datacenter", "version": "latest"}}}}}
EOF
azfails "az rest PUT scale set, Microsoft.Compute NotRegistered -> MissingSubscriptionRegistration" \
  MissingSubscriptionRegistration rest --method put --url "$VMSS_URL" --body "@$WORK/vmss.json"

# Registration: KeyVault with --wait (az polls every 10 s), Compute without.
azok "az provider register --wait" provider register -n Microsoft.KeyVault --wait >/dev/null
OUT="$(azok "az provider show" provider show -n Microsoft.KeyVault)"
check "az provider register -n Microsoft.KeyVault --wait -> Registered" "$OUT" \
  "r['namespace']=='Microsoft.KeyVault' and r['registrationState']=='Registered'"
azok "az provider register" provider register -n Microsoft.Compute >/dev/null
for _ in $(seq 1 20); do
  STATE="$(azok "az provider show" provider show -n Microsoft.Compute --query registrationState -o tsv)"
  [ "$STATE" = Registered ] && break
  sleep 0.5
done
[ "$STATE" = Registered ] || fail "Microsoft.Compute stayed $STATE"
echo "ok   az provider register -n Microsoft.Compute -> Registered"
azok "az provider unregister" provider unregister -n Microsoft.KeyVault >/dev/null
OUT="$(azok "az provider show" provider show -n Microsoft.KeyVault)"
check "az provider unregister -> Unregistering/Unregistered" "$OUT" \
  "r['registrationState'] in ('Unregistering','Unregistered')"
azfails "az rest PUT key vault after unregister -> MissingSubscriptionRegistration" \
  MissingSubscriptionRegistration rest --method put \
  --url "/subscriptions/$SUB/resourceGroups/cmg-rg/providers/Microsoft.KeyVault/vaults/cmg-kv-e2e?api-version=2022-07-01" \
  --body "{\"location\":\"$LOC\",\"properties\":{\"tenantId\":\"$TENANT\",\"sku\":{\"family\":\"A\",\"name\":\"standard\"},\"accessPolicies\":[]}}"

# A JSONC template (comments; az sends it with an unquoted "template" key).
OUT="$(azok "az deployment group create" deployment group create -g cmg-rg -n d1 \
  --template-file "$TEMPLATE" --parameters storageName=cmgstore01 dnsLabel=cmg-e2e-label)"
check "az deployment group create (JSONC template) -> Succeeded with outputs" "$OUT" \
  "r['properties']['provisioningState']=='Succeeded' and r['properties']['outputs']['fqdn']['value']=='cmg-e2e-label.$LOC.cloudapp.azure.com' and r['properties']['outputs']['blobEndpoint']['value']=='https://cmgstore01.blob.core.windows.net/'"
# az lists deployment operations under …/resourcegroups/{rg}/deployments/{name}/operations.
OUT="$(azok "az deployment operation group list" deployment operation group list -g cmg-rg -n d1)"
check "az deployment operation group list -> one Succeeded Create per resource" "$OUT" \
  "sorted(o['properties']['targetResource']['resourceName'] for o in r)==['cmgstore01','pip-cmg-e2e-label'] and all(o['properties']['provisioningState']=='Succeeded' and o['properties']['provisioningOperation']=='Create' for o in r)"
OUT="$(azok "az resource list" resource list -g cmg-rg)"
check "az resource list -g: both deployed resources" "$OUT" \
  "sorted((x['type'],x['name']) for x in r)==[('Microsoft.Network/publicIPAddresses','pip-cmg-e2e-label'),('Microsoft.Storage/storageAccounts','cmgstore01')]"

# The scale set through az rest (az vmss is broken in Debian's azure-cli 2.45; observed,
# emulator/arm/README.md Sources [S7]).
OUT="$(azok "az rest PUT scale set" rest --method put --url "$VMSS_URL" --body "@$WORK/vmss.json")"
check "az rest PUT scale set" "$OUT" \
  "r['name']=='cmg-vmss' and r['sku']['name']=='Standard_B2s' and r['sku']['capacity']==1"
for _ in $(seq 1 20); do
  OUT="$(azok "az rest GET scale set" rest --method get --url "$VMSS_URL")"
  STATE="$(echo "$OUT" | $PY -c "import json,sys; print(json.load(sys.stdin)['properties']['provisioningState'])")"
  [ "$STATE" = Succeeded ] && break
  sleep 0.5
done
check "az rest GET scale set -> Succeeded" "$OUT" \
  "r['properties']['provisioningState']=='Succeeded' and r['location']=='$LOC' and r['type']=='Microsoft.Compute/virtualMachineScaleSets' and 'adminPassword' not in json.dumps(r)"

# Errors az must surface with their codes.
azfails "az deployment with an invalid storage account name -> AccountNameInvalid" AccountNameInvalid \
  deployment group create -g cmg-rg -n bad-name --template-file "$TEMPLATE" \
  --parameters storageName=Not_Valid dnsLabel=cmg-other-label
admin_action arm.name.reserve '{"kind":"dns","name":"taken-label","region":"japaneast"}'
OUT="$(azok "az rest CheckDnsNameAvailability" rest --method get --url \
  "/subscriptions/$SUB/providers/Microsoft.Network/locations/$LOC/CheckDnsNameAvailability?api-version=2022-07-01&domainNameLabel=taken-label")"
check "az rest CheckDnsNameAvailability on a taken label -> available false" "$OUT" \
  "r['available'] is False"
azfails "az deployment with a DNS label taken outside the lab -> DnsRecordInUse" DnsRecordInUse \
  deployment group create -g cmg-rg -n dns-taken --template-file "$TEMPLATE" \
  --parameters storageName=cmgstore02 dnsLabel=taken-label
# What DeploymentFailed tells the user to do: list the operations, which name the failure.
OUT="$(azok "az deployment operation group list (failed)" deployment operation group list -g cmg-rg -n dns-taken)"
check "az deployment operation group list on the failed deployment -> DnsRecordInUse" "$OUT" \
  "[o['properties']['statusMessage']['error']['code'] for o in r if o['properties']['provisioningState']=='Failed']==['DnsRecordInUse']"

azok "az group delete" group delete -n cmg-rg --yes >/dev/null
OUT="$(azok "az group exists" group exists -n cmg-rg)"
[ "$OUT" = false ] || fail "az group exists after delete: $OUT"
echo "ok   az group delete; az group exists -> false"

# A user (co-administrator in the lab, so Owner) signs in with a password (ROPC on /adfs).
mkdir -p "$WORK/az-user"
AZURE_CONFIG_DIR="$WORK/az-user" register_cloud
OUT="$(AZURE_CONFIG_DIR="$WORK/az-user" azok "az login (user)" login \
  -u admin@contoso.onmicrosoft.com -p 'Adm1n-P@ss')"
check "az login -u/-p (user, /adfs authority)" "$OUT" \
  "len(r)==1 and r[0]['id']=='$SUB' and r[0]['user']=={'name':'admin@contoso.onmicrosoft.com','type':'user'}"
OUT="$(AZURE_CONFIG_DIR="$WORK/az-user" azok "az group list (user)" group list)"
check "az group list as the co-administrator" "$OUT" "[g['name'] for g in r]==['lab-rg']"

# ---- 2. Python SDK ---------------------------------------------------------------------------
OUT="$($PY "$SRC/tests/e2e/clients/arm_sdk_client.py" --authority "$AAD" --tenant "$TENANT" \
  --client-id "$APP" --secret "$SECRET" --arm "$ARM" --subscription "$SUB" --group sdk-rg \
  --location "$LOC" --template "$TEMPLATE" \
  --parameters '{"storageName":"cmgsdkstore","dnsLabel":"cmg-sdk-label"}')"
check "Python SDK: providers, group, deployment, resources, group delete" "$OUT" \
  "r['ok'] and r['providers']['Microsoft.Compute']=='Registered' and r['group']['location']=='$LOC' and r['deployment']['state']=='Succeeded' and r['deployment']['outputs']['fqdn']=='cmg-sdk-label.$LOC.cloudapp.azure.com' and [x['type'] for x in r['resources']]==['Microsoft.Network/publicIPAddresses','Microsoft.Storage/storageAccounts'] and r['exists_after_delete'] is False"

# ---- 3. JS SDK -------------------------------------------------------------------------------
# msal-node drops a default port from the authority (see aad_clients_test.sh).
OUT="$(command node "$SRC/tests/clients/arm_resources_client.mjs" "${AAD%:443}" "$TENANT" "$APP" \
  "$SECRET" "$ARM" "$SUB" js-rg "$LOC" "$TEMPLATE" '{"storageName":"cmgjsstore","dnsLabel":"cmg-js-label"}')"
check "JS SDK: providers, group, deployment, resources, group delete" "$OUT" \
  "r['ok'] and r['providers']['Microsoft.Storage']=='Registered' and r['group']['location']=='$LOC' and r['deployment']['state']=='Succeeded' and r['deployment']['outputs']['blobEndpoint']=='https://cmgjsstore.blob.core.windows.net/' and [x['type'] for x in r['resources']]==['Microsoft.Network/publicIPAddresses','Microsoft.Storage/storageAccounts'] and r['existsAfterDelete'] is False"

# ---- 4. Token refusals (curl) ----------------------------------------------------------------
token() {  # token CLIENT_ID SECRET SCOPE -> access token (client credentials, v2 endpoint)
  curl -sS --fail-with-body --cacert "$CA" --data-urlencode grant_type=client_credentials \
    --data-urlencode "client_id=$1" --data-urlencode "client_secret=$2" \
    --data-urlencode "scope=$3" "$AAD/$TENANT/oauth2/v2.0/token" >"$WORK/token.out" ||
    fail "token for $1 ($3): $(cat "$WORK/token.out")"
  $PY -c "import json; print(json.load(open('$WORK/token.out'))['access_token'])"
}
arm_get() {  # arm_get TOKEN PATH -> "STATUS BODY"
  local status
  status="$(curl -sS --cacert "$CA" -o "$WORK/arm.out" -w '%{http_code}' \
    -H "Authorization: Bearer $1" "$ARM$2")"
  echo "$status $(cat "$WORK/arm.out")"
}
expect_error() {  # expect_error NAME STATUS CODE "STATUS BODY"
  local status="${4%% *}" body="${4#* }"
  [ "$status" = "$2" ] || fail "$1: HTTP $status (expected $2): $body"
  check "$1" "$body" "r['error']['code']=='$3'"
}
GROUPS_PATH="/subscriptions/$SUB/resourcegroups?api-version=2021-04-01"

GRAPH_TOKEN="$(token "$APP" "$SECRET" https://graph.microsoft.com/.default)"
expect_error "a Microsoft Graph token -> 401 InvalidAuthenticationTokenAudience" 401 \
  InvalidAuthenticationTokenAudience "$(arm_get "$GRAPH_TOKEN" "$GROUPS_PATH")"
NOROLE_TOKEN="$(token "$NOROLE_APP" "$NOROLE_SECRET" https://management.azure.com/.default)"
expect_error "an app without a role reads a group -> 403 AuthorizationFailed" 403 AuthorizationFailed \
  "$(arm_get "$NOROLE_TOKEN" "/subscriptions/$SUB/resourcegroups/lab-rg?api-version=2021-04-01")"
REPLY="$(curl -sS --cacert "$CA" -o "$WORK/arm.out" -w '%{http_code}' -X PUT \
  -H "Authorization: Bearer $NOROLE_TOKEN" -H "Content-Type: application/json" \
  -d '{"location":"japaneast"}' "$ARM/subscriptions/$SUB/resourcegroups/norole-rg?api-version=2021-04-01")"
expect_error "an app without a role creates a group -> 403 AuthorizationFailed" 403 AuthorizationFailed \
  "$REPLY $(cat "$WORK/arm.out")"

OWNER_TOKEN="$(token "$APP" "$SECRET" https://management.core.windows.net//.default)"
REPLY="$(arm_get "$OWNER_TOKEN" "$GROUPS_PATH")"
[ "${REPLY%% *}" = 200 ] || fail "the owner's token before the clock moves: $REPLY"
echo "ok   the owner's token works before the clock moves"
curl -sS --fail-with-body --cacert "$CA" -X POST -H "Content-Type: application/json" \
  -d '{"by":"PT2H"}' "$ADMIN/clock/advance" >"$WORK/clock.out" ||
  fail "advance the clock: $(cat "$WORK/clock.out")"
expect_error "the same token 2 hours later -> 401 ExpiredAuthenticationToken" 401 \
  ExpiredAuthenticationToken "$(arm_get "$OWNER_TOKEN" "$GROUPS_PATH")"

echo "arm real clients: all checks passed"
