# Sourced by the e2e scripts that run `cmgemu serve` (they set CMGEMU first): a scratch folder
# $WORK removed on exit, the serve process ($SERVE_PID, when set) killed on exit, fail(), and
# start_serve / stop_serve / ready_field.
WORK="$(mktemp -d)"
SERVE_PID=""
cleanup() {
  [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# start_serve SERVE-ARGS...: `$CMGEMU serve SERVE-ARGS --ready-file $WORK/ready.json` in the
# background (output in $WORK/serve.log); returns once the ready file exists (30 s at most).
start_serve() {
  rm -f "$WORK/ready.json"
  "$CMGEMU" serve "$@" --ready-file "$WORK/ready.json" >"$WORK/serve.log" 2>&1 &
  SERVE_PID=$!
  for _ in $(seq 1 300); do
    [ -f "$WORK/ready.json" ] && return 0
    kill -0 "$SERVE_PID" 2>/dev/null || { cat "$WORK/serve.log"; fail "serve exited early"; }
    sleep 0.1
  done
  fail "serve did not become ready"
}

# stop_serve: SIGTERM, and serve must exit 0.
stop_serve() {
  kill -TERM "$SERVE_PID"
  wait "$SERVE_PID" || fail "serve exited non-zero on SIGTERM"
  SERVE_PID=""
}

# ready_field PYTHON-EXPR: the expression over the ready file's JSON `d`, e.g. "d['ca']".
ready_field() {
  python3 -c "import json; d=json.load(open('$WORK/ready.json')); print($1)"
}
