"""The parameter structs (genapi_text_params, genapi_txt2img_params, genapi_img2img_params,
genapi_upscale_params), each built at import time from the library's own descriptor table.

"One table, one truth": nothing here lists the parameters. Each ctypes Structure is derived
from genapi_<kind>_param_table() and checked against genapi_<kind>_params_sizeof() and every
descriptor's offset and size; values are handed to genapi_<kind>_params_set_text() as text so
the C library does all parsing, and genapi_<kind>_params_validate() does all range checks.
"""
from __future__ import annotations

import ctypes
import json
from typing import Any, Iterable, Mapping

from . import _lib
from ._errors import InvalidArgumentError

c_char_p = ctypes.c_char_p
c_int64 = ctypes.c_int64
c_int32 = ctypes.c_int32
c_double = ctypes.c_double
c_size_t = ctypes.c_size_t
P = ctypes.POINTER

# --- genapi_param_kind (params.h) --------------------------------------------------------------
PK_STRING, PK_DOUBLE, PK_INT, PK_BOOL, PK_STRLIST, PK_INTLIST, PK_INTLISTS = range(7)
PK_BIAS, PK_SAMPLERS, PK_BANRANGES, PK_JSON, PK_ENUM = range(7, 12)
KIND_NAMES = {
    PK_STRING: "STRING",
    PK_DOUBLE: "DOUBLE",
    PK_INT: "INT",
    PK_BOOL: "BOOL",
    PK_STRLIST: "STRLIST",
    PK_INTLIST: "INTLIST",
    PK_INTLISTS: "INTLISTS",
    PK_BIAS: "BIAS",
    PK_SAMPLERS: "SAMPLERS",
    PK_BANRANGES: "BANRANGES",
    PK_JSON: "JSON",
    PK_ENUM: "ENUM",
}

# --- GENAPI_RANGE_* and GENAPI_SERVER_* bits (params.h) ------------------------------------------
RANGE_MIN = 0x01
RANGE_MIN_OPEN = 0x02
RANGE_MAX = 0x04
RANGE_MAX_OPEN = 0x08
RANGE_NONZERO = 0x10
RANGE_NONEMPTY = 0x20
RANGE_ITEMS = 0x40
RANGE_REQUIRED = 0x80
RANGE_BASE64 = 0x100
RANGE_FLAG_NAMES = {
    RANGE_MIN: "min",
    RANGE_MIN_OPEN: "min_open",
    RANGE_MAX: "max",
    RANGE_MAX_OPEN: "max_open",
    RANGE_NONZERO: "nonzero",
    RANGE_NONEMPTY: "nonempty",
    RANGE_ITEMS: "items",
    RANGE_REQUIRED: "required",
    RANGE_BASE64: "base64",
}
SERVER_APHRODITE = 0x1
SERVER_VLLM = 0x2
SERVER_HOSTED = 0x4
SERVER_A1111 = 0x8
SERVER_SDNEXT = 0x10
SERVER_NAMES = {SERVER_APHRODITE: "aphrodite", SERVER_VLLM: "vllm", SERVER_HOSTED: "hosted",
                SERVER_A1111: "a1111", SERVER_SDNEXT: "sdnext"}


# --- value types of params.h --------------------------------------------------------------------
class StrList(ctypes.Structure):
    """genapi_strlist"""

    _fields_ = [("items", P(c_char_p)), ("count", c_size_t)]


class IntList(ctypes.Structure):
    """genapi_intlist"""

    _fields_ = [("items", P(c_int64)), ("count", c_size_t)]


class IntLists(ctypes.Structure):
    """genapi_intlists"""

    _fields_ = [("items", P(IntList)), ("count", c_size_t)]


class TokenBias(ctypes.Structure):
    """genapi_token_bias"""

    _fields_ = [("token", c_int64), ("bias", c_double)]


class TokenBiases(ctypes.Structure):
    """genapi_token_biases"""

    _fields_ = [("items", P(TokenBias)), ("count", c_size_t)]


