#!/usr/bin/env bash
# Installs what minitorch-cpp needs to build and test on Debian 12 (bookworm), if missing:
# CMake >= 3.25, Ninja, GCC (with its sanitizer runtimes), GoogleTest, git, Open MPI (the mpi
# process group and its multi-process tests, docs/distributed.md), Python 3 with pip, venv and
# its headers (the Python package, docs/python.md; tools/fetch_data.sh, docs/data.md); with
# --test also Python's safetensors and numpy from PyPI, for the checkpoint interop test.
#
# usage: bash tools/install_deps.sh [--test]
# Idempotent and silent when everything is already there; runs `apt-get update` only when
# something has to be installed. Uses sudo when not root.
set -euo pipefail

missing=()

# need_command CMD PACKAGE: PACKAGE is needed unless CMD is on PATH.
need_command() {
  if ! command -v "$1" >/dev/null 2>&1; then
    missing+=("$2")
  fi
}

# have_gtest: GoogleTest's CMake package is installed (from libgtest-dev or by hand).
have_gtest() {
  if dpkg-query -W -f='${Status}' libgtest-dev 2>/dev/null | grep -q 'install ok installed'; then
    return 0
  fi
  compgen -G '/usr/lib/*/cmake/GTest/GTestConfig.cmake' >/dev/null ||
    compgen -G '/usr/lib*/cmake/GTest/GTestConfig.cmake' >/dev/null ||
    compgen -G '/usr/local/lib*/cmake/GTest/GTestConfig.cmake' >/dev/null
}

need_command cmake cmake
need_command ninja ninja-build
need_command g++ g++
need_command git git
# libgtest-dev on bookworm ships prebuilt libgtest*.a and GTestConfig.cmake, which is what
# find_package(GTest) in tests/ uses.
if ! have_gtest; then
  missing+=(libgtest-dev)
fi
# Python: venv (with ensurepip) for the package's test environment and fetch_data.sh's
# throwaway venv, pip, and Python.h to build the package.
need_command python3 python3
if command -v python3 >/dev/null 2>&1; then
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    missing+=(python3-venv)
  fi
  if ! python3 -m pip --version >/dev/null 2>&1; then
    missing+=(python3-pip)
  fi
  if ! python3 -c 'import os, sysconfig
raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
    >/dev/null 2>&1; then
    missing+=(python3-dev)
  fi
else
  missing+=(python3-venv python3-pip python3-dev)
fi
# Open MPI: mpirun to launch the dist tests, mpi.h and the libraries for MT_MPI=AUTO.
need_command mpirun openmpi-bin
if ! compgen -G '/usr/lib/*/openmpi/include/mpi.h' >/dev/null &&
  ! compgen -G '/usr/include/*/openmpi/mpi.h' >/dev/null; then
  missing+=(libopenmpi-dev)
fi

if [[ ${#missing[@]} -gt 0 ]]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_deps: missing ${missing[*]} and no apt-get here; install them by hand" \
      "(CMake >= 3.25, Ninja, a C++20 compiler, GoogleTest, git, Open MPI)" >&2
    exit 1
  fi
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "install_deps: missing ${missing[*]}; run as root or install sudo" >&2
      exit 1
    fi
  fi
  echo "install_deps: installing ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The safetensors interop test (tests/nn/safetensors_test.cpp) has Python's own safetensors
# package read our files and write one for us. Best effort: without pip it skips, saying so.
if [[ "${1:-}" == --test ]] && command -v python3 >/dev/null 2>&1 &&
  ! python3 -c 'import safetensors.numpy, numpy' >/dev/null 2>&1; then
  echo "install_deps: installing the Python packages safetensors and numpy (interop test)"
  if ! python3 -m pip install -q --disable-pip-version-check safetensors numpy >/dev/null 2>&1; then
    echo "install_deps: pip could not install safetensors and numpy;" \
      "Safetensors.InteropWithThePythonPackage will skip" >&2
  fi
fi

# CMakePresets.json (version 6) and cmake_minimum_required need CMake 3.25.
cmake_version=$(cmake --version | head -n1 | awk '{print $3}')
if [[ "$(printf '%s\n' 3.25 "$cmake_version" | sort -V | head -n1)" != 3.25 ]]; then
  echo "install_deps: CMake $cmake_version is too old; minitorch-cpp needs 3.25 or newer" >&2
  exit 1
fi
