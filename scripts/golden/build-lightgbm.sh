#!/usr/bin/env bash
# Builds the LightGBM command-line program from the C++ sources the npm package lightgbm@1.0.27
# ships (package/dependencies/LightGBM), for the golden files only: never a dependency of npm test.
#
#   scripts/golden/build-lightgbm.sh [OUT_DIR]    default ~/.cache/leadscore/lightgbm
#
# Needs cmake, make and g++ (Debian: apt-get install -y cmake g++). Takes 3-8 minutes on two cores.
# Leaves OUT_DIR/lightgbm and OUT_DIR/VERSION (LightGBM's VERSION.txt) and prints the binary's path.
set -euo pipefail

package=lightgbm@1.0.27
out_dir=${1:-"${HOME}/.cache/leadscore/lightgbm"}
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
if [ -x "$out_dir/lightgbm" ]; then
  echo "$out_dir/lightgbm"
  exit 0
fi
for tool in cmake make c++; do
  command -v "$tool" >/dev/null || { echo "build-lightgbm: $tool is missing (apt-get install -y cmake g++)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "$package" --silent >/dev/null && tar xzf lightgbm-*.tgz)
source_dir="$work/package/dependencies/LightGBM"
mkdir -p "$work/build"
echo "build-lightgbm: building $(cat "$source_dir/VERSION.txt") from $package into $out_dir" >&2
(cd "$work/build" && cmake "$source_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null && make -j"$(nproc)" lightgbm >/dev/null)
# LightGBM's CMake file puts the program in the source folder.
cp "$source_dir/VERSION.txt" "$out_dir/VERSION"
cp "$source_dir/lightgbm" "$out_dir/lightgbm.partial"
mv "$out_dir/lightgbm.partial" "$out_dir/lightgbm"
echo "$out_dir/lightgbm"