class TokenBanRange(ctypes.Structure):
    """genapi_token_ban_range"""

    _fields_ = [("tokens", IntList), ("start", c_int64), ("length", c_int64)]


class TokenBanRanges(ctypes.Structure):
    """genapi_token_ban_ranges"""

    _fields_ = [("items", P(TokenBanRange)), ("count", c_size_t)]


CTYPE_OF_KIND = {
    PK_STRING: c_char_p,
    PK_DOUBLE: c_double,
    PK_INT: c_int64,
    PK_BOOL: c_int32,
    PK_STRLIST: StrList,
    PK_INTLIST: IntList,
    PK_INTLISTS: IntLists,
    PK_BIAS: TokenBiases,
    PK_SAMPLERS: IntList,
    PK_BANRANGES: TokenBanRanges,
    PK_JSON: c_char_p,
    PK_ENUM: c_int32,
}

# Fields before the first parameter (text_params.h, image_params.h): GENAPI_<KIND>_SET_WORDS.
TEXT_SET_WORDS = 2
TXT2IMG_SET_WORDS = 1
IMG2IMG_SET_WORDS = 1
UPSCALE_SET_WORDS = 1


def header_fields(set_words: int) -> list:
    """struct_size, reserved, is_set[set_words], allocator, owned."""
    return [
        ("struct_size", ctypes.c_uint32),
        ("reserved", ctypes.c_uint32),
        ("is_set", ctypes.c_uint64 * set_words),
        ("allocator", ctypes.c_void_p),
        ("owned", ctypes.c_void_p),
    ]


HEADER_FIELDS = header_fields(TEXT_SET_WORDS)


class ParamDesc:
    """A Python copy of one genapi_param_desc row (all strings are static in the library)."""

    __slots__ = ("name", "json_name", "kind", "range_flags", "min", "max", "choices", "default_text",
                 "servers", "index", "offset", "size", "doc")

    def __init__(self, d: _lib.ParamDescStruct):
        self.name = _lib.dec(d.name)
        self.json_name = _lib.dec(d.json_name)
        self.kind = int(d.kind)
        self.range_flags = int(d.range_flags)
        self.min = float(d.min)
        self.max = float(d.max)
        self.choices = None if d.choices is None else _lib.dec(d.choices).split("|")
        self.default_text = _lib.dec(d.default_text)
        self.servers = int(d.servers)
        self.index = int(d.index)
        self.offset = int(d.offset)
        self.size = int(d.size)
        self.doc = _lib.dec(d.doc)

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, f"UNKNOWN({self.kind})")

    def as_dict(self) -> dict:
        f = self.range_flags
        has_min = bool(f & (RANGE_MIN | RANGE_MIN_OPEN))
        has_max = bool(f & (RANGE_MAX | RANGE_MAX_OPEN))
        return {
            "name": self.name,
            "json_name": self.json_name,
            "kind": self.kind_name,
            "min": self.min if has_min else None,
            "max": self.max if has_max else None,
            "min_open": bool(f & RANGE_MIN_OPEN),
            "max_open": bool(f & RANGE_MAX_OPEN),
            "flags": [n for bit, n in RANGE_FLAG_NAMES.items() if f & bit],
            "range_flags": f,
            "required": bool(f & RANGE_REQUIRED),
            "choices": list(self.choices) if self.choices is not None else None,
            "default": self.default_text,
            "servers": [n for bit, n in SERVER_NAMES.items() if self.servers & bit],
            "servers_mask": self.servers,
            "index": self.index,
            "offset": self.offset,
            "size": self.size,
            "doc": self.doc,
        }

    def __repr__(self) -> str:
        return f"<ParamDesc {self.json_name} {self.kind_name}>"


def _read_table(kind: str = "text") -> list[ParamDesc]:
    count = c_size_t(0)
    arr = getattr(_lib, f"genapi_{kind}_param_table")(ctypes.byref(count))
    if not arr:
        raise ImportError(f"genapi: genapi_{kind}_param_table() returned NULL")
    return [ParamDesc(arr[i]) for i in range(count.value)]


