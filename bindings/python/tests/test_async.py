#!/usr/bin/env python3
"""Tests of the binding's iterator streams and asyncio client (async.h underneath).

Run:  GENAPI_LIBRARY=/path/to/libgenapi.so GENAPI_SERVER=/path/to/genapi-server \
      PYTHONPATH=bindings/python python3 bindings/python/tests/test_async.py

Everything runs against the in-process reference backend and against a genapi-server started
here (GENAPI_SERVER, else bin/genapi-server next to the library; those tests are skipped when
neither exists). Whether a server stopped generating is seen from outside: it runs with
--parallel 1, so a short request queued behind a long generation only finishes quickly when
that generation was stopped.
"""
from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # bindings/python, if PYTHONPATH was not set

import genapi  # noqa: E402
from genapi import _aio, _client  # noqa: E402

for _var in ("GENAPI_BASE_URL", "GENAPI_API_KEY"):
    os.environ.pop(_var, None)

REF_MODEL = "genapi-ref"
IMAGE_MODEL = "genapi-ref-image"
PROMPT = "Tell me about the sea."
CANCELLED = -12
# A generation of many seconds: 16 choices of 4000 tokens each.
LONG = dict(model=REF_MODEL, max_tokens=4000, ignore_eos=True, n=16, seed=1)
# A short request queued behind a stopped generation finishes well within this; behind a
# generation that goes on it waits for all of LONG.
QUICK_S = 2.5


def server_binary() -> str | None:
    cand = [os.environ.get("GENAPI_SERVER")]
    lib = os.environ.get("GENAPI_LIBRARY")
    if lib:
        cand.append(os.path.join(os.path.dirname(lib), "bin", "genapi-server"))
    for c in cand:
        if c and os.access(c, os.X_OK):
            return c
    return None


