#!/usr/bin/env bash
# `cmgemu client` on a saved lab: the seed scenario builds the lab (`cmgemu run --state`), a new
# client machine is added and trusts the lab CA, and ccmsetup runs with the seed walkthrough's
# command line pasted verbatim (the bulk token from `cmgemu site bulkregistrationtokentool.exe
# /new` and the MutualAuth path from the seed's SQL query substituted); the client's logs are then
# read back by `cmgemu client logs` and checked by an independent CMTrace reader.
# usage: client_cli_test.sh CMGEMU_BINARY SOURCE_DIR
set -euo pipefail
CMGEMU="$1"
SRC="$2"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
STATE="$WORK/lab"
client() { "$CMGEMU" client --state "$STATE" --pki "$WORK/pki" "$@"; }

"$CMGEMU" run "$SRC/scenarios/lab-site-token.json" --state "$STATE" --pki "$WORK/pki" \
  >"$WORK/run.txt" || fail "seed scenario: $(tail -5 "$WORK/run.txt")"
grep -q "25 steps: 25 passed" "$WORK/run.txt" || fail "$(tail -3 "$WORK/run.txt")"
python3 "$SRC/tests/e2e/clients/cmtrace_check.py" "$STATE/logs/clients/client01" -540 ||
  fail "client01's logs"

"$CMGEMU" site --state "$STATE" --pki "$WORK/pki" bulkregistrationtokentool.exe /new \
  >"$WORK/tool.txt" || fail "token tool"
TOKEN=$(grep -E '^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$' "$WORK/tool.txt" | head -1)
[ -n "$TOKEN" ] || fail "no bulk token"
"$CMGEMU" site --state "$STATE" --pki "$WORK/pki" sql \
  "SELECT [MutualAuthPath] FROM [dbo].[vProxy_Roles] Where [RoleTypeID] = '6'" >"$WORK/sql.txt"
MUTUAL=$(sed -n 2p "$WORK/sql.txt")
[ "$MUTUAL" = "cmg.contoso.com/CCM_Proxy_MutualAuth/72057594037927939" ] || fail "path: $MUTUAL"

client add name=client02 time_zone_bias=-540 'folders=["C:\\ClientInstall"]' >/dev/null ||
  fail "add client02"
client install_root_ca client=client02 certificate=cmgemu-lab-root-ca.pem >/dev/null ||
  fail "install_root_ca"
# The seed's line, verbatim but for the token and the path (backslash and quotes as typed).
LINE="ccmsetup.exe /NoCRLCheck /source:C:\\ClientInstall SMSSITECODE=P01 CCMHOSTNAME=\"$MUTUAL\" SMSMP=\"cm01.contoso.com\" /regtoken:$TOKEN CCMALWAYSINF=1"
client ccmsetup client02 -- "$LINE" >"$WORK/ccmsetup.txt" ||
  fail "ccmsetup: $(cat "$WORK/ccmsetup.txt")"
grep -q "^ccmsetup exit code 0$" "$WORK/ccmsetup.txt" || fail "$(cat "$WORK/ccmsetup.txt")"
grep -qE "^client ID GUID:[0-9A-F-]{36}, approval status 1" "$WORK/ccmsetup.txt" ||
  fail "$(cat "$WORK/ccmsetup.txt")"
# (Outputs go to files first: `grep -q` closing a pipe early would fail the writer under
# pipefail.) The service's echo keeps the source folder's backslash.
client logs client02 ccmsetup.log >"$WORK/ccmsetup.log" || fail "logs ccmsetup.log"
grep -qF '"/source:C:\ClientInstall"' "$WORK/ccmsetup.log" || fail "ccmsetup.log lost the backslash"
client logs client02 >"$WORK/names.txt" || fail "logs"
grep -qx "ClientIDManagerStartup.log" "$WORK/names.txt" || fail "no ClientIDManagerStartup.log"
client logs client02 ClientIDManagerStartup.log >"$WORK/reg.log" || fail "logs reg"
grep -qE "Server assigned ClientID is GUID:[0-9A-F-]{36}\. Approval status 1\]LOG\]" \
  "$WORK/reg.log" || fail "no registration line"
python3 "$SRC/tests/e2e/clients/cmtrace_check.py" "$STATE/logs/clients/client02" -540 ||
  fail "client02's logs"
# The machine was saved: its state is there in the next command.
client state client=client02 --json >"$WORK/state.json" || fail "state"
grep -q '"registered": true' "$WORK/state.json" || fail "state not saved"
# A second ccmsetup without /forceinstall finds the client installed and exits 0.
client ccmsetup client02 -- "$LINE" >"$WORK/again.txt" || fail "reinstall"
grep -q "^ccmsetup exit code 0$" "$WORK/again.txt" || fail "reinstall: $(cat "$WORK/again.txt")"
# Bad input: an unknown client, a malformed line.
if client ccmsetup nobody -- "$LINE" >"$WORK/bad.txt" 2>&1; then fail "unknown client accepted"; fi
grep -q "no client 'nobody'" "$WORK/bad.txt" || fail "$(cat "$WORK/bad.txt")"
set +e
client ccmsetup client02 -- 'ccmsetup.exe /retry:abc' >"$WORK/bad2.txt" 2>&1
code=$?
set -e
[ "$code" = 2 ] || fail "a malformed command line must be a usage error (exit $code)"
echo "client CLI e2e: ok"
