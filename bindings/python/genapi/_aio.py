"""asyncio on the non-blocking core (async.h), without a thread per request.

One Driver per client and event loop registers the client's descriptors with the loop
(loop.add_reader / add_writer for genapi_poll_fds(), the client's wake-up descriptor
included) and a loop timer for genapi_poll_timeout(); whenever one fires it calls
genapi_poll(client, 0) and reads the set again, since it changes after every poll.

C callbacks are three module-level ctypes function pointers, so no CFUNCTYPE object can be
freed while C still holds it. Each request passes an integer key as its ``user`` pointer;
the callbacks look the key up in a table of weak references and only record what happened
and schedule the rest on the event loop (loop.call_soon, or call_soon_threadsafe when another
thread drove the client). No user code runs inside genapi_poll(): futures are resolved and
on_progress is called from ordinary loop callbacks.

Handles: an Op releases its request in _finish() (after on_done), an AsyncStream when its
stream ended, when it is closed (after the cancel took effect) or when it is collected.
Every path clears the handle attribute first, so the release happens exactly once.
"""
from __future__ import annotations

import _thread
import asyncio
import ctypes
import itertools
import os
import threading
import weakref
from dataclasses import dataclass
from typing import Any, Callable

from . import _lib
from ._client import (
    DONE_FN,
    POLL_IN,
    POLL_OUT,
    PROGRESS_FN,
    STREAM_FN,
    CallbacksStruct,
    ChatResult,
    CompletionResult,
    PollFdStruct,
    StreamDelta,
    StreamDeltaStruct,
    _DeltaDecoder,
    genapi_poll,
    genapi_poll_fds,
    genapi_poll_timeout,
    genapi_request_cancel,
    genapi_request_done,
    genapi_request_release,
    genapi_request_status,
    genapi_stream_next,
)
from ._errors import E_AGAIN, E_BUSY, E_END, OK, Error, InvalidArgumentError
from ._requests import ResultKind, outcome

# How long to wait before polling again when genapi_poll() answers GENAPI_E_BUSY (another
# thread's blocking call is driving the client for the moment).
BUSY_RETRY_S = 0.002


@dataclass(frozen=True)
class Progress:
    """Progress of an image generation (genapi_progress), passed to on_progress."""

    progress: float  # fraction of the whole request done, 0..1 (never decreases)
    eta_relative: float  # seconds the server expects to remain; 0 when unknown
    sampling_step: int  # steps done of the current image
    sampling_steps: int  # steps of one image
    job_no: int  # image of the batch being made, from 0
    job_count: int  # images in the batch


# --- the C callbacks ---------------------------------------------------------------------------
_LIVE: dict[int, weakref.ref] = {}  # user key -> the Op / AsyncStream it belongs to
_keys = itertools.count(1)


def _lookup(user: int | None) -> Any:
    ref = _LIVE.get(user) if user else None
    return ref() if ref is not None else None


def _swallowed(e: BaseException) -> None:
    """Nothing may cross the C frames; a Ctrl-C that landed in a callback is delivered again."""
    if isinstance(e, KeyboardInterrupt):
        _thread.interrupt_main()


def _done_cb(_request, user) -> None:
    try:
        obj = _lookup(user)
        if obj is not None:
            obj._c_done()
    except BaseException as e:  # noqa: BLE001
        _swallowed(e)


def _delta_cb(_delta, user) -> int:
    try:
        obj = _lookup(user)
        if obj is not None:
            obj._c_ready()
    except BaseException as e:  # noqa: BLE001
        _swallowed(e)
    return 0  # never stops the stream: the consumer cancels through the handle


def _progress_cb(p, user) -> None:
    try:
        obj = _lookup(user)
        if obj is not None:
            v = p.contents
            obj._c_progress(Progress(float(v.progress), float(v.eta_relative), int(v.sampling_step),
                                     int(v.sampling_steps), int(v.job_no), int(v.job_count)))
    except BaseException as e:  # noqa: BLE001
        _swallowed(e)


