"""The client (client.h), chat completions (chat.h) and model listings (models.h)."""
from __future__ import annotations

import ctypes
import json
import threading
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from . import _lib
from ._errors import E_INTERNAL, Error, InvalidArgumentError
from ._params import TextParams

c_int32 = ctypes.c_int32
c_uint32 = ctypes.c_uint32
c_int64 = ctypes.c_int64
c_size_t = ctypes.c_size_t
c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p
P = ctypes.POINTER


# --- client.h ------------------------------------------------------------------------------------
class ClientConfigStruct(ctypes.Structure):
    """genapi_client_config"""

    _fields_ = [
        ("struct_size", c_uint32),
        ("ignore_environment", c_int32),
        ("base_url", c_char_p),
        ("api_key", c_char_p),
        ("connect_timeout_ms", c_int64),
        ("timeout_ms", c_int64),
        ("image_api", c_int32),
        ("reserved", c_int32),
        ("allocator", c_void_p),
        ("user_agent", c_char_p),
    ]


# --- chat.h --------------------------------------------------------------------------------------
class ChatMessageStruct(ctypes.Structure):
    """genapi_chat_message"""

    _fields_ = [("role", c_char_p), ("content", c_char_p), ("name", c_char_p)]


class ChatRequestStruct(ctypes.Structure):
    """genapi_chat_request"""

    _fields_ = [
        ("struct_size", c_uint32),
        ("reserved", c_uint32),
        ("messages", P(ChatMessageStruct)),
        ("message_count", c_size_t),
        ("params", c_void_p),
        ("extra_json", c_char_p),
    ]


class ToolCallStruct(ctypes.Structure):
    """genapi_tool_call"""

    _fields_ = [
        ("index", c_int64),
        ("id", c_char_p),
        ("type", c_char_p),
        ("name", c_char_p),
        ("arguments", c_char_p),
    ]


class ChatChoiceStruct(ctypes.Structure):
    """genapi_chat_choice (content is read with content_len: it may contain NUL)."""

    _fields_ = [
        ("index", c_int64),
        ("role", c_char_p),
        ("content", c_void_p),
        ("content_len", c_size_t),
        ("reasoning", c_char_p),
        ("finish_reason", c_char_p),
        ("stop_reason_kind", c_int32),
        ("reserved", c_int32),
        ("stop_token", c_int64),
        ("stop_string", c_char_p),
        ("tool_calls", P(ToolCallStruct)),
        ("tool_call_count", c_size_t),
        ("logprobs", c_void_p),
    ]


class UsageStruct(ctypes.Structure):
    """genapi_usage"""

    _fields_ = [
        ("present", c_int32),
        ("reserved", c_int32),
        ("prompt_tokens", c_int64),
        ("completion_tokens", c_int64),
        ("total_tokens", c_int64),
    ]


class ChatResultStruct(ctypes.Structure):
    """genapi_chat_result"""

    _fields_ = [
        ("struct_size", c_uint32),
        ("http_status", c_int32),
        ("id", c_char_p),
        ("object", c_char_p),
        ("created", c_int64),
        ("model", c_char_p),
        ("choices", P(ChatChoiceStruct)),
        ("choice_count", c_size_t),
        ("usage", UsageStruct),
        ("request_id", c_char_p),
        ("prompt_logprobs_count", c_int64),
        ("internal", c_void_p),
    ]


# --- models.h ------------------------------------------------------------------------------------
class ModelInfoStruct(ctypes.Structure):
    """genapi_model_info"""

    _fields_ = [
        ("id", c_char_p),
        ("owned_by", c_char_p),
        ("parent", c_char_p),
        ("engine", c_char_p),
        ("max_model_len", c_int64),
    ]


class ModelListStruct(ctypes.Structure):
    """genapi_model_list"""

    _fields_ = [
        ("struct_size", c_uint32),
        ("reserved", c_uint32),
        ("items", P(ModelInfoStruct)),
        ("count", c_size_t),
        ("internal", c_void_p),
    ]


STOP_REASON_NONE, STOP_REASON_TOKEN, STOP_REASON_STRING = 0, 1, 2

_f = _lib._fn
_ERR = P(_lib.GenapiErrorStruct)
genapi_client_config_init = _f("genapi_client_config_init", ctypes.c_int, [P(ClientConfigStruct), c_size_t])
genapi_client_new = _f("genapi_client_new", ctypes.c_int, [P(ClientConfigStruct), P(c_void_p), _ERR])
genapi_client_free = _f("genapi_client_free", None, [c_void_p])
genapi_client_base_url = _f("genapi_client_base_url", c_char_p, [c_void_p])
genapi_client_allocator = _f("genapi_client_allocator", c_void_p, [c_void_p])
genapi_chat_complete = _f("genapi_chat_complete", ctypes.c_int,
                          [c_void_p, P(ChatRequestStruct), P(P(ChatResultStruct)), _ERR])
genapi_chat_request_to_json = _f("genapi_chat_request_to_json", ctypes.c_int,
                                 [c_void_p, P(ChatRequestStruct), P(c_void_p), _ERR])
