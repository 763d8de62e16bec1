#!/usr/bin/env bash
# Load benchmark: `cmgemu serve` answering small JSON GETs over keep-alive TLS, driven by wrk.
# Prints requests/s and the server's CPU time per request (from /proc/<pid>/stat), the figure
# DEVELOPERS.md sets a target for (<= 30 us CPU per small keep-alive request).
# usage: bench/http_wrk.sh CMGEMU_BINARY [SECONDS] [CONNECTIONS]
set -euo pipefail
CMGEMU="$1"
SECONDS_TO_RUN="${2:-10}"
CONNECTIONS="${3:-16}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
WORK="$(mktemp -d)"
trap 'kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT

"$CMGEMU" certs init --out "$WORK/state/pki" >/dev/null  # keys exist before the timed start
START_NS=$(date +%s%N)
"$CMGEMU" serve --state "$WORK/state" --ready-file "$WORK/ready.json" --journal-size 10000 \
  >"$WORK/serve.log" 2>&1 &
PID=$!
until [ -f "$WORK/ready.json" ]; do sleep 0.005; done
READY_NS=$(date +%s%N)
ADMIN="$(sed -n 's/.*"admin": "\([^"]*\)".*/\1/p' "$WORK/ready.json")"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
RSS_BEFORE=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
T0=$(cpu_ticks)
wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_TO_RUN}s" --latency "$ADMIN/health" >"$WORK/wrk.out"
T1=$(cpu_ticks)
RSS_AFTER=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
REQUESTS=$(awk '/requests in/ {print $1}' "$WORK/wrk.out")
HZ=$(getconf CLK_TCK)
cat "$WORK/wrk.out"
awk -v r="$REQUESTS" -v t="$((T1 - T0))" -v hz="$HZ" -v s="$SECONDS_TO_RUN" \
  -v start="$(( (READY_NS - START_NS) / 1000000 ))" -v rb="$RSS_BEFORE" -v ra="$RSS_AFTER" 'BEGIN {
  printf "startup (spawn to ready file, existing state): %d ms\n", start;
  printf "requests: %d  (%.0f req/s)\n", r, r / s;
  printf "server CPU per request: %.1f us\n", (t / hz) * 1e6 / r;
  printf "server RSS: %d kB before, %d kB after\n", rb, ra;
}'
