"""Loading libgenapi and declaring the C functions the binding calls.

Search order: the GENAPI_LIBRARY environment variable (full path), then
ctypes.util.find_library("genapi"), then plain "libgenapi.so" (the dynamic loader's path).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os

from ._errors import GenapiErrorStruct, error_from_struct

ABI_VERSION = 1  # GENAPI_ABI_VERSION this binding was written for

c_int32 = ctypes.c_int32
c_uint32 = ctypes.c_uint32
c_int64 = ctypes.c_int64
c_size_t = ctypes.c_size_t
c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p
c_double = ctypes.c_double
P = ctypes.POINTER


def _load() -> tuple[ctypes.CDLL, str]:
    tried = []
    path = os.environ.get("GENAPI_LIBRARY")
    if path:
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            raise ImportError(f"genapi: cannot load GENAPI_LIBRARY={path!r}: {e}") from e
    found = ctypes.util.find_library("genapi")
    if found:
        try:
            return ctypes.CDLL(found), found
        except OSError as e:
            tried.append(f"{found}: {e}")
    try:
        return ctypes.CDLL("libgenapi.so"), "libgenapi.so"
    except OSError as e:
        tried.append(f"libgenapi.so: {e}")
    raise ImportError(
        "genapi: cannot find the libgenapi shared library; set GENAPI_LIBRARY to the full path "
        "of libgenapi.so (tried: " + "; ".join(tried) + ")"
    )


lib, library_path = _load()


def _fn(name: str, restype, argtypes):
    try:
        f = getattr(lib, name)
    except AttributeError as e:
        raise ImportError(f"genapi: {library_path} does not export {name}()") from e
    f.restype = restype
    f.argtypes = argtypes
    return f


# --- common.h -----------------------------------------------------------------------------------
genapi_abi_version = _fn("genapi_abi_version", ctypes.c_int, [])
genapi_version = _fn("genapi_version", c_char_p, [])
genapi_status_str = _fn("genapi_status_str", c_char_p, [ctypes.c_int])
genapi_free = _fn("genapi_free", None, [c_void_p, c_void_p])

_abi = genapi_abi_version()
if _abi != ABI_VERSION:
    raise ImportError(
        f"genapi: {library_path} has ABI version {_abi}, this binding needs {ABI_VERSION}"
    )

# --- error.h ------------------------------------------------------------------------------------
genapi_error_clear = _fn("genapi_error_clear", None, [P(GenapiErrorStruct)])


# --- params.h -----------------------------------------------------------------------------------
class ParamDescStruct(ctypes.Structure):
    """ctypes mirror of ``genapi_param_desc`` (params.h)."""

    _fields_ = [
        ("name", c_char_p),
        ("json_name", c_char_p),
        ("kind", c_int32),
        ("range_flags", c_uint32),
        ("min", c_double),
        ("max", c_double),
        ("choices", c_char_p),
        ("default_text", c_char_p),
        ("servers", c_uint32),
        ("index", c_uint32),
        ("offset", c_size_t),
        ("size", c_size_t),
        ("doc", c_char_p),
    ]


genapi_sampler_name = _fn("genapi_sampler_name", c_char_p, [c_int64])
genapi_sampler_id = _fn("genapi_sampler_id", c_int64, [c_char_p])

# --- text_params.h (the struct type is built at import by _params; pass it as void *) ------------
genapi_text_param_table = _fn("genapi_text_param_table", P(ParamDescStruct), [P(c_size_t)])
genapi_text_param_find = _fn("genapi_text_param_find", P(ParamDescStruct), [c_char_p])
genapi_text_params_sizeof = _fn("genapi_text_params_sizeof", c_size_t, [])
genapi_text_params_init = _fn("genapi_text_params_init", ctypes.c_int, [c_void_p, c_size_t])
genapi_text_params_mark = _fn("genapi_text_params_mark", None, [c_void_p, ctypes.c_int, ctypes.c_int])
genapi_text_params_is_set = _fn("genapi_text_params_is_set", ctypes.c_int, [c_void_p, ctypes.c_int])
genapi_text_params_set_text = _fn(
    "genapi_text_params_set_text", ctypes.c_int, [c_void_p, c_char_p, c_char_p, P(GenapiErrorStruct)]
)
genapi_text_params_clear = _fn("genapi_text_params_clear", None, [c_void_p])
genapi_text_params_validate = _fn("genapi_text_params_validate", ctypes.c_int, [c_void_p, P(GenapiErrorStruct)])
genapi_text_params_to_json = _fn(
    "genapi_text_params_to_json", ctypes.c_int, [c_void_p, P(c_void_p), P(GenapiErrorStruct)]
)
genapi_text_params_from_json = _fn(
    "genapi_text_params_from_json", ctypes.c_int, [c_void_p, c_char_p, P(GenapiErrorStruct)]
)


# --- image_params.h: the same function family for each image table (structs passed as void *) ----
for _kind in ("txt2img", "img2img", "upscale"):
    _p = f"genapi_{_kind}_params"
    globals().update({
        f"genapi_{_kind}_param_table": _fn(f"genapi_{_kind}_param_table", P(ParamDescStruct), [P(c_size_t)]),
        f"genapi_{_kind}_param_find": _fn(f"genapi_{_kind}_param_find", P(ParamDescStruct), [c_char_p]),
        f"{_p}_sizeof": _fn(f"{_p}_sizeof", c_size_t, []),
        f"{_p}_init": _fn(f"{_p}_init", ctypes.c_int, [c_void_p, c_size_t]),
        f"{_p}_mark": _fn(f"{_p}_mark", None, [c_void_p, ctypes.c_int, ctypes.c_int]),
        f"{_p}_is_set": _fn(f"{_p}_is_set", ctypes.c_int, [c_void_p, ctypes.c_int]),
        f"{_p}_set_text": _fn(f"{_p}_set_text", ctypes.c_int, [c_void_p, c_char_p, c_char_p, P(GenapiErrorStruct)]),
        f"{_p}_clear": _fn(f"{_p}_clear", None, [c_void_p]),
        f"{_p}_validate": _fn(f"{_p}_validate", ctypes.c_int, [c_void_p, P(GenapiErrorStruct)]),
        f"{_p}_to_json": _fn(f"{_p}_to_json", ctypes.c_int, [c_void_p, P(c_void_p), P(GenapiErrorStruct)]),
        f"{_p}_from_json": _fn(f"{_p}_from_json", ctypes.c_int, [c_void_p, c_char_p, P(GenapiErrorStruct)]),
    })
del _kind, _p

# --- helpers --------------------------------------------------------------------------------------
def status_str(status: int) -> str:
    s = genapi_status_str(int(status))
    return s.decode("utf-8") if s else "unknown status"


def new_error() -> GenapiErrorStruct:
    """A cleared error record (retry_after_ms = -1, as genapi_error_clear leaves it)."""
    err = GenapiErrorStruct()
    genapi_error_clear(ctypes.byref(err))
    return err


def check(status: int, err: GenapiErrorStruct) -> None:
    """Raise the matching genapi.Error if a C call failed."""
    if status != 0:
        raise error_from_struct(status, err, status_str(status))


def take_string(ptr: int | None, allocator=None) -> str | None:
    """Copy a NUL-terminated string the library allocated, then free it with genapi_free()."""
    if not ptr:
        return None
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        genapi_free(allocator, ptr)


def cstr(value: str | None, what: str) -> bytes | None:
    """Encode a Python str for a `const char *` argument; NUL bytes cannot cross that boundary."""
    if value is None:
        return None
    if isinstance(value, bytes):
        b = value
    elif isinstance(value, str):
        b = value.encode("utf-8")
    else:
        from ._errors import InvalidArgumentError

        raise InvalidArgumentError(f"{what} must be a str, got {type(value).__name__}", param=what)
    if b"\0" in b:
        from ._errors import InvalidArgumentError

        raise InvalidArgumentError(f"{what} contains a NUL character", param=what)
    return b


def dec(b: bytes | None) -> str | None:
    return None if b is None else b.decode("utf-8", errors="replace")