genapi_chat_result_free = _f("genapi_chat_result_free", None, [P(ChatResultStruct)])
genapi_list_text_models = _f("genapi_list_text_models", ctypes.c_int, [c_void_p, P(P(ModelListStruct)), _ERR])
genapi_model_list_free = _f("genapi_model_list_free", None, [P(ModelListStruct)])


# --- Python results --------------------------------------------------------------------------------
@dataclass
class ToolCall:
    index: int
    id: str | None
    type: str | None
    name: str | None
    arguments: str | None  # raw JSON text, not validated


@dataclass
class ChatChoice:
    index: int
    role: str | None
    content: str | None
    reasoning: str | None = None
    finish_reason: str | None = None
    stop_reason: int | str | None = None  # stop token id, stop string, or None
    tool_calls: list[ToolCall] = field(default_factory=list)


@dataclass
class Usage:
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


@dataclass
class ChatResult:
    id: str | None
    object: str | None
    created: int
    model: str | None
    choices: list[ChatChoice]
    usage: Usage | None
    request_id: str | None = None
    http_status: int = 0

    @property
    def content(self) -> str | None:
        """Content of the first choice (None if there is none)."""
        return self.choices[0].content if self.choices else None


@dataclass
class ModelInfo:
    id: str
    owned_by: str | None = None
    parent: str | None = None
    engine: str | None = None
    max_model_len: int = 0


def _convert_result(r: ChatResultStruct) -> ChatResult:
    dec = _lib.dec
    choices = []
    for i in range(r.choice_count if r.choices else 0):
        c = r.choices[i]
        if c.content:
            content = ctypes.string_at(c.content, c.content_len).decode("utf-8", errors="replace")
        else:
            content = None
        if c.stop_reason_kind == STOP_REASON_TOKEN:
            stop_reason: int | str | None = int(c.stop_token)
        elif c.stop_reason_kind == STOP_REASON_STRING:
            stop_reason = dec(c.stop_string)
        else:
            stop_reason = None
        calls = []
        for k in range(c.tool_call_count if c.tool_calls else 0):
            t = c.tool_calls[k]
            calls.append(ToolCall(int(t.index), dec(t.id), dec(t.type), dec(t.name), dec(t.arguments)))
        choices.append(ChatChoice(int(c.index), dec(c.role), content, dec(c.reasoning), dec(c.finish_reason),
                                  stop_reason, calls))
    u = r.usage
    usage = Usage(int(u.prompt_tokens), int(u.completion_tokens), int(u.total_tokens)) if u.present else None
    return ChatResult(dec(r.id), dec(r.object), int(r.created), dec(r.model), choices, usage, dec(r.request_id),
                      int(r.http_status))


def _message_fields(m: Any, i: int) -> tuple[Any, Any, Any]:
    if isinstance(m, Mapping):
        return m.get("role"), m.get("content"), m.get("name")
    if isinstance(m, (tuple, list)) and len(m) in (2, 3):
        return (m[0], m[1], m[2] if len(m) == 3 else None)
    if hasattr(m, "role"):
        return getattr(m, "role"), getattr(m, "content", None), getattr(m, "name", None)
    raise InvalidArgumentError(f"messages[{i}] must be a dict with role and content, got {type(m).__name__}",
                               param="messages")


class _Request:
    """A genapi_chat_request plus every Python object its pointers borrow from."""

    def __init__(self, messages: Any, params: TextParams, extra: Any):
        if isinstance(messages, str):
            messages = [{"role": "user", "content": messages}]
        msgs = list(messages)
        self.keep: list[Any] = []  # bytes the C structs point into; alive as long as self
        self.messages = (ChatMessageStruct * max(len(msgs), 1))()
        for i, m in enumerate(msgs):
            role, content, name = _message_fields(m, i)
            for what, v in (("role", role), ("content", content), ("name", name)):
                b = _lib.cstr(v, f"messages[{i}].{what}")
                self.keep.append(b)
                setattr(self.messages[i], what, b)
        self.params = params
        if extra is not None and not isinstance(extra, (str, bytes)):
            extra = json.dumps(extra)
        self.extra = _lib.cstr(extra, "extra_json")
        self.req = ChatRequestStruct()
        self.req.struct_size = ctypes.sizeof(ChatRequestStruct)
        self.req.messages = self.messages
        self.req.message_count = len(msgs)
        self.req.params = ctypes.addressof(params.struct)
        self.req.extra_json = self.extra


