"""The error record (struct genapi_error), the status codes and the Python exception classes.

This module does not touch the shared library, so it can be imported first by _lib.
"""
from __future__ import annotations

import ctypes

__all__ = [
    "Error",
    "InvalidArgumentError",
    "ConnectError",
    "RequestTimeoutError",
    "HTTPError",
    "BadRequestError",
    "AuthenticationError",
    "NotFoundError",
    "RateLimitError",
    "ServerError",
    "ParseError",
    "UnsupportedError",
]

# --- genapi_status (common.h); ABI constants, fixed by GENAPI_ABI_VERSION ----------------------
OK = 0
E_INVALID_ARG = -1
E_NOMEM = -2
E_CONNECT = -3
E_TIMEOUT = -4
E_HTTP = -5
E_BAD_REQUEST = -6
E_AUTH = -7
E_NOT_FOUND = -8
E_RATE_LIMITED = -9
E_SERVER = -10
E_PARSE = -11
E_CANCELLED = -12
E_STREAM = -13
E_UNSUPPORTED = -14
E_INTERNAL = -15
E_AGAIN = -16
E_BUSY = -17
E_END = -18

# --- struct genapi_error (error.h) ------------------------------------------------------------
GENAPI_ERROR_MESSAGE_MAX = 1024  # error.h: GENAPI_ERROR_MESSAGE_MAX
GENAPI_ERROR_FIELD_MAX = 128  # error.h: GENAPI_ERROR_FIELD_MAX


class GenapiErrorStruct(ctypes.Structure):
    """ctypes mirror of ``struct genapi_error`` (error.h), field for field."""

    _fields_ = [
        ("status", ctypes.c_int32),
        ("http_status", ctypes.c_int32),
        ("server_code", ctypes.c_int32),
        ("message_truncated", ctypes.c_int32),
        ("retry_after_ms", ctypes.c_int64),
        ("message", ctypes.c_char * GENAPI_ERROR_MESSAGE_MAX),
        ("param", ctypes.c_char * GENAPI_ERROR_FIELD_MAX),
        ("type", ctypes.c_char * GENAPI_ERROR_FIELD_MAX),
        ("request_id", ctypes.c_char * GENAPI_ERROR_FIELD_MAX),
    ]


def _expected_error_layout():
    """Offsets and size of struct genapi_error computed by hand from the header definition
    (the library has no sizeof function for it): four int32, one int64, then the char arrays."""
    offsets = {
        "status": 0,
        "http_status": 4,
        "server_code": 8,
        "message_truncated": 12,
        "retry_after_ms": 16,
    }
    off = 24
    for name, cap in (
        ("message", GENAPI_ERROR_MESSAGE_MAX),
        ("param", GENAPI_ERROR_FIELD_MAX),
        ("type", GENAPI_ERROR_FIELD_MAX),
        ("request_id", GENAPI_ERROR_FIELD_MAX),
    ):
        offsets[name] = off
        off += cap
    # alignment of the struct is that of int64_t (8): round up
    size = (off + 7) // 8 * 8
    return offsets, size


GENAPI_ERROR_OFFSETS, GENAPI_ERROR_SIZE = _expected_error_layout()  # size == 1432


def _check_error_layout() -> None:
    problems = []
    for name, off in GENAPI_ERROR_OFFSETS.items():
        got = getattr(GenapiErrorStruct, name).offset
        if got != off:
            problems.append(f"genapi_error.{name}: ctypes offset {got}, header offset {off}")
    if ctypes.sizeof(GenapiErrorStruct) != GENAPI_ERROR_SIZE:
        problems.append(
            f"sizeof(genapi_error): ctypes {ctypes.sizeof(GenapiErrorStruct)}, header {GENAPI_ERROR_SIZE}"
        )
    if problems:
        raise ImportError("genapi: struct genapi_error layout mismatch: " + "; ".join(problems))


_check_error_layout()


