#!/usr/bin/env bash
# Installs the build into a scratch prefix and builds a user's project against it, once with
# find_package(smpshade) and once with pkg-config, then runs both programs.
set -euo pipefail
build_dir=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log"

cmake -S "$here" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/configure.log"
cmake --build "$work/cmake-build" > "$work/build.log"
LD_LIBRARY_PATH="$work/prefix/lib:$work/prefix/lib/$(gcc -print-multiarch 2>/dev/null || true)" \
  "$work/cmake-build/consumer" | tee "$work/cmake-run.txt"
grep -q "de00 2.0425" "$work/cmake-run.txt"

pcdir=$(dirname "$(find "$work/prefix" -name smpshade.pc | head -n 1)")
flags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --define-variable=prefix="$work/prefix" --cflags --libs smpshade)
# shellcheck disable=SC2086
g++ -std=c++17 "$here/main.cpp" -o "$work/pkgconfig-consumer" $flags
LD_LIBRARY_PATH="$work/prefix/lib:$work/prefix/lib/$(gcc -print-multiarch 2>/dev/null || true)" \
  "$work/pkgconfig-consumer" | grep -q "de00 2.0425"
echo "consumer: find_package and pkg-config builds both ran"
