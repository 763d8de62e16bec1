#!/usr/bin/env bash
# `cmgemu site` (and `cmgemu run --state`) on a saved lab, then stock tools on what it wrote:
# the Azure Services wizard, the CMG wizard (deployed through the emulated ARM), CMG traffic on
# the MP, the seed's T-SQL query verbatim in `cmgemu site sql` and in the stock sqlite3 shell
# after the documented ATTACH, and BulkRegistrationTokenTool.exe /new whose JWT PyJWT verifies
# against the SMS Token Signing Certificate (openssl checks that certificate's thumbprint
# against the header's x5t).
# usage: site_cli_test.sh CMGEMU_BINARY SOURCE_DIR
set -euo pipefail
CMGEMU="$1"
SRC="$2"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
STATE="$WORK/lab"
LAB="$SRC/tests/e2e/fixtures/site-lab.json"
QUERY="SELECT [MutualAuthPath] FROM [dbo].[vProxy_Roles] Where [RoleTypeID] = '6'"
site() { "$CMGEMU" site --state "$STATE" "$@"; }

# A state folder is seeded once, by the first command that names --lab.
set +e
site sql "SELECT 1" >"$WORK/out" 2>&1
code=$?
set -e
[ "$code" = 2 ] || fail "a state folder without a lab must be refused (exit $code)"
grep -q "give --lab FILE the first time" "$WORK/out" || fail "$(cat "$WORK/out")"

site --lab "$LAB" azure_services configure signed_in_as=admin@contoso.onmicrosoft.com \
  web_app.create=true web_app.name=CMG-ServerApp client_app.create=true \
  client_app.name=CMG-ClientApp user_discovery=true >"$WORK/azure.txt" ||
  fail "azure services: $(cat "$WORK/azure.txt")"
site cmg create signed_in_as=admin@contoso.onmicrosoft.com \
  certificate.pfx=cmg-cmg.contoso.com.pfx certificate.password=cmgemu region=japaneast \
  resource_group.create=true resource_group.name=cmg-rg 'vm_size=Lab (B2s)' instances=1 \
  wait_for=Ready --json >"$WORK/cmg.json" || fail "cmg create: $(cat "$WORK/cmg.json")"
grep -q '"status": "Ready"' "$WORK/cmg.json" || fail "CMG not Ready: $(cat "$WORK/cmg.json")"
site cmg status cmg=cmg.contoso.com --json | grep -q '"status": "Ready"' ||
  fail "the CMG status did not persist"
site roles allow_cmg_traffic \
  'roles=[{"role":"management_point","server":"cm01.contoso.com","client_connections":"internet_only"}]' \
  >/dev/null || fail "allow CMG traffic"

# The seed's query, verbatim, through cmgemu and through the stock shell.
site sql "$QUERY" >"$WORK/sql.txt" || fail "site sql: $(cat "$WORK/sql.txt")"
EXPECTED="cmg.contoso.com/CCM_Proxy_MutualAuth/72057594037927939"
[ "$(sed -n 1p "$WORK/sql.txt")" = "MutualAuthPath" ] || fail "header: $(cat "$WORK/sql.txt")"
[ "$(sed -n 2p "$WORK/sql.txt")" = "$EXPECTED" ] || fail "cmgemu site sql: $(cat "$WORK/sql.txt")"
[ "$(sed -n 3p "$WORK/sql.txt")" = "(1 row affected)" ] || fail "count: $(cat "$WORK/sql.txt")"
shell=$(sqlite3 :memory: "ATTACH '$STATE/CM_P01.db' AS dbo;" "$QUERY")
[ "$shell" = "$EXPECTED" ] || fail "sqlite3: '$shell'"
# Writes from users are refused.
if site sql "DELETE FROM [dbo].[SC_SysResUse]" >"$WORK/w.txt" 2>&1; then
  fail "a DELETE was accepted"
fi
grep -q "read-only" "$WORK/w.txt" || fail "write refusal: $(cat "$WORK/w.txt")"

# BulkRegistrationTokenTool.exe, with the tool's own syntax.
site bulkregistrationtokentool.exe /new >"$WORK/tool.txt" || fail "tool: $(cat "$WORK/tool.txt")"
TOKEN=$(grep -oE '[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+' "$WORK/tool.txt" | tail -1)
[ -n "$TOKEN" ] || fail "no token in: $(cat "$WORK/tool.txt")"
if site bulkregistrationtokentool.exe /new /lifetime 10081 >"$WORK/long.txt" 2>&1; then
  fail "/lifetime 10081 was accepted"