def build_struct(descs: list[ParamDesc], struct_name: str = "genapi_text_params",
                 set_words: int = TEXT_SET_WORDS) -> type:
    """The ctypes Structure of a parameter struct: header fields, then one field per row."""
    fields = header_fields(set_words)
    taken = {n for n, _ in fields}
    for d in descs:
        if d.kind not in CTYPE_OF_KIND:
            raise ImportError(f"genapi: parameter {d.json_name!r} has unknown kind {d.kind}")
        if d.name in taken:
            raise ImportError(f"genapi: parameter field name {d.name!r} is duplicated")
        taken.add(d.name)
        fields.append((d.name, CTYPE_OF_KIND[d.kind]))
    return type(struct_name, (ctypes.Structure,), {"_fields_": fields})


def check_layout(struct_type: type, descs: list[ParamDesc], c_sizeof: int,
                 struct_name: str = "genapi_text_params", set_words: int = TEXT_SET_WORDS) -> None:
    """Compare the ctypes layout with the library's; raise ImportError listing every mismatch."""
    problems = []
    if len(descs) > 64 * set_words:
        problems.append(f"{len(descs)} parameters do not fit in is_set[{set_words}]")
    for i, d in enumerate(descs):
        if d.index != i:
            problems.append(f"{d.json_name}: descriptor index {d.index}, table position {i}")
        f = getattr(struct_type, d.name, None)
        if f is None:
            problems.append(f"{d.json_name}: no ctypes field {d.name!r}")
            continue
        if f.offset != d.offset:
            problems.append(f"{d.json_name}: ctypes offset {f.offset}, C offset {d.offset}")
        if f.size != d.size:
            problems.append(f"{d.json_name}: ctypes size {f.size}, C size {d.size}")
    if ctypes.sizeof(struct_type) != c_sizeof:
        problems.append(f"sizeof: ctypes {ctypes.sizeof(struct_type)}, {struct_name}_sizeof() {c_sizeof}")
    if problems:
        raise ImportError(
            f"genapi: the ctypes layout of {struct_name} does not match "
            f"{_lib.library_path}: " + "; ".join(problems[:20])
            + (f"; ... ({len(problems)} problems)" if len(problems) > 20 else "")
        )


class ParamTable:
    """One parameter table of the library (kind "text", "txt2img", "img2img" or "upscale"): its
    descriptors, the ctypes Structure derived from them (layout checked) and its C functions."""

    def __init__(self, kind: str, set_words: int):
        self.kind = kind
        self.struct_name = f"genapi_{kind}_params"
        self.set_words = set_words
        self.descs: list[ParamDesc] = _read_table(kind)
        self.by_json: dict[str, ParamDesc] = {d.json_name: d for d in self.descs}
        self.struct = build_struct(self.descs, self.struct_name, set_words)
        fn = {n: getattr(_lib, f"{self.struct_name}_{n}") for n in
              ("sizeof", "init", "mark", "is_set", "set_text", "clear", "validate", "to_json", "from_json")}
        self.fn = fn
        self.find = getattr(_lib, f"genapi_{kind}_param_find")
        check_layout(self.struct, self.descs, fn["sizeof"](), self.struct_name, set_words)

    def params(self) -> list[dict]:
        return [d.as_dict() for d in self.descs]


TEXT_TABLE = ParamTable("text", TEXT_SET_WORDS)
TXT2IMG_TABLE = ParamTable("txt2img", TXT2IMG_SET_WORDS)
IMG2IMG_TABLE = ParamTable("img2img", IMG2IMG_SET_WORDS)
UPSCALE_TABLE = ParamTable("upscale", UPSCALE_SET_WORDS)

DESCS: list[ParamDesc] = TEXT_TABLE.descs
DESC_BY_JSON: dict[str, ParamDesc] = TEXT_TABLE.by_json
TextParamsStruct = TEXT_TABLE.struct
Txt2ImgParamsStruct = TXT2IMG_TABLE.struct
Img2ImgParamsStruct = IMG2IMG_TABLE.struct
UpscaleParamsStruct = UPSCALE_TABLE.struct


