#!/usr/bin/env bash
# The installed package works for a user's project: install this build to a staging prefix,
# then configure, build and test examples/gtest-consumer against it with find_package(cmgemu).
# Args: BUILD_DIR SOURCE_DIR SANITIZERS ("" for none; the consumer then links the same).
set -euo pipefail
build=$1 src=$2 sanitize=${3:-}
stage=$build/package-stage consumer=$build/package-consumer
rm -rf "$stage" "$consumer"

cmake --install "$build" --prefix "$stage" >/dev/null
test -f "$stage/include/cmgemu/lab.h"
test -f "$stage/lib/cmake/cmgemu/cmgemuConfig.cmake"
test -f "$stage/lib/cmake/cmgemu/cmgemuConfigVersion.cmake"
test -f "$stage/lib/pkgconfig/cmgemu.pc"
# Only the public API is installed: no private header of the emulator.
if find "$stage/include" -name '*.h' | grep -v '/include/cmgemu/' | grep -q .; then
  echo "private headers installed:"; find "$stage/include" -name '*.h'; exit 1
fi

flags=()
if [ -n "$sanitize" ]; then
  flags=(-DCMAKE_CXX_FLAGS="-fsanitize=$sanitize" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=$sanitize")
fi
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$src/examples/gtest-consumer" -B "$consumer" "${generator[@]}" \
  -DCMAKE_PREFIX_PATH="$stage" -DCMAKE_BUILD_TYPE=Debug "${flags[@]}" >/dev/null
# The package must not impose cmgemu's own build options on its users.
if grep -E -- '-Werror|-fsanitize' "$stage"/lib/cmake/cmgemu/*.cmake; then
  echo "the package exports cmgemu's build options"; exit 1
fi
cmake --build "$consumer" -j 2
ctest --test-dir "$consumer" --output-on-failure