fi
CERT="$STATE/pki/site-P01-token-signing.crt"
[ -f "$CERT" ] || fail "no token-signing certificate at $CERT"
THUMB=$(openssl x509 -in "$CERT" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')
TOKEN="$TOKEN" CERT="$CERT" THUMB="$THUMB" /usr/bin/python3 - <<'PY' || fail "token check"
import base64, binascii, json, os, jwt
from cryptography import x509
token, thumb = os.environ["TOKEN"], os.environ["THUMB"]
cert = x509.load_pem_x509_certificate(open(os.environ["CERT"], "rb").read())
header = jwt.get_unverified_header(token)
assert header["alg"] == "RS256" and header["typ"] == "JWT", header
x5t = base64.urlsafe_b64decode(header["x5t"] + "=" * (-len(header["x5t"]) % 4))
assert binascii.hexlify(x5t).decode().upper() == thumb, (header, thumb)
claims = jwt.decode(token, cert.public_key(), algorithms=["RS256"], audience="urn:sccm:service",
                    options={"verify_exp": False, "verify_nbf": False})
for key, value in {"SCCMTokenCategory": "SCCMPreAuthToken", "Authority": "SCCM",
                   "License": "SCCM", "Type": "BulkRegistration"}.items():
    assert claims[key] == value, (key, claims)
assert claims["iss"] == "urn:sccm:oauth2:" + claims["TenantId"].lower(), claims
assert claims["exp"] - claims["nbf"] == 4320 * 60, claims
print("token ok", claims["UniqueId"])
PY
GUID=$(grep -oiE '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' "$WORK/tool.txt" | head -1)
sqlite3 :memory: "ATTACH '$STATE/CM_P01.db' AS dbo;" \
  "SELECT count(*) FROM dbo.BulkRegistrationTokens WHERE lower(TokenGUID) = lower('$GUID')" |
  grep -qx 1 || fail "token $GUID not recorded in the site database"

# Identifiers come from the --lab file's seed (7 here) unless --seed overrides it: a fresh lab
# with no --seed matches one with --seed 7 (same token GUID and claims; each state folder has
# its own signing keys), and differs from one with --seed 8.
fresh_token() {
  "$CMGEMU" site --state "$WORK/$1" --lab "$LAB" "${@:2}" bulkregistrationtokentool.exe /new |
    sed -E 's/^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/claims: \2/'
}
fresh_token seeded-by-file >"$WORK/t-file.txt"
fresh_token seeded-7 --seed 7 >"$WORK/t-7.txt"
fresh_token seeded-8 --seed 8 >"$WORK/t-8.txt"
grep -q "^claims: " "$WORK/t-file.txt" || fail "no token in: $(cat "$WORK/t-file.txt")"
cmp -s "$WORK/t-file.txt" "$WORK/t-7.txt" || fail "the lab file's seed was not used"
if cmp -s "$WORK/t-file.txt" "$WORK/t-8.txt"; then fail "--seed did not override the file's seed"; fi
# `cmgemu run --state DIR` keeps what the seed scenario built: the README's query in the stock
# shell prints the CMG URL; a folder that already holds a lab is refused (exit 2).
( cd "$WORK" && "$CMGEMU" run "$SRC/scenarios/lab-site-token.json" --state run-lab \
    --pki "$WORK/run-pki" >"$WORK/run.txt" ) || fail "run --state: $(tail -5 "$WORK/run.txt")"
shell=$(sqlite3 :memory: "ATTACH '$WORK/run-lab/CM_P01.db' AS dbo;" "$QUERY")
[ "$shell" = "$EXPECTED" ] || fail "run --state, sqlite3: '$shell'"
set +e
"$CMGEMU" run "$SRC/scenarios/lab-site-token.json" --state "$WORK/run-lab" \
  >"$WORK/again.txt" 2>&1
code=$?
set -e
[ "$code" = 2 ] || fail "a state folder holding a lab must be refused by run (exit $code)"
grep -q "already holds a lab" "$WORK/again.txt" || fail "$(cat "$WORK/again.txt")"
echo "site CLI e2e: ok"
