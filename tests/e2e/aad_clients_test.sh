#!/usr/bin/env bash
# Unmodified real clients against cmgemu's Entra ID: MSAL Python (client credentials and ROPC,
# tenant and /adfs authorities, instance discovery off), PyJWT verifying the tokens from the
# JWKS, @azure/identity ClientSecretCredential and jose (also with the issuer taken from the
# discovery document); a wrong secret must surface as AADSTS7000215 in each client's own error
# type.
# usage: aad_clients_test.sh CMGEMU_BINARY PKI_DIR SOURCE_DIR
set -euo pipefail
CMGEMU="$1"
PKI="$2"
SRC="$3"
PY=/usr/bin/python3  # Debian's python3-msal / python3-jwt live there
source "$(dirname "${BASH_SOURCE[0]}")/serve_lib.sh"

[ -d "$SRC/tests/clients/node_modules" ] || fail "npm packages missing: run 'npm ci --prefix tests/clients'"
TENANT=72f988bf-0000-4000-8000-00000000c0de
APP=11111111-2222-4333-8444-555555555555
SECRET=e2e-s3cret-value
CLI_APP=04b07795-8ddb-461a-bbee-02f9e1bf7b46
ARM=https://management.azure.com

LISTEN=()
# MSAL Python's user-realm lookup before ROPC on a tenant authority always goes to port 443
# (msal/authority.py, emulator/aad/README.md Sources [S1]); as root the Entra ID listener can
# take that port.
if [ "$(id -u)" -eq 0 ] && ! (exec 3<>/dev/tcp/127.0.0.1/443) 2>/dev/null; then
  LISTEN=(--listen aad=443)
fi
start_serve --pki "$PKI" --lab "$SRC/tests/e2e/fixtures/aad-clients.json" "${LISTEN[@]}"
field() { ready_field "$1"; }
CA="$(field "d['ca']")"
AAD="$(field "d['endpoints']['aad']['url']")"
export REQUESTS_CA_BUNDLE="$CA" NODE_EXTRA_CA_CERTS="$CA"

check() {  # check NAME JSON PYTHON-EXPRESSION-over-r
  echo "$2" | $PY -c "import json,sys; r=json.load(sys.stdin); sys.exit(0 if ($3) else 1)" ||
    fail "$1: $2"
  echo "ok   $1"
}

msal() { $PY "$SRC/tests/e2e/clients/msal_client.py" "$@"; }
V1ISS="https://sts.windows.net/$TENANT/"
V2ISS="https://login.microsoftonline.com/$TENANT/v2.0"
V2API=api://cmgemu-e2e-v2
V2API_ID=22222222-3333-4444-8555-666666666666

OUT="$(msal --authority "$AAD/$TENANT" --client-id "$APP" --secret "$SECRET" \
  --scope "$ARM/.default" --jwks "$AAD/$TENANT/discovery/v2.0/keys" --audience "$ARM" --issuer "$V1ISS")"
check "MSAL client credentials, tenant authority" "$OUT" \
  "r['ok'] and r['claims']['appid']=='$APP' and r['claims']['tid']=='$TENANT' and r['claims']['idtyp']=='app'"

# A validator taking the issuer from discovery accepts the tokens: v1 tokens (ARM) against the
# v1 document, v2 tokens (an API with accessTokenAcceptedVersion 2) against the v2 document.
OUT="$(msal --authority "$AAD/$TENANT" --client-id "$APP" --secret "$SECRET" \
  --scope "$ARM/.default" --jwks "$AAD/$TENANT/discovery/keys" --audience "$ARM" \
  --issuer "$AAD/$TENANT/.well-known/openid-configuration")"
check "PyJWT, v1 token, issuer from the v1 discovery document" "$OUT" \
  "r['ok'] and r['claims']['iss']=='$V1ISS'"
OUT="$(msal --authority "$AAD/$TENANT" --client-id "$APP" --secret "$SECRET" \
  --scope "$V2API/.default" --jwks "$AAD/$TENANT/discovery/v2.0/keys" --audience "$V2API_ID" \
  --issuer "$AAD/$TENANT/v2.0/.well-known/openid-configuration")"
check "PyJWT, v2 token, issuer from the v2 discovery document" "$OUT" \
  "r['ok'] and r['claims']['ver']=='2.0' and r['claims']['iss']=='$V2ISS' and r['claims']['roles']==['Data.Read']"

OUT="$(msal --authority "$AAD/adfs" --client-id "$APP" --secret "$SECRET" \
  --scope "$ARM/.default" --jwks "$AAD/adfs/discovery/keys" --audience "$ARM" --issuer "$V1ISS")"
check "MSAL client credentials, /adfs authority" "$OUT" "r['ok'] and r['claims']['tid']=='$TENANT'"

OUT="$(msal --authority "$AAD/adfs" --client-id "$CLI_APP" --username admin@contoso.onmicrosoft.com \
  --password 'Adm1n-P@ss' --scope "$ARM/.default" --jwks "$AAD/adfs/discovery/keys" \
  --audience "$ARM" --issuer "$V1ISS")"
check "MSAL ROPC, /adfs authority" "$OUT" \
  "r['ok'] and r['claims']['upn']=='admin@contoso.onmicrosoft.com' and r['id_token_claims']['tid']=='$TENANT'"

