"""Python ctypes binding of libgenapi.

    import genapi
    with genapi.Client() as c:                     # GENAPI_BASE_URL, else in-process backend
        r = c.chat([{"role": "user", "content": "Hello"}], model="genapi-ref", temperature=0.7)
        print(r.choices[0].content, r.usage.total_tokens)
        t = c.complete("Once upon a time", model="genapi-ref", max_tokens=16, logprobs=2)
        s = c.chat_stream("Hello", model="genapi-ref", on_delta=lambda d: print(d.content or "", end=""))
        for d in c.chat("Hello", model="genapi-ref", stream=True):   # a genapi.Stream of StreamDelta
            print(d.content or "", end="")
        ids = c.tokenize("Once upon a time", model="genapi-ref").tokens
        imgs = c.txt2img(sd_model_checkpoint="genapi-ref-image", prompt="a cat", seed=5).images

    async def main(c):                             # asyncio: no thread per request
        r = await c.achat("Hello", model="genapi-ref")
        async for d in c.achat("Hello", model="genapi-ref", stream=True):
            print(d.content or "", end="")

The parameters (text, txt2img, img2img, upscale) are not listed anywhere in this package: the ctypes struct, the accepted
keyword names and their parsing all come from the loaded library's parameter table.
The library is found through GENAPI_LIBRARY (full path), then the library of the prefix this package
was installed from (genapi/_libpath.py, written by cmake --install), then ctypes.util.find_library("genapi"),
then "libgenapi.so.0" and "libgenapi.so".
"""
from __future__ import annotations

from . import _lib
from ._client import (
    ChatChoice,
    ChatResult,
    Client,
    CompletionChoice,
    CompletionResult,
    Image,
    ImageModelInfo,
    ImageSampler,
    ImagesResult,
    ModelInfo,
    StreamDelta,
    TokenizeResult,
    TokenLogprob,
    ToolCall,
    UpscaledImage,
    Upscaler,
    Usage,
)
from ._aio import AsyncStream, Progress  # noqa: I001 - after _client, which loads it
from ._requests import Stream
from ._errors import (
    AuthenticationError,
    BadRequestError,
    ConnectError,
    Error,
    HTTPError,
    InvalidArgumentError,
    NotFoundError,
    ParseError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    UnsupportedError,
)
from ._params import (
    SAMPLER_NAMES,
    Img2ImgParams,
    TextParams,
    Txt2ImgParams,
    UpscaleParams,
    params,
    sampler_id,
    sampler_name,
)

ABI_VERSION = _lib.ABI_VERSION
library_path: str = _lib.library_path
__version__: str = _lib.genapi_version().decode("ascii")


def library_version() -> str:
    """genapi_version() of the loaded library, "MAJOR.MINOR.PATCH"."""
    return _lib.genapi_version().decode("ascii")


def status_str(status: int) -> str:
    """genapi_status_str(): short English name of a status code."""
    return _lib.status_str(status)


__all__ = [
    "ABI_VERSION",
    "AsyncStream",
    "AuthenticationError",
    "BadRequestError",
    "ChatChoice",
    "ChatResult",
    "Client",
    "CompletionChoice",
    "CompletionResult",
    "ConnectError",
    "Error",
    "HTTPError",
    "Image",
    "ImageModelInfo",
    "ImageSampler",
    "ImagesResult",
    "Img2ImgParams",
    "InvalidArgumentError",
    "ModelInfo",
    "NotFoundError",
    "ParseError",
    "Progress",
    "RateLimitError",
    "RequestTimeoutError",
    "SAMPLER_NAMES",
    "ServerError",
    "Stream",
    "StreamDelta",
    "TextParams",
    "TokenLogprob",
    "TokenizeResult",
    "ToolCall",
    "Txt2ImgParams",
    "UnsupportedError",
    "UpscaleParams",
    "UpscaledImage",
    "Upscaler",
    "Usage",
    "library_path",
    "library_version",
    "params",
    "sampler_id",
    "sampler_name",
    "status_str",
]