class Client:
    """A libgenapi client.

    ``Client(base_url=None)`` uses GENAPI_BASE_URL if it is set, else the in-process reference
    backend (no network). ``api_key=None`` uses GENAPI_API_KEY. ``use_environment=False``
    ignores both variables. Calls on one client are serialized by a lock.
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        connect_timeout_ms: int = 0,
        timeout_ms: int = 0,
        user_agent: str | None = None,
        use_environment: bool = True,
    ):
        self._handle: int | None = None
        self._lock = threading.RLock()
        cfg = ClientConfigStruct()
        st = genapi_client_config_init(ctypes.byref(cfg), ctypes.sizeof(cfg))
        if st != 0:
            raise Error("genapi_client_config_init rejected sizeof(genapi_client_config) "
                        f"= {ctypes.sizeof(cfg)}: binding and library disagree", status=st)
        keep = [_lib.cstr(base_url, "base_url"), _lib.cstr(api_key, "api_key"), _lib.cstr(user_agent, "user_agent")]
        cfg.base_url, cfg.api_key, cfg.user_agent = keep
        cfg.ignore_environment = 0 if use_environment else 1
        cfg.connect_timeout_ms = int(connect_timeout_ms)
        cfg.timeout_ms = int(timeout_ms)
        out = c_void_p()
        err = _lib.new_error()
        st = genapi_client_new(ctypes.byref(cfg), ctypes.byref(out), ctypes.byref(err))
        del keep  # copied by genapi_client_new
        _lib.check(st, err)
        self._handle = out.value

    # -- lifetime --
    def close(self) -> None:
        with self._lock:
            if self._handle:
                h, self._handle = self._handle, None
                genapi_client_free(h)

    def __del__(self):
        try:
            if getattr(self, "_handle", None):
                self.close()
        except Exception:
            pass

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _h(self) -> int:
        if not self._handle:
            raise InvalidArgumentError("the client is closed")
        return self._handle

    @property
    def base_url(self) -> str | None:
        """Normalised base URL, or None on the in-process reference backend."""
        with self._lock:
            return _lib.dec(genapi_client_base_url(self._h()))

    # -- chat --
    @staticmethod
    def _params(params: TextParams | Mapping[str, Any] | None, kwargs: dict) -> tuple[TextParams, bool]:
        """The TextParams to send and whether it is a temporary this call must close."""
        if isinstance(params, TextParams) and not kwargs:
            return params, False
        if isinstance(params, TextParams):
            p = params.copy()
        else:
            p = TextParams()
            if params:
                try:
                    p.update(params)
                except BaseException:
                    p.close()
                    raise
        try:
            p.update(kwargs)
        except BaseException:
            p.close()
            raise
        return p, True

    def chat(
        self,
        messages: str | Sequence[Mapping[str, Any]] | Iterable[Any],
        params: TextParams | Mapping[str, Any] | None = None,
        *,
        extra: Mapping[str, Any] | str | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        """Run a chat completion (genapi_chat_complete) and return a ChatResult.

        messages: list of {"role", "content"[, "name"]} dicts (or (role, content) tuples, or one
        str as a single user message). Text parameters are keyword arguments by JSON name
        (model="genapi-ref", temperature=0.7, ...) and/or a TextParams / mapping in ``params``
        (keywords win). ``extra`` is a JSON object merged into the body last.
        """
        p, temp = self._params(params, kwargs)
        try:
            req = _Request(messages, p, extra)
            out = P(ChatResultStruct)()
            err = _lib.new_error()
            with self._lock:
                st = genapi_chat_complete(self._h(), ctypes.byref(req.req), ctypes.byref(out), ctypes.byref(err))
            _lib.check(st, err)
            if not out:
                raise Error("genapi_chat_complete returned no result", status=E_INTERNAL)
            try:
                r = out.contents
                if r.struct_size != ctypes.sizeof(ChatResultStruct):
                    raise Error(f"genapi_chat_result.struct_size is {r.struct_size}, the binding expects "
                                f"{ctypes.sizeof(ChatResultStruct)}", status=E_INTERNAL)
                return _convert_result(r)
            finally:
                genapi_chat_result_free(out)
        finally:
            if temp:
                p.close()

    def chat_request_json(
        self,
        messages: Any,
        params: TextParams | Mapping[str, Any] | None = None,
        *,
        extra: Mapping[str, Any] | str | None = None,
        **kwargs: Any,
    ) -> str:
        """The JSON body chat() would send (genapi_chat_request_to_json), without sending it."""
        p, temp = self._params(params, kwargs)
        try:
            req = _Request(messages, p, extra)
            out = c_void_p()
            err = _lib.new_error()
            with self._lock:
                h = self._h()
                st = genapi_chat_request_to_json(h, ctypes.byref(req.req), ctypes.byref(out), ctypes.byref(err))
                _lib.check(st, err)
                return _lib.take_string(out.value, genapi_client_allocator(h))
        finally:
            if temp:
                p.close()

    # -- models --
    def list_text_models(self) -> list[ModelInfo]:
        """Text-generation models (GET /v1/models/textgen-models)."""
        out = P(ModelListStruct)()
        err = _lib.new_error()
        with self._lock:
            st = genapi_list_text_models(self._h(), ctypes.byref(out), ctypes.byref(err))
        _lib.check(st, err)
        try:
            lst = out.contents
            dec = _lib.dec
            return [
                ModelInfo(dec(m.id), dec(m.owned_by), dec(m.parent), dec(m.engine), int(m.max_model_len))
                for m in (lst.items[i] for i in range(lst.count if lst.items else 0))
            ]
        finally:
            genapi_model_list_free(out)