_DONE_THUNK = DONE_FN(_done_cb)
_DELTA_THUNK = STREAM_FN(_delta_cb)
_PROGRESS_THUNK = PROGRESS_FN(_progress_cb)


def _inode(fd: int) -> int | None:
    try:
        return os.fstat(fd).st_ino
    except OSError:
        return None


# --- the driver --------------------------------------------------------------------------------
class Driver:
    """Drives one client from one asyncio event loop (created on that loop's thread)."""

    def __init__(self, client, loop: asyncio.AbstractEventLoop):
        self.client_ref = weakref.ref(client)
        self.loop = loop
        self.thread_id = threading.get_ident()
        self.ops: set[Op] = set()  # running requests (held until they end)
        self.closing: set[AsyncStream] = set()  # cancelled streams, held until they end
        self.streams: weakref.WeakSet[AsyncStream] = weakref.WeakSet()  # open streams
        self.registered: dict[int, tuple[int, int | None]] = {}  # fd -> (events, inode)
        self.fds = (PollFdStruct * 16)()
        self.timer: asyncio.TimerHandle | None = None
        self.soon: asyncio.Handle | None = None
        self.detached = False

    def busy(self) -> bool:
        return bool(self.ops or self.closing or len(self.streams))

    def call(self, fn: Callable, *args: Any) -> bool:
        """Run fn(*args) soon on the loop, from any thread; False when the loop is closed."""
        try:
            if threading.get_ident() == self.thread_id:
                self.loop.call_soon(fn, *args)
            else:
                self.loop.call_soon_threadsafe(fn, *args)
            return True
        except RuntimeError:
            return False

    def on_loop_thread(self) -> bool:
        return threading.get_ident() == self.thread_id

    def schedule(self) -> None:
        """Poll at the loop's next iteration (loop thread); nothing once the loop is closed."""
        if self.soon is None and not self.detached and not self.loop.is_closed():
            self.soon = self.loop.call_soon(self._run)

    def _ready(self) -> None:
        self._run()

    def _on_timer(self) -> None:
        self.timer = None
        self._run()

    def _run(self) -> None:
        if self.soon is not None:
            self.soon.cancel()
            self.soon = None
        if self.detached:
            return
        client = self.client_ref()
        h = client._try_use() if client is not None else None
        if h is None:
            self.detach()
            return
        try:
            st = genapi_poll(h, 0)
            if st == E_BUSY:
                # Another thread drives the client for now (a blocking call that started
                # before this loop first polled); its turn ends soon.
                self._set_timer(BUSY_RETRY_S)
                return
            self._rearm(h)
        finally:
            client._unuse()

    def _rearm(self, h: int) -> None:
        fds = self.fds
        n = genapi_poll_fds(h, fds, len(fds))
        while n > len(fds):
            fds = self.fds = (PollFdStruct * (2 * n))()
            n = genapi_poll_fds(h, fds, len(fds))
        want: dict[int, int] = {}
        for i in range(n):
            ev = fds[i].events & (POLL_IN | POLL_OUT)
            if ev:
                want[fds[i].fd] = want.get(fds[i].fd, 0) | ev
        reg = self.registered
        for fd, (ev, ino) in list(reg.items()):
            # A descriptor closed and reopened under the same number during the poll is a new
            # socket the loop's selector does not watch yet: its inode tells.
            if want.get(fd) != ev or _inode(fd) != ino:
                self._remove(fd)
        for fd, ev in want.items():
            if fd not in reg:
                self._add(fd, ev)
        t = genapi_poll_timeout(h)
        if t == 0:
            self._cancel_timer()
            self.schedule()
        elif t > 0:
            self._set_timer(t / 1000.0)
        else:
            self._cancel_timer()

    def _add(self, fd: int, ev: int) -> None:
        if ev & POLL_IN:
            self.loop.add_reader(fd, self._ready)
        if ev & POLL_OUT:
            self.loop.add_writer(fd, self._ready)
        self.registered[fd] = (ev, _inode(fd))

    def _remove(self, fd: int) -> None:
        ev, _ = self.registered.pop(fd)
        # Removing one direction of two re-registers the other, which fails with OSError when
        # the descriptor was closed meanwhile; the selector has then dropped it entirely.
        for on, remove in ((POLL_IN, self.loop.remove_reader), (POLL_OUT, self.loop.remove_writer)):
            if ev & on:
                try:
                    remove(fd)
                except (OSError, ValueError):
                    pass

    def _set_timer(self, delay: float) -> None:
        when = self.loop.time() + delay
        t = self.timer
        if t is not None and not t.cancelled() and abs(t.when() - when) < 0.0005:
            return
        if t is not None:
            t.cancel()
        self.timer = self.loop.call_at(when, self._on_timer)

    def _cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _unregister_all(self) -> None:
        for fd in list(self.registered):
            self._remove(fd)
        self._cancel_timer()
        if self.soon is not None:
            self.soon.cancel()
            self.soon = None

    def detach(self) -> None:
        """Stop watching the client's descriptors (before they are closed). Safe from any
        thread; from another thread while the loop runs it waits (briefly) for the loop."""
        if self.detached:
            return
        self.detached = True
        loop = self.loop
        if loop.is_closed():
            self.registered.clear()  # the selector, and what it watched, is gone
            return
        if self.on_loop_thread() or not loop.is_running():
            self._unregister_all()
            return
        done = threading.Event()

        def unregister() -> None:
            self._unregister_all()
            done.set()

        try:
            loop.call_soon_threadsafe(unregister)
        except RuntimeError:
            return
        done.wait(2.0)


