#!/usr/bin/env bash
# The include-graph checker refuses each kind of boundary break (on a scratch tree), accepts
# the allowed forms, and passes on the real source tree.
set -euo pipefail
checker=$1 src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

mk() { mkdir -p "$(dirname "$tmp/$1")"; printf '%s\n' "${@:2}" > "$tmp/$1"; }
expect_refused() {  # file include reason
  rm -rf "$tmp"/*; mk "$1" "#include \"$2\""
  if out=$(python3 "$checker" "$tmp"); then echo "FAIL: $1 -> $2 accepted"; exit 1; fi
  grep -qF "$1:1: includes $2: $3" <<<"$out" || { echo "FAIL: unexpected output: $out"; exit 1; }
}
expect_accepted() {
  rm -rf "$tmp"/*; mk "$1" "#include \"$2\""
  python3 "$checker" "$tmp" >/dev/null || { echo "FAIL: $1 -> $2 refused"; exit 1; }
}

expect_refused emulator/core/a.h emulator/arm/b.h "core includes only core"
expect_refused emulator/arm/a.cc emulator/aad/seed.h "not part of party 'aad''s public interface"
expect_refused emulator/site/a.cc certs/issue.h "not part of the PKI's public interface"
expect_refused emulator/arm/a.cc emulator/app/lab.h "only the harness uses the composition root (app)"
expect_refused harness/lib/a.cc emulator/arm/arm_actions.h "not part of party 'arm''s public interface"
expect_refused emulator/arm/a.cc emulator/site/site_service.h "not part of party 'site''s public interface"
expect_accepted emulator/arm/a.cc emulator/aad/public/token_validator.h
expect_accepted emulator/app/lab.cc emulator/site/site_service.h
expect_accepted emulator/site/a.cc certs/pki.h
expect_accepted harness/lib/a.cc emulator/app/lab.h
expect_accepted emulator/arm/x/a.cc emulator/arm/y/b.h

python3 "$checker" "$src"
