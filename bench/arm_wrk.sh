#!/usr/bin/env bash
# Load benchmark of the ARM party: `cmgemu serve` answering GET resourceGroups/{rg} over
# keep-alive TLS with a real bearer token (RS256 verification, RBAC, SQLite read on every
# request), driven by wrk. Prints requests/s and the server's CPU time per request.
# usage: bench/arm_wrk.sh CMGEMU_BINARY [SECONDS] [CONNECTIONS]
set -euo pipefail
CMGEMU="$1"
SECONDS_TO_RUN="${2:-10}"
CONNECTIONS="${3:-16}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
WORK="$(mktemp -d)"
trap 'kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT

"$CMGEMU" certs init --out "$WORK/state/pki" >/dev/null
"$CMGEMU" serve --state "$WORK/state" --lab "$HERE/arm-lab.json" --ready-file "$WORK/ready.json" \
  >"$WORK/serve.log" 2>&1 &
PID=$!
until [ -f "$WORK/ready.json" ]; do sleep 0.005; done
field() { python3 -c "import json; print(json.load(open('$WORK/ready.json'))$1)"; }
CA="$(field "['ca']")"
AAD="$(field "['endpoints']['aad']['url']")"
ARM="$(field "['endpoints']['arm']['url']")"
TOKEN="$(curl -s --cacert "$CA" "$AAD/72f988bf-0000-4000-8000-0000000be4c4/oauth2/token" \
  -d grant_type=client_credentials -d client_id=44444444-5555-4666-8777-888888888888 \
  -d client_secret=bench-s3cret --data-urlencode resource=https://management.azure.com/ |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
URL="$ARM/subscriptions/6a1b2c3d-0000-4000-8000-0000000be4c4/resourcegroups/rg1?api-version=2021-04-01"
[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -H "Authorization: Bearer $TOKEN" "$URL")" = 200 ] ||
  { echo "ARM GET did not answer 200" >&2; exit 1; }

[ -n "${ARM_WRK_PERF:-}" ] && { perf record -q -g -p "$PID" -o "$ARM_WRK_PERF" -- sleep "$SECONDS_TO_RUN" & }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
T0=$(cpu_ticks)
wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_TO_RUN}s" --latency -H "Authorization: Bearer $TOKEN" \
  "$URL" >"$WORK/wrk.out"
T1=$(cpu_ticks)
REQUESTS=$(awk '/requests in/ {print $1}' "$WORK/wrk.out")
HZ=$(getconf CLK_TCK)
cat "$WORK/wrk.out"
awk -v r="$REQUESTS" -v t="$((T1 - T0))" -v hz="$HZ" -v s="$SECONDS_TO_RUN" 'BEGIN {
  printf "ARM GET resource group: %d requests (%.0f req/s)\n", r, r / s;
  printf "server CPU per request: %.1f us\n", (t / hz) * 1e6 / r;
}'