# --- one request with one result ---------------------------------------------------------------
class Op:
    """A started request awaited for its result; resolves ``future`` when it ends."""

    def __init__(self, driver: Driver, kind: ResultKind, on_progress: Callable[[Progress], Any] | None = None):
        if on_progress is not None and not callable(on_progress):
            raise InvalidArgumentError(f"on_progress must be callable, got {type(on_progress).__name__}",
                                       param="on_progress")
        self.driver = driver
        self.kind = kind
        self.on_progress = on_progress
        self.future: asyncio.Future = driver.loop.create_future()
        self.handle: int | None = None
        self.status: int | None = None  # final genapi_status, once ended
        self.exception: BaseException | None = None  # raised by on_progress
        self.key = next(_keys)

    def start(self, client, start_fn: Callable, args: tuple) -> None:
        cb = CallbacksStruct()
        cb.on_done = _DONE_THUNK
        if self.on_progress is not None:
            cb.on_progress = _PROGRESS_THUNK
        cb.user = self.key
        out = ctypes.c_void_p()
        err = _lib.new_error()
        _LIVE[self.key] = weakref.ref(self)
        try:
            h = client._use()
            try:
                st = start_fn(h, *args, ctypes.byref(cb), ctypes.byref(out), ctypes.byref(err))
            finally:
                client._unuse()
            _lib.check(st, err)
        except BaseException:
            _LIVE.pop(self.key, None)
            raise
        self.handle = out.value
        self.driver.ops.add(self)
        self.driver.schedule()

    async def wait(self) -> Any:
        try:
            return await self.future
        except BaseException:
            self.cancel()  # the awaiting task was cancelled (or closed): stop the request
            raise

    def cancel(self) -> None:
        h = self.handle
        if h is not None:
            genapi_request_cancel(h)
            if self.driver.on_loop_thread():
                self.driver.schedule()

    # callbacks (any thread, inside the C loop): record and hand over to the event loop
    def _c_done(self) -> None:
        if not self.driver.call(self._finish):
            self._orphan()

    def _c_progress(self, p: Progress) -> None:
        self.driver.call(self._deliver_progress, p)

    def _orphan(self) -> None:
        """The loop is gone: nobody awaits the result; release the request here."""
        h, self.handle = self.handle, None
        _LIVE.pop(self.key, None)
        self.driver.ops.discard(self)
        if h is not None:
            genapi_request_release(h)

    # on the event loop
    def _deliver_progress(self, p: Progress) -> None:
        if self.future.done() or self.exception is not None or self.handle is None:
            return
        try:
            self.on_progress(p)
        except BaseException as e:  # noqa: BLE001 - raised from the awaiting call instead
            self.exception = e
            self.cancel()

    def _finish(self) -> None:
        h, self.handle = self.handle, None
        if h is None:
            return
        _LIVE.pop(self.key, None)
        self.driver.ops.discard(self)
        try:
            fut = self.future
            if fut.done():  # the awaiting task was cancelled
                err = _lib.new_error()
                self.status = genapi_request_status(h, ctypes.byref(err))
                return
            if self.exception is not None:
                err = _lib.new_error()
                self.status = genapi_request_status(h, ctypes.byref(err))
                exc, self.exception = self.exception, None
                fut.set_exception(exc)
                return
            try:
                self.status, result, error = outcome(h, self.kind)
            except BaseException as e:  # noqa: BLE001
                fut.set_exception(e)
                return
            if error is not None:
                fut.set_exception(error)
            else:
                fut.set_result(result)
        finally:
            genapi_request_release(h)

    def __del__(self):
        h = getattr(self, "handle", None)
        if h is not None:
            self.handle = None
            try:
                genapi_request_release(h)
            except Exception:  # noqa: BLE001 - interpreter shutdown
                pass