class Server:
    """A genapi-server child on a free port."""

    def __init__(self, *args: str):
        exe = server_binary()
        self.proc = subprocess.Popen([exe, "--host", "127.0.0.1", "--port", "0", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if "http://" not in line:
            self.stop()
            raise RuntimeError(f"genapi-server did not start: {line!r}")
        self.url = line[line.index("http://"):].strip()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()


def os_threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def run(coro):
    # debug: asyncio checks that every loop call is made on the loop's thread
    with asyncio.Runner(debug=True) as runner:
        runner.get_loop().slow_callback_duration = 30.0  # blocking calls inside coroutines are on purpose
        return runner.run(coro)


def chat_digest(r: genapi.ChatResult):
    return [(c.index, c.role, c.content, c.reasoning, c.finish_reason, c.stop_reason) for c in r.choices], r.usage


def completion_digest(r: genapi.CompletionResult):
    return [(c.index, c.text, c.finish_reason, c.stop_reason) for c in r.choices], r.usage


def starts_with_read(result, read) -> bool:
    """Every choice of a partial result starts with what the deltas read of it carried."""
    return all(c.content.startswith("".join(d.content or "" for d in read if d.index == c.index))
               for c in result.choices)


def recorded_op_statuses():
    """Wrap Op._finish to record each awaited request's final status (returns the list)."""
    seen: list[int] = []
    orig = _aio.Op._finish

    def finish(op):
        orig(op)
        if op.status is not None:
            seen.append(op.status)

    _aio.Op._finish = finish
    return seen, orig


class _Base(unittest.TestCase):
    URL: str | None = None  # None: the in-process backend
    SERVER_ARGS: tuple[str, ...] = ()

    @classmethod
    def setUpClass(cls):
        cls.server = None
        if cls.URL is not None or cls.SERVER_ARGS:
            if server_binary() is None:
                raise unittest.SkipTest("genapi-server not found (set GENAPI_SERVER)")
            cls.server = Server(*cls.SERVER_ARGS)
        cls.url = cls.server.url if cls.server else None
        cls.client = genapi.Client(cls.url, use_environment=False)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        if cls.server:
            cls.server.stop()

    def new_client(self) -> genapi.Client:
        c = genapi.Client(self.url, use_environment=False)
        self.addCleanup(c.close)
        return c


# --- iterator streams ----------------------------------------------------------------------------
class IteratorStreamTest(_Base):
    def test_chat_iterator_equals_callback_stream(self):
        kw = dict(model=REF_MODEL, seed=3, n=2, max_tokens=60, stop=["the"])
        pushed = []
        ref = self.client.chat_stream(PROMPT, on_delta=pushed.append, **kw)
        s = self.client.chat(PROMPT, stream=True, **kw)
        self.assertIsInstance(s, genapi.Stream)
        self.assertIsNone(s.result)
        self.assertIsNone(s.status)
        pulled = list(s)
        self.assertEqual(pulled, pushed)  # content, reasoning, finish_reason, index, stop reason
        self.assertTrue(all(isinstance(d, genapi.StreamDelta) for d in pulled))
        self.assertEqual({d.index for d in pulled}, {0, 1})
        self.assertIn("the", [d.stop_reason for d in pulled if d.finish_reason])
        self.assertEqual(s.status, 0)
        self.assertTrue(s.done)
        self.assertIsInstance(s.result, genapi.ChatResult)
        self.assertEqual(chat_digest(s.result), chat_digest(ref))
        for c in s.result.choices:
            self.assertEqual("".join(d.content or "" for d in pulled if d.index == c.index), c.content)
        self.assertEqual(list(s), [])  # an ended stream yields nothing more
        self.assertEqual(self.client.pending(), 0)

    def test_completion_iterator_equals_callback_stream(self):
        kw = dict(model=REF_MODEL, seed=9, max_tokens=40, echo=True)
        pushed = []
        ref = self.client.complete_stream("Once upon a time", on_delta=pushed.append, **kw)
        with self.client.complete("Once upon a time", stream=True, **kw) as s:
            pulled = [d for d in s]
        self.assertEqual(pulled, pushed)
        self.assertIsInstance(s.result, genapi.CompletionResult)
        self.assertEqual(completion_digest(s.result), completion_digest(ref))
        self.assertEqual(s.result.text, self.client.complete("Once upon a time", **kw).text)
        self.assertEqual(s.status, 0)

    def test_next_and_plain_result_equal(self):
        kw = dict(model=REF_MODEL, seed=42, max_tokens=30)
        s = self.client.chat(PROMPT, stream=True, **kw)
        first = next(s)
        rest = list(s)
        text = "".join(d.content or "" for d in [first] + rest)
        self.assertEqual(text, self.client.chat(PROMPT, **kw).content)
        self.assertEqual(s.result.content, text)

    def _assert_cancelled(self, s, read):
        self.assertEqual(s.status, CANCELLED)
        self.assertTrue(s.done)
        self.assertIsInstance(s.result, genapi.ChatResult)  # the partial result
        self.assertTrue(starts_with_read(s.result, read))
        self.assertIsNone(s.result.choices[0].finish_reason)
        self.assertEqual(self.client.pending(), 0)

    def test_break_cancels(self):
        s = self.client.chat(PROMPT, stream=True, **LONG)
        read = []
        for d in s:
            read.append(d)
            if len(read) == 3:
                break
        self._assert_cancelled(s, read)
        self.assertEqual(list(s), [])

    def test_close_and_context_manager_cancel(self):
        s = self.client.chat(PROMPT, stream=True, **LONG)
        read = [next(s), next(s)]
        s.close()
        self._assert_cancelled(s, read)
        s.close()  # twice is harmless
        with self.assertRaises(StopIteration):
            next(s)
        with self.client.chat(PROMPT, stream=True, **LONG) as s2:
            read = [next(s2)]
        self._assert_cancelled(s2, read)

    def test_garbage_collection_cancels(self):
        t0 = time.monotonic()
        for _ in self.client.chat(PROMPT, stream=True, **LONG):  # the unnamed stream is dropped
            break
        s = self.client.chat(PROMPT, stream=True, **LONG)
        next(s)
        del s
        gc.collect()
        self.assertTrue(self.client.chat("hi", model=REF_MODEL, max_tokens=2).choices)  # drives the loop
        self.assertEqual(self.client.pending(), 0)
        self.assertLess(time.monotonic() - t0, QUICK_S)

    def test_failed_streams_raise_typed_errors(self):
        s = self.client.chat(PROMPT, stream=True, model="no-such-model")
        with self.assertRaises(genapi.NotFoundError) as cm:
            next(s)
        self.assertEqual(cm.exception.http_status, 404)
        self.assertIsNone(cm.exception.partial)
        self.assertIsInstance(s.error, genapi.NotFoundError)
        with self.assertRaises(genapi.InvalidArgumentError) as cm:  # validated when started
            self.client.complete(PROMPT, stream=True, model=REF_MODEL, top_p=0)
        self.assertEqual(cm.exception.param, "top_p")
        # a stream whose client goes away ends "cancelled", with what had arrived
        c = genapi.Client(self.url, use_environment=False)
        s = c.chat(PROMPT, stream=True, **LONG)
        first = next(s)
        c.close()
        with self.assertRaises(genapi.Error) as cm:
            for _ in s:
                pass
        self.assertEqual(cm.exception.status, CANCELLED)
        self.assertEqual(cm.exception.status_name, "cancelled")
        self.assertIsInstance(cm.exception.partial, genapi.ChatResult)
        self.assertTrue(starts_with_read(cm.exception.partial, [first]))
        self.assertIs(s.error, cm.exception)
        with self.assertRaises(genapi.InvalidArgumentError):
            c.chat(PROMPT, stream=True, model=REF_MODEL)

    def test_stream_read_on_another_thread(self):
        kw = dict(model=REF_MODEL, seed=5, max_tokens=40)
        s = self.client.chat(PROMPT, stream=True, **kw)
        out = []
        t = threading.Thread(target=lambda: out.extend(s))
        t.start()
        t.join(30)
        self.assertFalse(t.is_alive())
        self.assertEqual("".join(d.content or "" for d in out), self.client.chat(PROMPT, **kw).content)


class IteratorStreamHTTPTest(IteratorStreamTest):
    SERVER_ARGS = ("--parallel", "1")

    def quick_request_s(self) -> float:
        """Seconds a short request takes on a second connection (it waits for the server's
        single generation slot)."""
        t0 = time.monotonic()
        with genapi.Client(self.url, use_environment=False) as other:
            self.assertTrue(other.chat("hi", model=REF_MODEL, max_tokens=2).choices)
        return time.monotonic() - t0

    def test_server_busy_without_cancel(self):
        """The measurement itself: a generation that goes on does hold the slot."""
        s = self.client.chat(PROMPT, stream=True, **LONG)
        next(s)
        try:
            done = threading.Event()
            took = []

            def quick():
                took.append(self.quick_request_s())
                done.set()

            t = threading.Thread(target=quick)
            t.start()
            self.assertFalse(done.wait(QUICK_S))  # still waiting behind the long generation
        finally:
            s.close()
        t.join(30)
        self.assertEqual(s.status, CANCELLED)
        self.assertTrue(took)

    def test_break_stops_the_server(self):
        for i, _ in enumerate(self.client.chat(PROMPT, stream=True, **LONG)):
            if i == 2:
                break
        self.assertLess(self.quick_request_s(), QUICK_S)
        s = self.client.chat(PROMPT, stream=True, **LONG)
        next(s)
        s.close()
        self.assertEqual(s.status, CANCELLED)
        self.assertLess(self.quick_request_s(), QUICK_S)


# --- asyncio ---------------------------------------------------------------------------------------
class AsyncTest(_Base):
    def test_gather_equals_blocking_without_threads(self):
        prompts = [f"{PROMPT} Part {i}." for i in range(20)]
        blocking = [self.client.chat(p, model=REF_MODEL, seed=i, max_tokens=24) for i, p in enumerate(prompts)]
        tok_ref = self.client.tokenize(PROMPT, model=REF_MODEL)
        comp_ref = self.client.complete("Once upon a time", model=REF_MODEL, seed=4, max_tokens=16)
        counts = set()

        async def watch(stop: asyncio.Event):
            while not stop.is_set():
                counts.add((threading.active_count(), os_threads()))
                await asyncio.sleep(0)

        async def main():
            stop = asyncio.Event()
            w = asyncio.create_task(watch(stop))
            rs = await asyncio.gather(*[self.client.achat(p, model=REF_MODEL, seed=i, max_tokens=24)
                                        for i, p in enumerate(prompts)],
                                      self.client.atokenize(PROMPT, model=REF_MODEL),
                                      self.client.acomplete("Once upon a time", model=REF_MODEL, seed=4,
                                                            max_tokens=16))
            stop.set()
            await w
            return rs

        before = (threading.active_count(), os_threads())
        rs = run(main())
        self.assertEqual(counts, {before})  # no thread was started while the calls ran
        self.assertEqual((threading.active_count(), os_threads()), before)
        for got, want in zip(rs[:20], blocking):
            self.assertIsInstance(got, genapi.ChatResult)
            self.assertEqual(chat_digest(got), chat_digest(want))
        self.assertEqual(rs[20], tok_ref)
        self.assertEqual(completion_digest(rs[21]), completion_digest(comp_ref))
        self.assertEqual(self.client.pending(), 0)

    def test_async_for_equals_callback_stream(self):
        kw = dict(model=REF_MODEL, seed=3, n=2, max_tokens=60, stop=["the"])
        pushed = []
        ref = self.client.chat_stream(PROMPT, on_delta=pushed.append, **kw)
        cpushed = []
        cref = self.client.complete_stream("Once upon a time", on_delta=cpushed.append, model=REF_MODEL, seed=2,
                                           max_tokens=30)

        async def main():
            s = self.client.achat(PROMPT, stream=True, **kw)
            self.assertIsInstance(s, genapi.AsyncStream)
            got = [d async for d in s]
            cs = self.client.acomplete_stream("Once upon a time", model=REF_MODEL, seed=2, max_tokens=30)
            async with cs:
                cgot = [d async for d in cs]
            return s, got, cs, cgot

        s, got, cs, cgot = run(main())
        self.assertEqual(got, pushed)
        self.assertEqual(s.status, 0)
        self.assertEqual(chat_digest(s.result), chat_digest(ref))
        self.assertEqual(cgot, cpushed)
        self.assertEqual(completion_digest(cs.result), completion_digest(cref))

    def test_task_cancel_cancels_the_request(self):
        seen, orig = recorded_op_statuses()
        try:
            async def main():
                t = asyncio.create_task(self.client.achat(PROMPT, **LONG))
                for _ in range(5):
                    await asyncio.sleep(0.01)
                self.assertEqual(self.client.pending(), 1)
                t.cancel()
                with self.assertRaises(asyncio.CancelledError):
                    await t
                for _ in range(100):
                    if seen:
                        break
                    await asyncio.sleep(0.01)

            t0 = time.monotonic()
            run(main())
            self.assertLess(time.monotonic() - t0, QUICK_S)
        finally:
            _aio.Op._finish = orig
        self.assertEqual(seen, [CANCELLED])
        self.assertEqual(self.client.pending(), 0)

    def test_async_stream_cancel_paths(self):
        async def main():
            # break, then aclose() waits for the request's end
            s = self.client.achat_stream(PROMPT, **LONG)
            read = []
            async for d in s:
                read.append(d)
                if len(read) == 3:
                    break
            await s.aclose()
            self.assertEqual(s.status, CANCELLED)
            self.assertTrue(starts_with_read(s.result, read))
            # the task reading the stream is cancelled
            s2 = self.client.achat(PROMPT, stream=True, **LONG)

            async def consume():
                async for _ in s2:
                    pass

            t = asyncio.create_task(consume())
            await asyncio.sleep(0.05)
            t.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await t
            await s2.aclose()
            self.assertEqual(s2.status, CANCELLED)
            # async with
            async with self.client.achat_stream(PROMPT, **LONG) as s3:
                await s3.__anext__()
            self.assertEqual(s3.status, CANCELLED)
            # dropped without closing
            s4 = self.client.achat_stream(PROMPT, **LONG)
            await s4.__anext__()
            del s4
            gc.collect()
            for _ in range(200):
                if self.client.pending() == 0:
                    break
                await asyncio.sleep(0.005)
            self.assertEqual(self.client.pending(), 0)
            # never started: nothing to cancel
            await self.client.achat_stream(PROMPT, model=REF_MODEL).aclose()

        run(main())

    def test_errors(self):
        async def main():
            with self.assertRaises(genapi.NotFoundError) as cm:
                await self.client.achat(PROMPT, model="no-such-model")
            self.assertEqual(cm.exception.http_status, 404)
            with self.assertRaises(genapi.InvalidArgumentError) as cm:
                await self.client.acomplete(PROMPT, model=REF_MODEL, top_p=0)
            self.assertEqual(cm.exception.param, "top_p")
            with self.assertRaises(genapi.InvalidArgumentError):
                self.client.achat(PROMPT, model=REF_MODEL, no_such_parameter=1, stream=True)
            s = self.client.achat_stream(PROMPT, model="no-such-model")
            with self.assertRaises(genapi.NotFoundError):
                async for _ in s:
                    pass
            self.assertIsInstance(s.error, genapi.NotFoundError)
            with self.assertRaises(genapi.InvalidArgumentError):
                await self.client.aimg2img(b"not an image", sd_model_checkpoint=IMAGE_MODEL, prompt="x",
                                           on_progress=3)

        run(main())

    def test_close_with_requests_in_flight(self):
        c = genapi.Client(self.url, use_environment=False)

        async def main():
            # The stream first: once its first delta is in, the server (one generation at a
            # time) runs it, and the whole-answer request started next waits behind it.
            s = c.achat_stream(PROMPT, **LONG)
            first = await s.__anext__()
            t = asyncio.create_task(c.achat(PROMPT, **LONG))
            await asyncio.sleep(0.02)
            c.close()
            with self.assertRaises(genapi.Error) as cm:
                await t
            self.assertEqual(cm.exception.status, CANCELLED)
            with self.assertRaises(genapi.Error) as cm:
                async for _ in s:
                    pass
            self.assertEqual(cm.exception.status, CANCELLED)
            self.assertTrue(starts_with_read(cm.exception.partial, [first]))
            with self.assertRaises(genapi.InvalidArgumentError):
                await c.achat(PROMPT, model=REF_MODEL)

        run(main())

    def test_images_with_progress(self):
        args = dict(sd_model_checkpoint=IMAGE_MODEL, prompt="a red cube", seed=5, width=256, height=256,
                    batch_size=2, steps=12)
        ref = self.client.txt2img(**args)
        progress = []

        async def main():
            r = await self.client.atxt2img(on_progress=progress.append, **args)
            up = await self.client.aupscale(r.images[0].data, upscaler_1="Lanczos", upscaling_resize=2)
            v = await self.client.aimg2img([r.images[0].data], sd_model_checkpoint=IMAGE_MODEL, prompt="blue",
                                           denoising_strength=0.5)
            return r, up, v

        r, up, v = run(main())
        self.assertEqual([i.data for i in r.images], [i.data for i in ref.images])
        self.assertEqual(r.all_seeds, [5, 6])
        self.assertEqual((up.width, up.height), (512, 512))
        self.assertEqual((v.images[0].width, v.images[0].height), (256, 256))
        self.assertTrue(progress)
        self.assertTrue(all(isinstance(p, genapi.Progress) for p in progress))
        values = [p.progress for p in progress]
        self.assertEqual(values, sorted(values))
        self.assertEqual(values[-1], 1.0)

    def test_on_progress_exception_cancels(self):
        class Boom(Exception):
            pass

        seen, orig = recorded_op_statuses()
        try:
            async def main():
                def on_progress(p):
                    raise Boom()

                with self.assertRaises(Boom):
                    await self.client.atxt2img(sd_model_checkpoint=IMAGE_MODEL, prompt="a city", seed=2,
                                               width=1024, height=1024, batch_size=4, on_progress=on_progress)

            run(main())
        finally:
            _aio.Op._finish = orig
        self.assertEqual(seen, [CANCELLED])

    def test_listings_and_options(self):
        async def main():
            return (await self.client.alist_text_models(), await self.client.alist_image_models(),
                    await self.client.alist_samplers(), await self.client.alist_upscalers(),
                    await self.client.aimage_options())

        models, image_models, samplers, upscalers, options = run(main())
        self.assertEqual(models, self.client.list_text_models())
        self.assertEqual(image_models, self.client.list_image_models())
        self.assertEqual(samplers, self.client.list_samplers())
        self.assertEqual(upscalers, self.client.list_upscalers())
        self.assertEqual(options, self.client.image_options())

    def test_sequential_event_loops_and_blocking_calls(self):
        async def one(seed):
            return await self.client.achat(PROMPT, model=REF_MODEL, seed=seed, max_tokens=8)

        a = run(one(1))
        b = run(one(2))  # a new loop: the client follows it
        self.assertEqual(a.content, self.client.chat(PROMPT, model=REF_MODEL, seed=1, max_tokens=8).content)
        self.assertEqual(b.content, self.client.chat(PROMPT, model=REF_MODEL, seed=2, max_tokens=8).content)

        async def mixed():
            # a blocking call on another thread is completed by this loop's polls
            loop = asyncio.get_running_loop()
            r = await self.client.achat(PROMPT, model=REF_MODEL, seed=3, max_tokens=8)
            done = threading.Event()
            box = []

            def blocking():
                box.append(self.client.tokenize(PROMPT, model=REF_MODEL))
                loop.call_soon_threadsafe(done.set)

            t = threading.Thread(target=blocking)
            t.start()
            while not done.is_set():
                await asyncio.sleep(0.005)
            t.join()
            return r, box[0]

        r, tok = run(mixed())
        self.assertEqual(tok.tokens, self.client.tokenize(PROMPT, model=REF_MODEL).tokens)
        self.assertEqual(r.content, self.client.chat(PROMPT, model=REF_MODEL, seed=3, max_tokens=8).content)


    def test_blocking_calls_on_the_loop_thread(self):
        """A blocking call or a Stream read inside a coroutine drives the client itself; the
        loop's requests go on and the loop watches the right descriptors afterwards."""
        kw = [dict(model=REF_MODEL, seed=i, max_tokens=300, ignore_eos=True) for i in range(6)]
        want = [self.client.chat(PROMPT, **k).content for k in kw]

        async def main():
            await self.client.achat(PROMPT, model=REF_MODEL, max_tokens=2)
            tasks = [asyncio.create_task(self.client.achat(PROMPT, **k)) for k in kw]
            await asyncio.sleep(0)
            small = self.client.chat(PROMPT, model=REF_MODEL, seed=7, max_tokens=4)
            streamed = "".join(d.content or "" for d in self.client.chat(PROMPT, stream=True, model=REF_MODEL,
                                                                          seed=7, max_tokens=4))
            rs = await asyncio.wait_for(asyncio.gather(*tasks), 60)
            return small, streamed, rs

        small, streamed, rs = run(main())
        self.assertEqual(streamed, small.content)
        self.assertEqual([r.content for r in rs], want)


    def test_other_threads_beside_the_loop(self):
        """Once the loop drives the client, blocking calls and stream reads on other threads
        are completed by its polls, and close() from another thread ends what runs."""
        c = self.new_client()
        ref = c.chat(PROMPT, model=REF_MODEL, seed=1, max_tokens=30).content

        async def main():
            await c.achat(PROMPT, model=REF_MODEL, max_tokens=2)
            out = {}

            def worker():
                out["stream"] = "".join(d.content or "" for d in c.chat(PROMPT, stream=True, model=REF_MODEL,
                                                                        seed=1, max_tokens=30))
                out["blocking"] = c.chat(PROMPT, model=REF_MODEL, seed=1, max_tokens=30).content
                s = c.chat(PROMPT, stream=True, **LONG)
                next(s)
                s.close()
                out["closed"] = s.status

            await asyncio.wait_for(asyncio.to_thread(worker), 60)
            task = asyncio.create_task(c.achat(PROMPT, **LONG))
            await asyncio.sleep(0.02)
            await asyncio.wait_for(asyncio.to_thread(c.close), 30)
            with self.assertRaises(genapi.Error) as cm:
                await task
            return out, cm.exception

        out, e = run(main())
        self.assertEqual(out, {"stream": ref, "blocking": ref, "closed": CANCELLED})
        self.assertEqual(e.status_name, "cancelled")


class AsyncHTTPTest(AsyncTest):
    SERVER_ARGS = ("--parallel", "1")

    def quick_request_s(self) -> float:
        t0 = time.monotonic()
        with genapi.Client(self.url, use_environment=False) as other:
            self.assertTrue(other.chat("hi", model=REF_MODEL, max_tokens=2).choices)
        return time.monotonic() - t0

    def test_gather_equals_blocking_without_threads(self):
        # the server runs one generation at a time here: give it a server of its own
        srv = Server("--parallel", "4")
        self.addCleanup(srv.stop)
        c = genapi.Client(srv.url, use_environment=False)
        self.addCleanup(c.close)
        saved = self.client
        self.client = c
        try:
            super().test_gather_equals_blocking_without_threads()
        finally:
            self.client = saved

    def test_task_cancel_stops_the_server(self):
        async def main():
            t = asyncio.create_task(self.client.achat(PROMPT, **LONG))
            await asyncio.sleep(0.1)
            t.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await t
            s = self.client.achat_stream(PROMPT, **LONG)
            async for _ in s:
                break
            await s.aclose()
            self.assertEqual(s.status, CANCELLED)

        run(main())
        self.assertLess(self.quick_request_s(), QUICK_S)


class LayoutTest(unittest.TestCase):
    def test_async_structs(self):
        """genapi_callbacks / genapi_progress / genapi_pollfd as the x86-64 / aarch64 ABI lays them out
        (test_binding.py also compares them with a C compiler)."""
        ptr = _client.ctypes.sizeof(_client.ctypes.c_void_p)
        self.assertEqual(_client.ctypes.sizeof(_client.CallbacksStruct), 4 * ptr + 8)
        self.assertEqual(_client.ctypes.sizeof(_client.ProgressStruct), 32)
        self.assertEqual(_client.ctypes.sizeof(_client.PollFdStruct), 8)


if __name__ == "__main__":
    unittest.main(verbosity=2)