def _sampler_names() -> tuple[str, ...]:
    names = []
    while True:
        n = _lib.genapi_sampler_name(len(names))
        if n is None:
            return tuple(names)
        names.append(n.decode("utf-8"))


SAMPLER_NAMES: tuple[str, ...] = _sampler_names()


def sampler_name(sampler_id: int) -> str | None:
    """Name of a sampler id (e.g. 7 -> "dry"), or None if unknown (genapi_sampler_name)."""
    n = _lib.genapi_sampler_name(int(sampler_id))
    return None if n is None else n.decode("utf-8")


def sampler_id(name: str) -> int:
    """Sampler id of a name, case-insensitive; -1 if unknown (genapi_sampler_id)."""
    return int(_lib.genapi_sampler_id(_lib.cstr(name, "name")))


def params() -> list[dict]:
    """Descriptor dicts of every text parameter, read from the C table, in table order."""
    return [d.as_dict() for d in DESCS]


# --- Python value -> text for genapi_text_params_set_text() -------------------------------------
def _json_default(o: Any):
    if hasattr(o, "__index__"):
        return int(o.__index__())
    if hasattr(o, "__float__"):
        return float(o)
    if isinstance(o, Mapping):
        return dict(o)
    if isinstance(o, Iterable) and not isinstance(o, (str, bytes)):
        return list(o)
    raise TypeError(f"{type(o).__name__} is not convertible to JSON")