# --- streams -----------------------------------------------------------------------------------
class AsyncStream:
    """A streamed chat or text completion read with ``async for`` (a pull stream).

    Returned by ``Client.achat(..., stream=True)`` / ``achat_stream()`` and the completion
    equivalents. The request starts at the first ``__anext__()`` (or ``async with``), on the
    running loop. Leaving an ``async for`` early, cancelling the task that reads it,
    ``await aclose()``, the end of an ``async with`` block and garbage collection cancel the
    request. ``result`` is the accumulated ChatResult / CompletionResult after the last delta
    (the partial result after a failure or ``aclose()``); ``status`` the final genapi_status.
    A failed stream raises the typed genapi.Error (with ``partial``) from the iteration.
    """

    def __init__(self, client, start_fn: Callable, request: Any, temp_params: Any, kind: ResultKind):
        self._client = client
        self._start_fn = start_fn
        self._request = request  # the C request struct and what it borrows, until started
        self._temp = temp_params  # parameters made for this call, closed once started
        self._kind = kind
        self._decoder = _DeltaDecoder()
        self._delta = StreamDeltaStruct()
        self._key = next(_keys)
        self._handle: int | None = None
        self._driver: Driver | None = None
        self._started = False
        self._closing = False
        self._waiter: asyncio.Future | None = None
        self._closed: asyncio.Future | None = None
        self.result: ChatResult | CompletionResult | None = None
        self.status: int | None = None
        self.error: Error | None = None

    def _start(self) -> None:
        if self._started:
            return
        self._started = True
        try:
            drv = self._client._driver_for(asyncio.get_running_loop())
            cb = CallbacksStruct()
            cb.on_done = _DONE_THUNK
            cb.on_delta = _DELTA_THUNK
            cb.user = self._key
            cb.pull = 1
            out = ctypes.c_void_p()
            err = _lib.new_error()
            _LIVE[self._key] = weakref.ref(self)
            try:
                h = self._client._use()
                try:
                    st = self._start_fn(h, ctypes.byref(self._request.req), ctypes.byref(cb), ctypes.byref(out),
                                        ctypes.byref(err))
                finally:
                    self._client._unuse()
                _lib.check(st, err)
            except BaseException:
                _LIVE.pop(self._key, None)
                raise
            self._handle = out.value
            self._driver = drv
            drv.streams.add(self)
            drv.schedule()
        finally:
            self._request = None
            self._close_temp()

    def _close_temp(self) -> None:
        t, self._temp = self._temp, None
        if t is not None:
            t.close()

    # callbacks (any thread, inside the C loop)
    def _c_ready(self) -> None:
        drv = self._driver
        if drv is None:
            return
        if drv.on_loop_thread():
            self._wake()
        else:
            drv.call(self._wake)

    def _c_done(self) -> None:
        drv = self._driver
        if drv is None:
            return
        if self._closing:
            if not drv.call(self._finish_close):
                self._release_now()
        else:
            self._c_ready()

    # on the event loop
    def _wake(self) -> None:
        w = self._waiter
        if w is not None and not w.done():
            w.set_result(None)

    def __aiter__(self):
        return self._iterate()

    async def _iterate(self):
        """An async generator over the deltas that closes the stream when it is left early."""
        try:
            while True:
                try:
                    d = await self.__anext__()
                except StopAsyncIteration:
                    return
                yield d
        finally:
            self._close_nowait()

    async def __anext__(self) -> StreamDelta:
        self._start()
        d = self._delta
        while True:
            h = self._handle
            if h is None or self._closing:
                raise StopAsyncIteration
            st = genapi_stream_next(h, ctypes.byref(d))
            if st == OK:
                return self._decoder.convert(d)
            if st == E_END:
                self._end(h)
                raise StopAsyncIteration
            if st != E_AGAIN:
                raise Error(f"genapi_stream_next answered {_lib.status_str(st)}", status=st)
            w = self._waiter = self._driver.loop.create_future()
            try:
                await w
            except BaseException:
                self._close_nowait()
                raise
            finally:
                self._waiter = None

    def _end(self, h: int) -> None:
        """Every delta was read and the request ended: record how, release, raise on failure."""
        self._handle = None
        _LIVE.pop(self._key, None)
        if self._driver is not None:
            self._driver.streams.discard(self)
        try:
            self.status, self.result, self.error = outcome(h, self._kind)
        finally:
            genapi_request_release(h)
        if self.error is not None:
            raise self.error

    # closing
    def _close_nowait(self) -> None:
        """Cancel the request; it is released once it has ended (see aclose())."""
        if not self._started:
            self._started = True
            self._request = None
            self._close_temp()
            return
        h = self._handle
        if h is None or self._closing:
            return
        self._closing = True
        drv = self._driver
        drv.closing.add(self)
        drv.streams.discard(self)
        genapi_request_cancel(h)
        if genapi_request_done(h):
            if not drv.call(self._finish_close):
                self._release_now()
        elif drv.on_loop_thread():
            drv.schedule()
        self._wake()

    def _finish_close(self) -> None:
        h, self._handle = self._handle, None
        if h is None:
            return
        _LIVE.pop(self._key, None)
        self._driver.closing.discard(self)
        try:
            self.status, self.result, _ = outcome(h, self._kind)
        finally:
            genapi_request_release(h)
        c = self._closed
        if c is not None and not c.done():
            c.set_result(None)

    def _release_now(self) -> None:
        h, self._handle = self._handle, None
        _LIVE.pop(self._key, None)
        if self._driver is not None:
            self._driver.closing.discard(self)
            self._driver.streams.discard(self)
        if h is not None:
            genapi_request_release(h)

    async def aclose(self) -> None:
        """Cancel the request if it still runs and wait until it has ended; ``status`` and
        ``result`` (the partial result) are then set. Safe to call twice."""
        if self._handle is None:
            self._close_nowait()
            return
        if self._closed is None:
            self._closed = self._driver.loop.create_future()
        closed = self._closed
        self._close_nowait()
        if self._handle is not None:
            await closed

    async def __aenter__(self) -> "AsyncStream":
        self._start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    def __del__(self):
        try:
            h = getattr(self, "_handle", None)
            if h is not None:
                self._handle = None
                _LIVE.pop(self._key, None)
                genapi_request_release(h)  # cancels a request that still runs
            t = getattr(self, "_temp", None)
            if t is not None:
                self._temp = None
                t.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    @property
    def done(self) -> bool:
        """True once the stream ended or was closed."""
        return self._started and self._handle is None

    def __repr__(self) -> str:
        state = "not started" if not self._started else "open" if self._handle is not None else \
            f"ended status={self.status}"
        return f"<genapi.AsyncStream {self._kind.name} {state}>"
