#!/usr/bin/env bash
# Installs the build into a scratch prefix and uses it as a user would: builds a user's project
# against it, once with find_package(smpshade) and once with pkg-config; runs the installed tools
# with no LD_LIBRARY_PATH (they find libsmpshade, and it the chart plugin, by relative RPATH);
# then packs a .deb with cpack, checks its declared dependencies and runs its tools unpacked.
set -euo pipefail
build_dir=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
rm -rf "$work"
mkdir -p "$work"
unset LD_LIBRARY_PATH
cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log"

cmake -S "$here" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/configure.log"
cmake --build "$work/cmake-build" > "$work/build.log"
"$work/cmake-build/consumer" | tee "$work/cmake-run.txt"
grep -q "de00 2.0425" "$work/cmake-run.txt"

pcdir=$(dirname "$(find "$work/prefix" -name smpshade.pc | head -n 1)")
flags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --define-variable=prefix="$work/prefix" --cflags --libs smpshade)
libdir=$(PKG_CONFIG_PATH="$pcdir" pkg-config --define-variable=prefix="$work/prefix" --variable=libdir smpshade)
# shellcheck disable=SC2086
g++ -std=c++17 "$here/main.cpp" -o "$work/pkgconfig-consumer" $flags -Wl,-rpath,"$libdir"
"$work/pkgconfig-consumer" | grep -q "de00 2.0425"
echo "consumer: find_package and pkg-config builds both ran"

# The installed tools, from a prefix the loader has never heard of. smp-match reads the installed
# catalogue; smp-calibrate loads the chart plugin from beside the installed libsmpshade.
installed_tools_run() {
  local bin=$1 label=$2
  echo "24 1 2" | "$bin/smp-match" --top 1 --format jsonl > "$work/$label-match.jsonl"
  grep -q '"rank":1' "$work/$label-match.jsonl" ||
    { echo "consumer: $label smp-match wrote no recipe"; exit 1; }
  "$bin/smp-calibrate" --format jsonl -o "$work/$label.icc" "$src/data/samples/light-grey.jpg" \
    > "$work/$label-calibrate.jsonl"
  grep -q '"mean_de00"' "$work/$label-calibrate.jsonl" && [ -s "$work/$label.icc" ] ||
    { echo "consumer: $label smp-calibrate did not find the chart"; exit 1; }
  echo "consumer: $label tools ran (catalogue found, chart plugin loaded)"
}
installed_tools_run "$work/prefix/bin" installed

# cpack -G DEB from the same build: its Depends are what the binaries link, and its tools run
# from wherever the package is unpacked.
(cd "$work" && cpack --config "$build_dir/CPackConfig.cmake" -G DEB -B "$work/deb" > "$work/cpack.log")
deb=$(find "$work/deb" -maxdepth 1 -name 'smpshade_*.deb' | head -n 1)
[ -n "$deb" ] || { echo "consumer: cpack made no .deb"; cat "$work/cpack.log"; exit 1; }
depends=$(dpkg-deb --field "$deb" Depends)
echo "consumer: $(basename "$deb") Depends: $depends"
for needed in liblcms2-2 libyaml-cpp0.7 libjpeg62-turbo libpng16-16 libtiff6 libheif1 libopencv-contrib406 \
              libfreetype6 fonts-dejavu-core; do
  grep -q "$needed" <<< "$depends" || { echo "consumer: the .deb does not depend on $needed"; exit 1; }
done
contents=$(dpkg-deb --contents "$deb")
grep -q './usr/share/man/man1/smp-match.1' <<< "$contents" ||
  { echo "consumer: the .deb has no man pages"; exit 1; }
dpkg-deb -x "$deb" "$work/unpacked"
installed_tools_run "$work/unpacked/usr/bin" deb
