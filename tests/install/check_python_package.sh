#!/bin/sh
# pip-installs the Python binding into a fresh venv (offline: --no-build-isolation --no-deps
# --no-index, setuptools from the system) twice and uses it against the prefix check_install.sh
# installed: the source tree's bindings/python, which finds the library through GENAPI_LIBRARY,
# then <prefix>/share/genapi/python, which finds the prefix's library with no environment.
#
# usage: check_python_package.sh SOURCE_DIR BUILD_DIR LIBDIR REFERENCE_BACKEND(ON|OFF) PYTHON
set -eu
src=$1 build=$2 libdir=$3 backend=$4 python=$5
unset LD_LIBRARY_PATH GENAPI_LIBRARY GENAPI_BASE_URL PYTHONPATH || true
prefix="$build/install-check/prefix"
library="$prefix/$libdir/libgenapi.so.0"
[ -e "$library" ] || { echo "FAIL: no installed library at $library (run the install_check test)" >&2; exit 1; }
work="$build/python-package-check"
rm -rf "$work"
mkdir -p "$work"
"$python" -m venv --system-site-packages "$work/venv"
pip() { "$work/venv/bin/python" -m pip install --quiet --no-build-isolation --no-deps --no-index "$@"; }
# setuptools builds inside the package directory (build/, *.egg-info): install copies.
cp -R "$src/bindings/python" "$work/from-source"
cp -R "$prefix/share/genapi/python" "$work/from-prefix"
cd "$work"

echo "== pip install bindings/python (library through GENAPI_LIBRARY)"
pip "$work/from-source"
[ ! -e "$work/venv/lib/"python*/site-packages/genapi/_libpath.py ] || { echo "FAIL: the source tree's package names a library" >&2; exit 1; }
GENAPI_LIBRARY="$library" "$work/venv/bin/python" "$src/tests/install/python_package_check.py" "$work/venv" "$library" "$backend"

echo "== pip install <prefix>/share/genapi/python (library of the prefix, no environment)"
pip --force-reinstall "$work/from-prefix"
"$work/venv/bin/python" "$src/tests/install/python_package_check.py" "$work/venv" "$library" "$backend"
echo "python package check passed"
