#!/usr/bin/env bash
# Real clients against `cmgemu serve`: curl, openssl s_client, openssl verify, and a restart on
# the same --state folder resuming the lab's virtual clock.
# usage: real_clients_test.sh CMGEMU_BINARY PKI_DIR
set -euo pipefail
CMGEMU="$1"
PKI="$2"
source "$(dirname "${BASH_SOURCE[0]}")/serve_lib.sh"

json_field() {  # json_field FILE KEY -> the first "KEY": "value" string in FILE
  sed -n "s/.*\"$2\": *\"\([^\"]*\)\".*/\1/p" "$1" | head -1
}

start_lab() { start_serve --pki "$PKI" --state "$WORK/state" --manual-clock; }
stop_lab() { stop_serve; }

start_lab
grep -q "admin" "$WORK/serve.log" || fail "serve did not print its endpoints"
CA="$(json_field "$WORK/ready.json" ca)"
ADMIN="$(json_field "$WORK/ready.json" admin)"
[ -f "$CA" ] || fail "ready file names no CA file"
HOSTPORT="$(echo "$ADMIN" | sed -E 's#https://([^/]+)/.*#\1#')"
PORT="${HOSTPORT##*:}"

# curl trusting only the lab CA.
curl -sS --fail --cacert "$CA" "$ADMIN/health" | grep -q '"status":"ok"' || fail "curl health"
# ... and curl refusing the rogue CA.
if curl -sS --cacert "$PKI/rogue-root-ca.pem" "$ADMIN/health" >/dev/null 2>&1; then
  fail "curl accepted a server certificate from an untrusted CA"
fi

# openssl s_client verifies the chain and the served name; fails with another CA.
echo | openssl s_client -connect "127.0.0.1:$PORT" -servername localhost -verify_return_error \
  -verify_hostname localhost -CAfile "$CA" >"$WORK/sclient.out" 2>&1 || fail "s_client with lab CA"
grep -q "Verify return code: 0 (ok)" "$WORK/sclient.out" || fail "s_client verify result"
if echo | openssl s_client -connect "127.0.0.1:$PORT" -servername localhost -verify_return_error \
  -CAfile "$PKI/rogue-root-ca.pem" >/dev/null 2>&1; then
  fail "s_client accepted the chain with a foreign CA"
fi

# openssl verify: the revoked fixture is revoked, the good server certificate is not.
openssl verify -crl_check -CAfile "$CA" -CRLfile "$PKI/cmgemu-lab-root-ca.crl" \
  "$PKI/server-azure.pem" | grep -q ": OK" || fail "good certificate not verified"
if openssl verify -crl_check -CAfile "$CA" -CRLfile "$PKI/cmgemu-lab-root-ca.crl" \
  "$PKI/bad-revoked.pem" >"$WORK/verify.out" 2>&1; then
  fail "revoked fixture verified"
fi
grep -q "certificate revoked" "$WORK/verify.out" || fail "revoked fixture failed for another reason"

# The CRL distribution point serves the same CRL over plain HTTP.
CRL_URL="$(sed -n '/"crl"/,/}/s/.*"url": *"\([^"]*\)".*/\1/p' "$WORK/ready.json")"
curl -sS --fail "$CRL_URL/pki/cmgemu-lab-root-ca.crl" -o "$WORK/crl.der" || fail "fetch CRL"
openssl crl -inform DER -in "$WORK/crl.der" -noout -text | grep -q "Serial Number" ||
  fail "served CRL lists no revoked certificate"

# A malformed request gets 400 and the server keeps answering.
printf 'NOT HTTP\r\n\r\n' | openssl s_client -quiet -connect "127.0.0.1:$PORT" \
  -servername localhost -CAfile "$CA" 2>/dev/null | head -1 | grep -q "400" || fail "malformed → 400"
curl -sS --fail --cacert "$CA" "$ADMIN/health" >/dev/null || fail "server stopped answering"

# Virtual time resumes after a restart on the same --state folder.
curl -sS --fail --cacert "$CA" -X POST "$ADMIN/clock/advance?by=5h" >/dev/null
BEFORE="$(curl -sS --cacert "$CA" "$ADMIN/clock" | sed -E 's/.*"now":"([^"]*)".*/\1/')"
stop_lab
start_lab
ADMIN="$(json_field "$WORK/ready.json" admin)"
AFTER="$(curl -sS --cacert "$CA" "$ADMIN/clock" | sed -E 's/.*"now":"([^"]*)".*/\1/')"
[ "$BEFORE" = "$AFTER" ] || fail "clock did not resume: $BEFORE then $AFTER"
stop_lab
echo "real clients: all checks passed"
