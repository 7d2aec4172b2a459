#!/usr/bin/env bash
# The `python` preset of tools/test_all.sh: builds the Python package (docs/python.md) into a
# virtual environment under build/ and runs its pytest suite (tests/python).
#
# usage: bash tools/test_python.sh [pytest args...]
# The venv (build/python-venv) and the CMake build dir (build/python, pyproject.toml) persist,
# so a rerun rebuilds only what changed; with ccache on PATH the first build reuses objects too.
# Only the library and the extension module are compiled (Release), never tests or apps.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

venv=build/python-venv
if [[ ! -x $venv/bin/python ]]; then
  echo "test_python: creating $venv"
  python3 -m venv "$venv"
fi
# The build requirements are installed once into the venv and the package is built without
# isolation, so that nanobind's path (and so the CMake cache) stays the same between runs.
if ! "$venv/bin/python" -c 'import nanobind, scikit_build_core, numpy, pytest' 2>/dev/null; then
  echo "test_python: installing nanobind, scikit-build-core, numpy, pytest from PyPI"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check \
    'nanobind>=2.0' 'scikit-build-core>=0.10' numpy pytest
fi

export CMAKE_BUILD_PARALLEL_LEVEL=2
# CUDA follows the CMake build's rule (MT_CUDA=AUTO: on when nvcc is found) unless the caller
# sets MT_CUDA; warnings are errors, as in the C++ presets.
echo "test_python: pip install . (MT_CUDA=${MT_CUDA:-AUTO})"
"$venv/bin/python" -m pip install -q --disable-pip-version-check --no-build-isolation \
  -Ccmake.define.MT_WERROR=ON -Ccmake.define.MT_CUDA="${MT_CUDA:-AUTO}" .

# Run from outside the source tree so that `import minitorch` finds the installed package.
cd build
"$OLDPWD/$venv/bin/python" -m pytest -q "$OLDPWD/tests/python" "$@"
