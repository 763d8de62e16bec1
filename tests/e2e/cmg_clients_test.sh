#!/usr/bin/env bash
# Unmodified real clients against the CMG of `cmgemu serve --lab scenarios/examples/cmg-serve-lab.json`:
# curl with the lab client certificate through CCM_Proxy_MutualAuth (the MP list), curl without
# it (403 CMGConnector_Clientcertificaterequired on the status line) and without a token on
# CCM_Proxy_ServerAuth (401 CMGService_Invalid_Token), openssl s_client verifying the wizard's
# certificate chain for the service name, then a bulk token from the admin API and the
# independent Python client (tests/e2e/clients/ccm_register.py) registering through the CMG and
# fetching its policy assignments; the stock sqlite3 shell, after the documented ATTACH, finds
# exactly that one client in v_R_System, and `cmgemu site cmg connection_analyzer` passes on the
# saved lab.
# usage: cmg_clients_test.sh CMGEMU_BINARY PKI_DIR SOURCE_DIR
set -euo pipefail
CMGEMU="$1"
PKI="$2"
SRC="$3"
PY=/usr/bin/python3
NAME=cmg.contoso.com
source "$(dirname "${BASH_SOURCE[0]}")/serve_lib.sh"
STATE="$WORK/state"

# The lab file lists the CMG's server certificate (lab.pki.cmg_certificates); serve issues it.
start_serve --pki "$PKI" --state "$STATE" --lab "$SRC/scenarios/examples/cmg-serve-lab.json"
field() { ready_field "$1"; }
CA="$(field "d['ca']")"
ADMIN="$(field "d['admin']")"
TOKEN="$(field "d.get('admin_token') or ''")"
CMG_URL="$(field "d['endpoints']['cmg-$NAME']['url']")" || fail "no CMG endpoint: $(cat "$WORK/ready.json")"
PORT="${CMG_URL##*:}"
BASE="https://$NAME:$PORT"
RESOLVE=(--resolve "$NAME:$PORT:127.0.0.1" --cacert "$CA")
CERT=(--cert "$PKI/client.pem" --key "$PKI/client.key")
ok() { echo "ok   $1"; }

# serve prints a ready-to-paste curl line for the CMG.
grep -qF "curl --resolve $NAME:$PORT:127.0.0.1 --cacert $CA $BASE/CCM_Proxy_ServerAuth/ServiceMetadata" \
  "$WORK/serve.log" || fail "serve did not print the CMG's curl line: $(cat "$WORK/serve.log")"
ok "serve prints the curl --resolve line"

admin() {  # admin ACTION JSON-ARGS -> the action's reply (JSON)
  local auth=()
  [ -n "$TOKEN" ] && auth=(-H "Authorization: Bearer $TOKEN")
  curl -sS --fail-with-body --cacert "$CA" "${auth[@]}" -X POST -H "Content-Type: application/json" \
    -d "$2" "$ADMIN/actions/$1"
}
QUERY="SELECT [MutualAuthPath] FROM [dbo].[vProxy_Roles] Where [RoleTypeID] = '6'"
PATH_JSON="$(admin site.sql "$($PY -c 'import json,sys; print(json.dumps({"query": sys.argv[1]}))' "$QUERY")")" ||
  fail "site.sql: $PATH_JSON"
MUTUAL="$(echo "$PATH_JSON" | $PY -c "import json,sys; print(json.load(sys.stdin)['output']['rows'][0]['MutualAuthPath'])")"
ROLE="${MUTUAL##*/}"
[ "$MUTUAL" = "$NAME/CCM_Proxy_MutualAuth/$ROLE" ] || fail "MutualAuthPath: $MUTUAL"
ok "vProxy_Roles publishes $MUTUAL"

# 1. MutualAuth with the lab client certificate: the MP list through CMG -> CP -> MP.
curl -sS --fail "${RESOLVE[@]}" "${CERT[@]}" -A ccmhttp \
  "$BASE/CCM_Proxy_MutualAuth/$ROLE/SMS_MP/.sms_aut?MPLIST" >"$WORK/mplist.xml" ||
  fail "MPLIST with a client certificate"
grep -q '^<MPList>' "$WORK/mplist.xml" || fail "not an MP list: $(cat "$WORK/mplist.xml")"
grep -qi 'FQDN="cm01.contoso.com"' "$WORK/mplist.xml" || fail "MP missing: $(cat "$WORK/mplist.xml")"
ok "MutualAuth MPLIST with the client certificate"

# 2. The same without a certificate: 403 with the CMG's reason phrase on the status line.
code="$(curl -s -o /dev/null -w '%{http_code}' "${RESOLVE[@]}" \
  "$BASE/CCM_Proxy_MutualAuth/$ROLE/SMS_MP/.sms_aut?MPLIST")"
[ "$code" = 403 ] || fail "MutualAuth without a certificate: $code"
curl -sv -o /dev/null "${RESOLVE[@]}" "$BASE/CCM_Proxy_MutualAuth/$ROLE/SMS_MP/.sms_aut?MPLIST" \
  2>"$WORK/nocert.err" || true