# --- exceptions --------------------------------------------------------------------------------
class Error(Exception):
    """A libgenapi failure.

    Attributes (filled from struct genapi_error):
      status          negative genapi_status code (int)
      status_name     genapi_status_str(status), e.g. "not found"
      message         human-readable explanation
      param           offending parameter (JSON name) or None
      http_status     HTTP status of the response, 0 if none arrived
      server_code     ``code`` from the server's error body, 0 if absent
      type            server error type (e.g. "NotFoundError") or None
      request_id      ``x-request-id`` of the response or None
      retry_after_ms  from a Retry-After header, or None
      message_truncated  True if the C library had to cut the message
      partial         streaming calls only (chat_stream / complete_stream), on "stream error"
                      and "cancelled": the ChatResult / CompletionResult of what had arrived;
                      None otherwise
    """

    partial = None

    def __init__(
        self,
        message: str,
        *,
        status: int = E_INVALID_ARG,
        status_name: str | None = None,
        param: str | None = None,
        http_status: int = 0,
        server_code: int = 0,
        type: str | None = None,  # noqa: A002 - mirrors the C field name
        request_id: str | None = None,
        retry_after_ms: int | None = None,
        message_truncated: bool = False,
    ):
        super().__init__(message)
        self.status = int(status)
        if status_name is None:
            from . import _lib  # late: _lib imports this module

            status_name = _lib.status_str(self.status)
        self.status_name = status_name
        self.message = message
        self.param = param
        self.http_status = int(http_status)
        self.server_code = int(server_code)
        self.type = type
        self.request_id = request_id
        self.retry_after_ms = retry_after_ms
        self.message_truncated = bool(message_truncated)

    def __str__(self) -> str:
        parts = [f"[{self.status_name}]"]
        if self.http_status:
            parts.append(f"HTTP {self.http_status}")
        if self.param:
            parts.append(f"param={self.param}")
        parts.append(self.message)
        return " ".join(parts)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status}, status_name={self.status_name!r}, "
            f"message={self.message!r}, param={self.param!r}, http_status={self.http_status})"
        )


class InvalidArgumentError(Error, ValueError):
    """GENAPI_E_INVALID_ARG: a caller-supplied value is out of range, malformed or unknown."""


class ConnectError(Error, ConnectionError):
    """GENAPI_E_CONNECT: could not connect to the server."""


class RequestTimeoutError(Error, TimeoutError):
    """GENAPI_E_TIMEOUT: connect or total timeout expired."""


class HTTPError(Error):
    """GENAPI_E_HTTP: an HTTP error status not mapped to a more specific class."""


class BadRequestError(HTTPError, ValueError):
    """GENAPI_E_BAD_REQUEST: HTTP 400/422, the server rejected a parameter."""


class AuthenticationError(HTTPError):
    """GENAPI_E_AUTH: HTTP 401/403."""


class NotFoundError(HTTPError, LookupError):
    """GENAPI_E_NOT_FOUND: HTTP 404 (unknown model or route)."""


class RateLimitError(HTTPError):
    """GENAPI_E_RATE_LIMITED: HTTP 429; see retry_after_ms."""


class ServerError(HTTPError):
    """GENAPI_E_SERVER: HTTP 5xx."""


class ParseError(Error):
    """GENAPI_E_PARSE: the response (or a JSON text) could not be parsed."""


class UnsupportedError(Error):
    """GENAPI_E_UNSUPPORTED: not available with this configuration."""


_CLASS_BY_STATUS = {
    E_INVALID_ARG: InvalidArgumentError,
    E_CONNECT: ConnectError,
    E_TIMEOUT: RequestTimeoutError,
    E_HTTP: HTTPError,
    E_BAD_REQUEST: BadRequestError,
    E_AUTH: AuthenticationError,
    E_NOT_FOUND: NotFoundError,
    E_RATE_LIMITED: RateLimitError,
    E_SERVER: ServerError,
    E_PARSE: ParseError,
    E_UNSUPPORTED: UnsupportedError,
}


def error_class(status: int) -> type:
    """The exception class used for a genapi_status."""
    return _CLASS_BY_STATUS.get(int(status), Error)


def _text(buf) -> str:
    # a c_char array field reads as bytes cut at the first NUL
    raw = buf if isinstance(buf, bytes) else bytes(buf.value)
    return raw.decode("utf-8", errors="replace")


def error_from_struct(status: int, err: GenapiErrorStruct, status_name: str) -> Error:
    """Build the Python exception for a failed call from its filled error record."""
    if err.status == 0 and status != 0:
        err_status = status  # the function failed without filling the record
    else:
        err_status = err.status or status
    message = _text(err.message) or status_name
    return error_class(err_status)(
        message,
        status=err_status,
        status_name=status_name if err_status == status else None,
        param=_text(err.param) or None,
        http_status=err.http_status,
        server_code=err.server_code,
        type=_text(err.type) or None,
        request_id=_text(err.request_id) or None,
        retry_after_ms=None if err.retry_after_ms < 0 else int(err.retry_after_ms),
        message_truncated=bool(err.message_truncated),
    )
