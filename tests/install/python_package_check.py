"""Run by check_python_package.sh inside a venv where the genapi package was pip-installed:
checks where the package and libgenapi were loaded from, then uses the library.

usage: python_package_check.py VENV LIBRARY REFERENCE_BACKEND(ON|OFF)"""
import json
import os
import sys

venv, library, backend = sys.argv[1], sys.argv[2], sys.argv[3].upper() in ("ON", "1", "TRUE")

import genapi  # noqa: E402

where = os.path.realpath(genapi.__file__)
assert where.startswith(os.path.realpath(venv) + os.sep), f"genapi imported from {where}, not the venv"
loaded = genapi._lib.library_path
assert os.path.realpath(loaded) == os.path.realpath(library), f"loaded {loaded}, expected {library}"

p = genapi.TextParams(model="m", temperature=0.5, stop=["\n"])
assert json.loads(p.to_json()) == {"model": "m", "temperature": 0.5, "stop": ["\n"]}, p.to_json()
if backend:
    with genapi.Client(use_environment=False) as c:
        r = c.chat("Hello", model="genapi-ref", max_tokens=8, seed=1)
        assert r.choices[0].content, "empty reply"
        print("chat:", r.choices[0].content)
else:
    try:
        genapi.Client(use_environment=False)
    except genapi.Error as e:
        assert e.status == genapi._errors.E_UNSUPPORTED, (e.status, e)
        assert e.param == "base_url", e.param
        print("no backend:", e)
    else:
        raise AssertionError("a client-only libgenapi made a client without a base URL")
print("package", where, "library", loaded)
