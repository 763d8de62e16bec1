#!/usr/bin/env bash
# The two entry points README.md promises, for a fresh Debian 12 machine (run as root, or with
# sudo available):
#   bash scripts/dev.sh run    install what is missing, build (release), run the seed scenario
#   bash scripts/dev.sh test   install what is missing, build (ASan+UBSan, -Werror), run all tests
#   bash scripts/dev.sh bench  release build, micro-benchmarks, then a wrk load on `serve`
# Long campaigns, not part of the test command:
#   bash scripts/dev.sh fuzz [SECONDS] [TARGET...]  libFuzzer campaigns (clang; default 600 s
#                              each, every target), two at a time; prints executions/coverage
#   bash scripts/dev.sh soak [MINUTES]   mixed traffic against `serve` (default 60 min); RSS,
#                              open files and p99 every minute; fails unless both stay flat
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# What building and running cmgemu needs.
RUN_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libssl-dev libsqlite3-dev nlohmann-json3-dev
  sqlite3 openssl ca-certificates
)
# What the tests add: GoogleTest, benchmarks' library, and the unmodified real clients.
TEST_PACKAGES=(
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  curl procps
  python3 python3-msal python3-jwt python3-cryptography python3-requests python3-azure azure-cli
  nodejs
)
PACKAGES=("${RUN_PACKAGES[@]}")

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# npm packages the real-client tests drive, pinned in tests/clients/package-lock.json.
install_node_clients() {
  if ! command -v npm >/dev/null; then  # Debian's nodejs ships npm separately
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm
  fi
  if [ ! -d tests/clients/node_modules ] ||
     [ tests/clients/package-lock.json -nt tests/clients/node_modules ]; then
    npm ci --prefix tests/clients --no-audit --no-fund --loglevel=error
    touch tests/clients/node_modules
  fi
}

jobs() { nproc 2>/dev/null || echo 2; }

# ccache may cache files compiled with the shared precompiled headers (cmake/EmuHelpers.cmake).
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"

case "${1:-}" in
  run)
    install_missing
    # Only what running needs: no tests (GoogleTest) and no benchmarks.
    cmake --preset release -DEMU_BUILD_TESTS=OFF -DEMU_BUILD_BENCH=OFF >/dev/null
    cmake --build --preset release --target cmgemu -j "$(jobs)"
    shift
    # The run's files (site-server logs such as logs/site/CloudMgr.log, the client's logs in
    # logs/clients/client01/) go to build/seed-run.
    exec ./build/release/harness/cmgemu run scenarios/lab-site-token.json \
      --out build/seed-run "$@"
    ;;
  test)
    PACKAGES+=("${TEST_PACKAGES[@]}")
    install_missing
    install_node_clients
    cmake --preset ci >/dev/null
    cmake --build --preset ci -j "$(jobs)"
    exec ctest --preset ci -j "$(jobs)"
    ;;
  bench)
    PACKAGES+=("${TEST_PACKAGES[@]}" wrk)
    install_missing
    cmake --preset release -DEMU_BUILD_TESTS=ON -DEMU_BUILD_BENCH=ON >/dev/null
    cmake --build --preset release -j "$(jobs)"
    ./build/release/bench/cmgemu_bench
    ./build/release/bench/cmgemu_cmg_bench
    ./build/release/bench/cmgemu_client_bench 1000 2
    bash bench/http_wrk.sh ./build/release/harness/cmgemu 10 16
    exec bash bench/arm_wrk.sh ./build/release/harness/cmgemu 10 16
    ;;
  fuzz)
    PACKAGES+=(clang libclang-rt-14-dev googletest libgtest-dev libgmock-dev)
    install_missing
    cmake --preset fuzz >/dev/null
    cmake --build --preset fuzz --target fuzz_targets -j "$(jobs)"
    shift
    seconds="${1:-600}"
    [ $# -gt 0 ] && shift
    targets=("$@")
    if [ ${#targets[@]} -eq 0 ]; then
      for f in tests/fuzz/*_fuzz.cc; do targets+=("$(basename "$f" .cc)"); done
    fi
    export FUZZ_SECONDS="$seconds"
    printf '%s\n' "${targets[@]}" | xargs -P "$(jobs)" -I{} bash scripts/fuzz_campaign.sh {}
    for t in "${targets[@]}"; do tail -n 1 "build/fuzz/campaign/$t/summary.txt"; done
    ;;
  soak)
    PACKAGES+=(python3)
    install_missing
    cmake --preset release -DEMU_BUILD_TESTS=OFF -DEMU_BUILD_BENCH=OFF >/dev/null
    cmake --build --preset release --target cmgemu -j "$(jobs)"
    exec python3 scripts/soak.py --cmgemu ./build/release/harness/cmgemu --minutes "${2:-60}"
    ;;
  *)
    echo "usage: bash scripts/dev.sh run|test|bench|fuzz|soak" >&2
    exit 2
    ;;
esac