if [ ${#LISTEN[@]} -gt 0 ]; then
  OUT="$(msal --authority "$AAD/$TENANT" --client-id "$CLI_APP" --username admin@contoso.onmicrosoft.com \
    --password 'Adm1n-P@ss' --scope "$ARM/.default" --jwks "$AAD/$TENANT/discovery/v2.0/keys" \
    --audience "$ARM" --issuer "$V1ISS")"
  check "MSAL ROPC, tenant authority" "$OUT" "r['ok'] and r['claims']['scp']"
else
  echo "skip MSAL ROPC on a tenant authority (needs port 443 as root)"
fi

OUT="$(msal --authority "$AAD/$TENANT" --client-id "$APP" --secret wrong-secret \
  --scope "$ARM/.default" --jwks x --audience x --issuer x)"
check "MSAL wrong secret -> AADSTS7000215" "$OUT" \
  "(not r['ok']) and r['error']=='invalid_client' and 7000215 in r['error_codes']"

# Graph creates an application, its service principal and a secret; the secret then works at
# the token endpoint.
GRAPH="$(field "d['endpoints']['graph']['url']")"
ADMIN="$(field "d['admin']")"
GRAPH_TOKEN="$(msal --authority "$AAD/$TENANT" --client-id "$APP" --secret "$SECRET" \
  --scope "https://graph.microsoft.com/.default" --jwks "$AAD/$TENANT/discovery/v2.0/keys" \
  --audience https://graph.microsoft.com --issuer "$V1ISS" --print-token |
  $PY -c "import json,sys; print(json.load(sys.stdin)['access_token'])")"
gpost() { curl -sS --fail-with-body --cacert "$CA" -H "Authorization: Bearer $GRAPH_TOKEN" \
  -H "Content-Type: application/json" -d "$2" "$GRAPH/v1.0/$1"; }
NEW_APP="$(gpost applications '{"displayName":"made by graph"}')" || fail "Graph create app: $NEW_APP"
NEW_ID="$(echo "$NEW_APP" | $PY -c "import json,sys; print(json.load(sys.stdin)['id'])")"
NEW_APPID="$(echo "$NEW_APP" | $PY -c "import json,sys; print(json.load(sys.stdin)['appId'])")"
gpost servicePrincipals "{\"appId\":\"$NEW_APPID\"}" >/dev/null || fail "Graph create service principal"
NEW_SECRET="$(gpost "applications/$NEW_ID/addPassword" '{"passwordCredential":{"displayName":"e2e"}}' |
  $PY -c "import json,sys; print(json.load(sys.stdin)['secretText'])")" || fail "Graph addPassword"
OUT="$(msal --authority "$AAD/$TENANT" --client-id "$NEW_APPID" --secret "$NEW_SECRET" \
  --scope "$ARM/.default" --jwks "$AAD/$TENANT/discovery/v2.0/keys" --audience "$ARM" --issuer "$V1ISS")"
check "Graph-created app and secret work at the token endpoint" "$OUT" \
  "r['ok'] and r['claims']['appid']=='$NEW_APPID'"

# After a key roll that removes the old key, tokens it signed no longer verify.
OLD_TOKEN="$(msal --authority "$AAD/$TENANT" --client-id "$APP" --secret "$SECRET" \
  --scope "$ARM/.default" --jwks "$AAD/$TENANT/discovery/v2.0/keys" --audience "$ARM" \
  --issuer "$V1ISS" --print-token | $PY -c "import json,sys; print(json.load(sys.stdin)['access_token'])")"
curl -sS --fail --cacert "$CA" -X POST -H "Content-Type: application/json" \
  -d '{"remove_old":true}' "$ADMIN/actions/aad.keys.roll" >/dev/null || fail "roll keys"
OUT="$(msal --verify "$OLD_TOKEN" --jwks "$AAD/$TENANT/discovery/v2.0/keys" --audience "$ARM" --issuer "$V1ISS")"
check "PyJWT refuses a token whose key was rolled out" "$OUT" "not r['ok']"
OUT="$(msal --authority "$AAD/$TENANT" --client-id "$APP" --secret "$SECRET" \
  --scope "$ARM/.default" --jwks "$AAD/$TENANT/discovery/v2.0/keys" --audience "$ARM" --issuer "$V1ISS")"
check "a token from the new key verifies" "$OUT" "r['ok']"

node() { command node "$SRC/tests/clients/identity_client.mjs" "$@"; }
# msal-node drops a default port from the authority: give it the URL as a browser would write it.
AAD="${AAD%:443}"
OUT="$(node "$AAD" "$TENANT" "$APP" "$SECRET" "$ARM/.default" \
  "$AAD/$TENANT/discovery/v2.0/keys" "$ARM" "$V1ISS")"
check "@azure/identity ClientSecretCredential + jose" "$OUT" \
  "r['ok'] and r['claims']['appid']=='$APP'"
OUT="$(node "$AAD" "$TENANT" "$APP" "$SECRET" "$V2API/.default" \
  "$AAD/$TENANT/discovery/v2.0/keys" "$V2API_ID" "$AAD/$TENANT/v2.0/.well-known/openid-configuration")"
check "@azure/identity + jose jwtVerify, v2 token, issuer from the v2 discovery document" "$OUT" \
  "r['ok'] and r['claims']['ver']=='2.0' and r['claims']['iss']=='$V2ISS' and r['claims']['azp']=='$APP'"

# @azure/identity 4.13 wraps every MSAL ServerError, this one included, in
# AuthenticationRequiredError (dist/esm/msal/utils.js handleMsalError).
OUT="$(node "$AAD" "$TENANT" "$APP" wrong "$ARM/.default" x x x)"
check "@azure/identity wrong secret -> AADSTS7000215" "$OUT" \
  "(not r['ok']) and r['name']=='AuthenticationRequiredError' and r['message'].startswith('invalid_client') and 'AADSTS7000215' in r['message']"

echo "aad real clients: all checks passed"
