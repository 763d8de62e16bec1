#!/usr/bin/env bash
# The admin API of `cmgemu serve` with curl (issue 11 findings 10 and 6): the bearer token from
# --admin-token and the ready file, refusals of foreign Host / Origin / non-JSON writes, a lab
# bound beyond loopback generating its token, and the journal read page by page.
# usage: admin_access_test.sh CMGEMU_BINARY PKI_DIR
set -euo pipefail
CMGEMU="$1"
PKI="$2"
source "$(dirname "${BASH_SOURCE[0]}")/serve_lib.sh"
PY="$(command -v python3)"
field() { ready_field "$1"; }

start_lab() { start_serve --pki "$PKI" --manual-clock "$@"; }
stop_lab() { stop_serve; }

status() {  # status CURL-ARGS... -> the HTTP status
  curl -sS -o "$WORK/body" -w '%{http_code}' --cacert "$CA" "$@"
}

# ---- a lab with --admin-token ----
TOKEN="e2e-admin-token-$$-0123456789"
start_lab --admin-token "$TOKEN"
CA="$(field "d['ca']")"
ADMIN="$(field "d['admin']")"
PORT="$(field "d['endpoints']['admin']['url'].rsplit(':', 1)[1]")"
[ "$(field "d['admin_token']")" = "$TOKEN" ] || fail "ready file does not carry the admin token"
[ "$(stat -c %a "$WORK/ready.json")" = "600" ] || fail "ready file is not 0600"
grep -q "$TOKEN" "$WORK/serve.log" && fail "serve printed a token it was given"
AUTH=(-H "Authorization: Bearer $TOKEN")

[ "$(status "$ADMIN/health")" = 401 ] || fail "no token: want 401"
grep -q '"Unauthorized"' "$WORK/body" || fail "401 without the admin error shape"
[ "$(status -H "Authorization: Bearer nope" "$ADMIN/health")" = 401 ] || fail "bad token: want 401"
[ "$(status "${AUTH[@]}" "$ADMIN/health")" = 200 ] || fail "token: want 200"
# DNS rebinding: a foreign Host; CSRF: a foreign Origin, a text/plain write.
[ "$(status "${AUTH[@]}" -H "Host: evil.example:$PORT" "$ADMIN/health")" = 421 ] ||
  fail "foreign Host: want 421"
[ "$(status "${AUTH[@]}" -X POST -H "Origin: https://evil.example" "$ADMIN/reset")" = 403 ] ||
  fail "foreign Origin: want 403"
[ "$(status "${AUTH[@]}" -X POST -H "Content-Type: text/plain" -d '{"effect":"reset"}' \
  "$ADMIN/faults")" = 415 ] || fail "text/plain write: want 415"
# What scripts do keeps working: a body-less POST, a JSON POST, a DELETE.
[ "$(status "${AUTH[@]}" -X POST "$ADMIN/clock/advance?by=1h")" = 200 ] || fail "advance"
[ "$(status "${AUTH[@]}" -X POST -H "Content-Type: application/json" \
  -d '{"effect":"status","listener":"arm","status":503}' "$ADMIN/faults")" = 201 ] || fail "fault"
[ "$(status "${AUTH[@]}" -X DELETE "$ADMIN/faults")" = 204 ] || fail "clear faults"

# The journal page by page: every request once, in order, while more arrive.
for _ in $(seq 1 25); do curl -sS --fail "${AUTH[@]}" --cacert "$CA" "$ADMIN/health" >/dev/null; done
ORIGIN="${ADMIN%/_cmgemu}"
NEXT="/_cmgemu/journal?listener=admin&page_size=7"
: >"$WORK/seqs"
PAGES=0
while [ -n "$NEXT" ]; do
  curl -sS --fail "${AUTH[@]}" --cacert "$CA" "$ORIGIN$NEXT" >"$WORK/page.json"
  "$PY" -c "import json; [print(e['seq']) for e in json.load(open('$WORK/page.json'))['entries']]" \
    >>"$WORK/seqs"
  NEXT="$("$PY" -c "import json; print(json.load(open('$WORK/page.json')).get('next', ''))")"
  PAGES=$((PAGES + 1))
  [ "$PAGES" -lt 100 ] || fail "journal paging does not end"
done
[ "$PAGES" -ge 4 ] || fail "expected several journal pages, got $PAGES"
sort -n -c "$WORK/seqs" || fail "journal pages out of order"
[ "$(sort -n "$WORK/seqs" | uniq -d | wc -l)" = 0 ] || fail "journal pages repeat entries"
[ "$(wc -l <"$WORK/seqs")" -ge 30 ] || fail "journal pages lost entries"
stop_lab

# ---- a lab bound beyond loopback generates a token and prints it ----
start_lab --bind 0.0.0.0
GENERATED="$(field "d['admin_token']")"
[ "${#GENERATED}" -ge 43 ] || fail "no generated token in the ready file"
grep -q "admin token  $GENERATED" "$WORK/serve.log" || fail "serve did not print its token"
ADMIN="https://127.0.0.1:$(field "d['endpoints']['admin']['url'].rsplit(':', 1)[1]")/_cmgemu"
[ "$(status "$ADMIN/health")" = 401 ] || fail "bound beyond loopback, no token: want 401"
[ "$(status -H "Authorization: Bearer $GENERATED" "$ADMIN/health")" = 200 ] ||
  fail "generated token: want 200"
stop_lab
echo "admin access: all checks passed"
