# Sourced by the e2e scripts that run `cmgemu serve`: a scratch folder $WORK removed on exit,
# the serve process ($SERVE_PID, when set) killed on exit, and fail().
WORK="$(mktemp -d)"
SERVE_PID=""
cleanup() {
  [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