def _dumps(name: str, value: Any) -> str:
    try:
        return json.dumps(value, default=_json_default, ensure_ascii=False)
    except (TypeError, ValueError) as e:
        raise InvalidArgumentError(f"{name}: cannot convert {type(value).__name__} to a parameter value: {e}",
                                   param=name) from None


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _check_int64(name: str, value: Any) -> None:
    """json-c saturates integers outside int64 silently; refuse them instead."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise InvalidArgumentError(f"{name}: {value} does not fit in a 64-bit integer", param=name)
    elif isinstance(value, Mapping):
        for k, v in value.items():
            _check_int64(name, k)
            _check_int64(name, v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _check_int64(name, v)


def value_text(d: ParamDesc | None, name: str, value: Any) -> str:
    """The text form genapi_text_params_set_text() parses for this parameter."""
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if d is None:  # unknown name: the C library reports it
        return value if isinstance(value, str) else _dumps(name, value)
    k = d.kind
    if k == PK_STRING:
        if not isinstance(value, str):
            raise InvalidArgumentError(f"{name} must be a str, got {type(value).__name__}", param=name)
        return value
    if k == PK_JSON:
        return value if isinstance(value, str) else _dumps(name, value)  # str = JSON text
    if k == PK_ENUM:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return value
        raise InvalidArgumentError(f"{name} must be one of {'|'.join(d.choices or [])}, got {value!r}",
                                   param=name)
    if k == PK_STRLIST:
        if isinstance(value, str):
            value = [value]  # one string, never re-parsed as JSON
        elif not isinstance(value, (list, tuple)):
            value = list(value) if isinstance(value, Iterable) else value
        if isinstance(value, (list, tuple)) and any(isinstance(x, str) and "\0" in x for x in value):
            # C strings end at NUL: the item would be cut silently
            raise InvalidArgumentError(f"{name}: strings must not contain NUL characters", param=name)
        return _dumps(name, value)
    if isinstance(value, str):
        return value  # text form, as the CLI's -p NAME=VALUE
    _check_int64(name, value)
    return _dumps(name, value)  # NaN/Infinity pass as such: json-c parses them, validate() rejects them


# --- C value -> Python ------------------------------------------------------------------------
def _intlist(l: IntList) -> list[int]:
    return [int(l.items[i]) for i in range(l.count)] if l.items else []


def field_value(s: ctypes.Structure, d: ParamDesc) -> Any:
    """The field of struct `s` described by `d`, in the shape to_json() gives it."""
    v = getattr(s, d.name)
    k = d.kind
    if k in (PK_STRING, PK_JSON):
        return _lib.dec(v)
    if k == PK_DOUBLE:
        return float(v)
    if k == PK_INT:
        return int(v)
    if k == PK_BOOL:
        return bool(v)
    if k == PK_ENUM:
        choices = d.choices or []
        if not 0 <= v < len(choices):
            return int(v)
        c = choices[v]
        return {"true": True, "false": False}.get(c, c)
    if k == PK_STRLIST:
        return [_lib.dec(v.items[i]) for i in range(v.count)] if v.items else []
    if k in (PK_INTLIST, PK_SAMPLERS):
        return _intlist(v)
    if k == PK_INTLISTS:
        return [_intlist(v.items[i]) for i in range(v.count)] if v.items else []
    if k == PK_BIAS:
        return {int(v.items[i].token): float(v.items[i].bias) for i in range(v.count)} if v.items else {}
    if k == PK_BANRANGES:
        if not v.items:
            return []
        return [[_intlist(v.items[i].tokens), int(v.items[i].start), int(v.items[i].length)]
                for i in range(v.count)]
    raise AssertionError(d.kind)


class _Params:
    """Typed parameters of one table: a genapi_<kind>_params owned by Python (see TextParams)."""

    __slots__ = ("_s", "_live", "__weakref__")
    _table: ParamTable  # set by each subclass

    def __init__(self, _mapping: Mapping[str, Any] | None = None, **kwargs: Any):
        t = self._table
        s = t.struct()
        st = t.fn["init"](ctypes.byref(s), ctypes.sizeof(s))
        if st != 0:
            raise InvalidArgumentError(f"{t.struct_name}_init rejected the struct size", status=st)
        object.__setattr__(self, "_s", s)
        object.__setattr__(self, "_live", True)
        if _mapping:
            self.update(_mapping)
        if kwargs:
            self.update(kwargs)

    def _desc(self, name: str) -> ParamDesc:
        d = self._table.by_json.get(name)
        if d is None:
            raise InvalidArgumentError(f"unknown {self._table.kind} parameter '{name}'", param=name)
        return d

    # -- lifetime --
    def _ptr(self):
        if not self._live:
            raise InvalidArgumentError(f"{type(self).__name__} was closed")
        return ctypes.byref(self._s)

    def close(self) -> None:
        """Release the storage the C library made for set values (genapi_<kind>_params_clear)."""
        if self._live:
            object.__setattr__(self, "_live", False)
            self._table.fn["clear"](ctypes.byref(self._s))

    def __del__(self):
        try:
            if getattr(self, "_live", False):
                self.close()
        except Exception:  # interpreter shutdown
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def reset(self) -> None:
        """Unset everything and release owned storage; the object stays usable."""
        self._table.fn["clear"](self._ptr())

    # -- set --
    def set(self, name: str, value: Any):
        """Set a parameter by JSON name; None unsets it. Raises genapi.Error on a bad name/value."""
        t = self._table
        d = t.by_json.get(name)
        if value is None and d is not None:
            t.fn["mark"](self._ptr(), d.index, 0)
            return self
        text = value_text(d, name, value)
        err = _lib.new_error()
        st = t.fn["set_text"](self._ptr(), _lib.cstr(name, "name"), _lib.cstr(text, name), ctypes.byref(err))
        _lib.check(st, err)
        return self

    def update(self, _mapping: Mapping[str, Any] | None = None, **kwargs: Any):
        for src in (_mapping or {}, kwargs):
            for k, v in src.items():
                self.set(k, v)
        return self

    def unset(self, name: str) -> None:
        self._table.fn["mark"](self._ptr(), self._desc(name).index, 0)

    # -- get --
    def is_set(self, name: str) -> bool:
        return bool(self._table.fn["is_set"](self._ptr(), self._desc(name).index))

    def get(self, name: str, default: Any = None) -> Any:
        d = self._desc(name)
        if not self._table.fn["is_set"](self._ptr(), d.index):
            return default
        return field_value(self._s, d)

    def set_names(self) -> list[str]:
        """JSON names of the parameters that are set, in table order."""
        p = self._ptr()
        is_set = self._table.fn["is_set"]
        return [d.json_name for d in self._table.descs if is_set(p, d.index)]

    def items(self) -> list[tuple[str, Any]]:
        return [(n, self.get(n)) for n in self.set_names()]

    def __contains__(self, name: str) -> bool:
        return name in self._table.by_json and self.is_set(name)

    def __getattr__(self, name: str) -> Any:
        if name in type(self)._table.by_json:
            return self.get(name)
        raise AttributeError(f"'{type(self).__name__}' has no attribute or {type(self)._table.kind} "
                             f"parameter {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            raise AttributeError(name)
        self.set(name, value)

    def __delattr__(self, name: str) -> None:
        self.unset(name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._table.by_json))

    def __repr__(self) -> str:
        n = type(self).__name__
        if not self._live:
            return f"{n}(<closed>)"
        return f"{n}(" + ", ".join(f"{k}={v!r}" for k, v in self.items()) + ")"

    # -- C operations --
    def validate(self) -> None:
        """Check ranges and cross-parameter rules in C; raise genapi.Error naming the parameter."""
        err = _lib.new_error()
        _lib.check(self._table.fn["validate"](self._ptr(), ctypes.byref(err)), err)

    def to_json(self) -> str:
        """The set parameters as a JSON object text (validated first), from the C serializer."""
        out = ctypes.c_void_p()
        err = _lib.new_error()
        _lib.check(self._table.fn["to_json"](self._ptr(), ctypes.byref(out), ctypes.byref(err)), err)
        # params.allocator is NULL, so the string came from the C library's malloc
        return _lib.take_string(out.value, None)

    def to_dict(self) -> dict:
        return json.loads(self.to_json())

    @classmethod
    def from_json(cls, text: str | Mapping):
        """Parse a request body as the reference server does (unknown keys are ignored)."""
        if not isinstance(text, (str, bytes)):
            text = json.dumps(text)
        p = cls()
        err = _lib.new_error()
        st = cls._table.fn["from_json"](p._ptr(), _lib.cstr(text, "json"), ctypes.byref(err))
        if st != 0:
            p.close()
        _lib.check(st, err)
        return p

    def copy(self):
        """An independent copy (values re-set through set_text, so storage is not shared)."""
        return type(self)(dict(self.items()))

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()

    def __reduce__(self):
        return (type(self), (dict(self.items()),))

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.items() == other.items()

    __hash__ = None  # mutable

    @property
    def struct(self) -> ctypes.Structure:
        """The underlying ctypes struct (read-only use; do not copy it)."""
        self._ptr()
        return self._s

    @classmethod
    def params(cls) -> list[dict]:
        """Descriptor dicts of every parameter of this table, read from the C table."""
        return cls._table.params()


class TextParams(_Params):
    """Typed text-generation parameters: a genapi_text_params owned by Python.

    Set values with keyword arguments, ``p.set(name, value)``, ``p.update(...)`` or attribute
    assignment (``p.top_p = 0.9``); ``None`` or ``del p.top_p`` unsets. Reading an attribute
    returns the value in its JSON shape, or None when the parameter is not set.
    """

    __slots__ = ()
    _table = TEXT_TABLE


class Txt2ImgParams(_Params):
    """Typed txt2img parameters (genapi_txt2img_params); same interface as TextParams."""

    __slots__ = ()
    _table = TXT2IMG_TABLE


class Img2ImgParams(_Params):
    """Typed img2img parameters (genapi_img2img_params); same interface as TextParams.
    init_images and mask hold base64 text (Client.img2img encodes bytes for you)."""

    __slots__ = ()
    _table = IMG2IMG_TABLE


class UpscaleParams(_Params):
    """Typed upscale parameters (genapi_upscale_params); same interface as TextParams.
    image holds base64 text (Client.upscale encodes bytes for you)."""

    __slots__ = ()
    _table = UPSCALE_TABLE
