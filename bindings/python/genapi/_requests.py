"""Started requests (async.h): taking their results, and streams read as Python iterators.

A ``genapi_request *`` handle is a plain integer here. Whoever holds one calls
genapi_request_release() on it exactly once; the objects below clear their handle attribute
before releasing it, so a second close (or the finalizer) finds nothing to release.
"""
from __future__ import annotations

import ctypes
import json
import time
from dataclasses import dataclass
from typing import Any, Callable

from . import _lib
from ._client import (
    LISTING_MODELS,
    LISTING_SAMPLERS,
    LISTING_UPSCALERS,
    P,
    CallbacksStruct,
    ChatResult,
    ChatResultStruct,
    CompletionResult,
    CompletionResultStruct,
    ImageListingStruct,
    ImagesResultStruct,
    ModelListStruct,
    StreamDelta,
    StreamDeltaStruct,
    TokenizeResultStruct,
    UpscaleResultStruct,
    _check_struct_size,
    _convert_completion,
    _convert_images,
    _convert_listing,
    _convert_model_list,
    _convert_result,
    _convert_tokenize,
    _convert_upscale,
    _DeltaDecoder,
    genapi_chat_result_free,
    genapi_completion_result_free,
    genapi_image_listing_free,
    genapi_images_result_free,
    genapi_model_list_free,
    genapi_request_cancel,
    genapi_request_release,
    genapi_request_status,
    genapi_request_take_chat,
    genapi_request_take_completion,
    genapi_request_take_image_listing,
    genapi_request_take_images,
    genapi_request_take_model_list,
    genapi_request_take_options,
    genapi_request_take_tokenize,
    genapi_request_take_upscale,
    genapi_request_wait,
    genapi_stream_next,
    genapi_stream_next_wait,
    genapi_tokenize_result_free,
    genapi_upscale_result_free,
)
from ._errors import E_AGAIN, E_BUSY, E_CANCELLED, E_END, E_INTERNAL, E_STREAM, OK, Error, error_from_struct

# Longest single genapi_stream_next_wait() of an iterator: between two such waits Python runs
# its signal handlers, so Ctrl-C interrupts a stream that waits for its server.
WAIT_SLICE_MS = 200
# Longest wait of Stream.close() for a cancelled request to end (it ends at the loop's next
# turn; the bound only matters when another thread drives the client and stopped doing so).
CLOSE_WAIT_MS = 2000


@dataclass(frozen=True)
class ResultKind:
    """How to move the result out of an ended request of one kind and convert it."""

    name: str  # the C result type, for messages
    take: Callable  # genapi_request_take_*
    struct: Any  # the result struct, or None for the options text
    free: Callable | None
    convert: Callable[[Any], Any]

    def take_result(self, handle: int) -> tuple[int, Any]:
        """(status of the take, converted result or None). The C result is freed here."""
        if self.struct is None:
            out = ctypes.c_void_p()
            st = self.take(handle, ctypes.byref(out))
            # the binding never installs an allocator, so the C library's own frees the text
            text = _lib.take_string(out.value, None)
            return st, (self.convert(text) if text is not None else None)
        out = P(self.struct)()
        st = self.take(handle, ctypes.byref(out))
        if not out:
            return st, None
        try:
            r = out.contents
            if self.struct in _SIZED:
                _check_struct_size(r, self.name)
            return st, self.convert(r)
        finally:
            self.free(out)

    def result_of(self, handle: int) -> Any:
        """The converted result of a request that ended with GENAPI_OK."""
        st, res = self.take_result(handle)
        if res is None:
            raise Error(f"the request ended without a {self.name} (take answered {_lib.status_str(st)})",
                        status=E_INTERNAL)
        return res


_SIZED = (ChatResultStruct, CompletionResultStruct, TokenizeResultStruct, ImagesResultStruct)

CHAT = ResultKind("genapi_chat_result", genapi_request_take_chat, ChatResultStruct, genapi_chat_result_free,
                  _convert_result)
COMPLETION = ResultKind("genapi_completion_result", genapi_request_take_completion, CompletionResultStruct,
                        genapi_completion_result_free, _convert_completion)
TOKENIZE = ResultKind("genapi_tokenize_result", genapi_request_take_tokenize, TokenizeResultStruct,
                      genapi_tokenize_result_free, _convert_tokenize)
TEXT_MODELS = ResultKind("genapi_model_list", genapi_request_take_model_list, ModelListStruct,
                         genapi_model_list_free, _convert_model_list)
IMAGES = ResultKind("genapi_images_result", genapi_request_take_images, ImagesResultStruct,
                    genapi_images_result_free, _convert_images)
UPSCALE = ResultKind("genapi_upscale_result", genapi_request_take_upscale, UpscaleResultStruct,
                     genapi_upscale_result_free, _convert_upscale)
OPTIONS = ResultKind("image options", genapi_request_take_options, None, None, json.loads)
LISTINGS = {
    k: ResultKind("genapi_image_listing", genapi_request_take_image_listing, ImageListingStruct,
                  genapi_image_listing_free, (lambda lst, k=k: _convert_listing(lst, k)))
    for k in (LISTING_MODELS, LISTING_SAMPLERS, LISTING_UPSCALERS)
}


