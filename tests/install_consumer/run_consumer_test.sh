#!/usr/bin/env bash
# Installs a built minitorch tree into a scratch prefix, then configures, builds and runs the
# project in consumer/ against it with find_package(minitorch CONFIG). Proves the install
# rules give a usable package; it never touches the build tree except to read its cache.
#
# usage: run_consumer_test.sh <build-dir> <source-dir> <tmp-dir>
#   <tmp-dir>/prefix and <tmp-dir>/consumer-build are recreated on every run.
# The consumer is configured with the build tree's CMake, generator (Ninja under the
# presets), make program and C++ compiler, read from <build-dir>/CMakeCache.txt.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 <build-dir> <source-dir> <tmp-dir>" >&2
  exit 2
fi
build_dir=$(cd "$1" && pwd)
source_dir=$(cd "$2" && pwd)
mkdir -p "$3"
tmp_dir=$(cd "$3" && pwd)
prefix="$tmp_dir/prefix"
consumer_build="$tmp_dir/consumer-build"
cache="$build_dir/CMakeCache.txt"

if [[ ! -f "$cache" ]]; then
  echo "install_consumer: $cache not found; configure and build the tree first" >&2
  exit 1
fi

# cache_value NAME DEFAULT: the value of NAME in the build tree's cache, or DEFAULT.
cache_value() {
  local line
  line=$(grep -m1 -E "^$1:[A-Z]+=" "$cache" || true)
  if [[ -n "$line" ]]; then
    echo "${line#*=}"
  else
    echo "$2"
  fi
}

cmake_bin=$(cache_value CMAKE_COMMAND cmake)
generator=$(cache_value CMAKE_GENERATOR Ninja)
make_program=$(cache_value CMAKE_MAKE_PROGRAM "")
cxx=$(cache_value CMAKE_CXX_COMPILER c++)
build_type=$(cache_value CMAKE_BUILD_TYPE Release)
sanitize=$(cache_value MT_SANITIZE "")
if [[ -n "$sanitize" ]]; then
  echo "install_consumer: $build_dir is built with MT_SANITIZE=$sanitize; the installed" \
    "libraries would be instrumented, so this check needs an unsanitized build" >&2
  exit 1
fi

rm -rf "$prefix" "$consumer_build"

echo "== install $build_dir -> $prefix"
"$cmake_bin" --install "$build_dir" --prefix "$prefix"

echo "== configure consumer ($generator, $cxx, $build_type)"
configure_args=(
  -S "$source_dir/tests/install_consumer/consumer" -B "$consumer_build"
  -G "$generator"
  -DCMAKE_CXX_COMPILER="$cxx"
  -DCMAKE_BUILD_TYPE="$build_type"
  -DCMAKE_PREFIX_PATH="$prefix"
  # Only the scratch prefix may satisfy find_package: no user or system package registry.
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
)
if [[ -n "$make_program" ]]; then
  configure_args+=(-DCMAKE_MAKE_PROGRAM="$make_program")
fi
"$cmake_bin" "${configure_args[@]}"

found_dir=$(grep -m1 -E '^minitorch_DIR:' "$consumer_build/CMakeCache.txt" | cut -d= -f2-)
case "$found_dir" in
  "$prefix"/*) ;;
  *)
    echo "install_consumer: find_package found minitorch at '$found_dir', not under $prefix" >&2
    exit 1
    ;;
esac

echo "== build consumer"
"$cmake_bin" --build "$consumer_build" -j2

echo "== run consumer"
"$consumer_build/consumer"