grep -qE '^< HTTP/1\.1 403 CMGConnector_Clientcertificaterequired' "$WORK/nocert.err" ||
  fail "status line: $(grep '^< HTTP' "$WORK/nocert.err")"
ok "403 CMGConnector_Clientcertificaterequired without a certificate"

# 3. ServerAuth without a token: 401 CMGService_Invalid_Token.
code="$(curl -s -o /dev/null -w '%{http_code}' "${RESOLVE[@]}" \
  "$BASE/CCM_Proxy_ServerAuth/$ROLE/SMS_MP/.sms_aut?MPLIST")"
[ "$code" = 401 ] || fail "ServerAuth without a token: $code"
curl -sv -o /dev/null "${RESOLVE[@]}" "$BASE/CCM_Proxy_ServerAuth/$ROLE/SMS_MP/.sms_aut?MPLIST" \
  2>"$WORK/notoken.err" || true
grep -qE '^< HTTP/1\.1 401 CMGService_Invalid_Token' "$WORK/notoken.err" ||
  fail "status line: $(grep '^< HTTP' "$WORK/notoken.err")"
ok "401 CMGService_Invalid_Token without a token"

# 4. openssl s_client verifies the wizard's certificate chain for the service name.
echo | openssl s_client -connect "127.0.0.1:$PORT" -servername "$NAME" -verify_return_error \
  -verify_hostname "$NAME" -CAfile "$CA" >"$WORK/sclient.out" 2>&1 ||
  fail "s_client: $(tail -5 "$WORK/sclient.out")"
grep -q "Verify return code: 0 (ok)" "$WORK/sclient.out" || fail "s_client verify result"
grep -q "CN *= *$NAME" "$WORK/sclient.out" || fail "s_client: not the CMG's certificate"
# The certificate served is the one of the wizard's .pfx (cmg-<name>.pem in the PKI folder).
SERVED="$(openssl s_client -connect "127.0.0.1:$PORT" -servername "$NAME" -CAfile "$CA" </dev/null \
  2>/dev/null | openssl x509 -noout -fingerprint -sha1)"
EXPECTED="$(openssl x509 -in "$PKI/cmg-$NAME.pem" -noout -fingerprint -sha1)"
[ "$SERVED" = "$EXPECTED" ] || fail "served $SERVED, the wizard's certificate is $EXPECTED"
ok "openssl s_client verifies the CMG's chain"

# 5. A bulk token, then the independent client registers through the CMG.
BULK_JSON="$(admin site.bulk_token.new '{"lifetime_minutes": 60}')" || fail "bulk token: $BULK_JSON"
BULK="$(echo "$BULK_JSON" | $PY -c "import json,sys; print(json.load(sys.stdin)['output']['token'])")"
$PY "$SRC/tests/e2e/clients/ccm_register.py" --port "$PORT" --server-name "$NAME" --ca "$CA" \
  --role-id "$ROLE" --bulk-token "$BULK" --client CLIENT01 >"$WORK/register.out" 2>&1 ||
  fail "ccm_register.py: $(cat "$WORK/register.out")"
SMSID="$(sed -n 's/^SMSID \(GUID:[0-9A-F-]\{36\}\)$/\1/p' "$WORK/register.out")"
[ -n "$SMSID" ] || fail "no SMSID: $(cat "$WORK/register.out")"
grep -q '^Policy ' "$WORK/register.out" || fail "no policy: $(cat "$WORK/register.out")"
ok "ccm_register.py registered $SMSID and got its policy assignments"

# 6. Exactly one client row, read by the stock sqlite3 shell after the documented ATTACH.
stop_serve
ROWS="$(sqlite3 :memory: "ATTACH '$STATE/CM_P01.db' AS dbo;" \
  "SELECT [Name0], [SMS_Unique_Identifier0] FROM [dbo].[v_R_System]")"
[ "$ROWS" = "CLIENT01|$SMSID" ] || fail "v_R_System: '$ROWS' (expected CLIENT01|$SMSID)"
ok "v_R_System holds exactly the registered client"

# 7. The console's connection analyzer on the saved lab, from the command line.
"$CMGEMU" site --state "$STATE" --pki "$PKI" cmg connection_analyzer cmg=$NAME \
  auth=client_certificate certificate=client --json >"$WORK/analyzer.json" ||
  fail "cmgemu site cmg connection_analyzer: $(cat "$WORK/analyzer.json")"
$PY - "$WORK/analyzer.json" <<'PY' || fail "analyzer: $(cat "$WORK/analyzer.json")"
import json, sys
out = json.load(open(sys.argv[1]))
checks = out["checks"]
assert len(checks) == 6 and all(c["result"] == "pass" for c in checks), checks
assert out["passed"] == 6, out
PY
ok "cmgemu site cmg connection_analyzer: six checks pass"
echo "cmg clients: all checks passed"