def outcome(handle: int, kind: ResultKind) -> tuple[int, Any, Error | None]:
    """Status, converted result (partial for a failed stream) and exception of an ended request."""
    err = _lib.new_error()
    st = genapi_request_status(handle, ctypes.byref(err))
    _, result = kind.take_result(handle)
    if st == OK:
        if result is None:
            return st, None, Error(f"the request ended without a {kind.name}", status=E_INTERNAL)
        return st, result, None
    e = error_from_struct(st, err, _lib.status_str(st))
    if st in (E_STREAM, E_CANCELLED):
        e.partial = result
    return st, result, e


def pull_callbacks() -> CallbacksStruct:
    """Callbacks of a pull stream read with genapi_stream_next*(): nothing is called back."""
    cb = CallbacksStruct()
    cb.pull = 1
    return cb


class Stream:
    """A streamed chat or text completion, read as an iterator of StreamDelta.

    Returned by ``Client.chat(..., stream=True)`` and ``Client.complete(..., stream=True)``;
    the request is already running. Iterating drives the client (genapi_stream_next_wait())
    on the iterating thread, or waits for the thread that drives it. Leaving a ``for`` loop
    early (``break``, an exception), ``close()``, the end of a ``with`` block and garbage
    collection cancel the request, so the server stops generating.

    After the last delta, ``result`` is the accumulated ChatResult / CompletionResult (what the
    callback-style chat_stream() / complete_stream() return). A stream that fails raises the
    typed genapi.Error from the iteration, with ``partial`` on "stream error" and "cancelled";
    ``result`` then holds that partial result too. ``status`` is the request's final
    genapi_status (0, or e.g. -12 after a cancel); None while it runs.
    """

    def __init__(self, client, start_fn, request, kind: ResultKind):
        self._client = client
        self._kind = kind
        self._decoder = _DeltaDecoder()
        self._delta = StreamDeltaStruct()
        self._handle: int | None = None
        self.result: ChatResult | CompletionResult | None = None
        self.status: int | None = None
        self.error: Error | None = None
        cb = pull_callbacks()
        out = ctypes.c_void_p()
        err = _lib.new_error()
        h = client._use()
        try:
            st = start_fn(h, ctypes.byref(request.req), ctypes.byref(cb), ctypes.byref(out), ctypes.byref(err))
        finally:
            client._unuse()
        _lib.check(st, err)
        self._handle = out.value

    # -- iteration --
    def __iter__(self):
        """A generator over the deltas that closes the stream when it is left early."""
        try:
            while True:
                try:
                    d = self.__next__()
                except StopIteration:
                    return
                yield d
        finally:
            if self._handle is not None:
                self.close()

    def __next__(self) -> StreamDelta:
        while True:
            h = self._handle
            if h is None:
                raise StopIteration
            st = self._next_wait(h)
            if st == OK:
                return self._decoder.convert(self._delta)
            if st == E_AGAIN:
                continue
            if st == E_END:
                self._end(h)
                raise StopIteration
            if st == E_BUSY:
                raise Error("a stream of this client cannot be read from inside one of its callbacks", status=st)
            raise Error(f"genapi_stream_next_wait answered {_lib.status_str(st)}", status=st)

    def _next_wait(self, h: int) -> int:
        h_client = self._client._try_use()
        if h_client is None:  # the client was closed: what is queued can still be read
            return genapi_stream_next(h, ctypes.byref(self._delta))
        try:
            return genapi_stream_next_wait(h, ctypes.byref(self._delta), WAIT_SLICE_MS)
        finally:
            self._client._unuse()
            self._client._poke_driver()

    def _end(self, h: int) -> None:
        """The stream ended and every delta was read: record how, release, raise on failure."""
        self._handle = None
        try:
            self.status, self.result, self.error = outcome(h, self._kind)
        finally:
            genapi_request_release(h)
        if self.error is not None:
            raise self.error

    # -- closing --
    def close(self) -> None:
        """Cancel the request if it still runs, wait briefly for it to end, release it.
        ``status`` and ``result`` (the partial result) are then set. Safe to call twice."""
        h = self._handle
        if h is None:
            return
        self._handle = None
        try:
            genapi_request_cancel(h)
            if self._client._try_use() is not None:
                try:
                    # Turns of 1 ms: a longer wait would let the loop's turn keep waiting for
                    # activity after the cancel has already ended the request.
                    deadline = time.monotonic() + CLOSE_WAIT_MS / 1000.0
                    while genapi_request_wait(h, 1) == E_AGAIN and time.monotonic() < deadline:
                        pass
                finally:
                    self._client._unuse()
                    self._client._poke_driver()
            err = _lib.new_error()
            if genapi_request_status(h, ctypes.byref(err)) != E_AGAIN:
                self.status, self.result, _ = outcome(h, self._kind)
        finally:
            genapi_request_release(h)

    def __enter__(self) -> "Stream":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        h = getattr(self, "_handle", None)
        if h is not None:
            self._handle = None
            try:
                genapi_request_release(h)  # cancels a request that still runs
            except Exception:  # noqa: BLE001 - interpreter shutdown
                pass

    @property
    def done(self) -> bool:
        """True once the stream ended or was closed."""
        return self._handle is None

    def __repr__(self) -> str:
        state = "open" if self._handle is not None else f"ended status={self.status}"
        return f"<genapi.Stream {self._kind.name} {state}>"
