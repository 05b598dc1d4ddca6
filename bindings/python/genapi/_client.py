"""The client (client.h), chat completions (chat.h), text completions (completions.h),
tokenization (tokenize.h), token logprobs (logprobs.h), model listings (models.h) and image
generation, upscaling, listings and options (images.h)."""
from __future__ import annotations

import asyncio
import base64
import codecs
import ctypes
import json
import operator
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

from . import _lib
from ._errors import E_CANCELLED, E_INTERNAL, E_STREAM, Error, InvalidArgumentError, error_from_struct
from ._params import Img2ImgParams, IntList, StrList, TextParams, Txt2ImgParams, UpscaleParams, _Params

c_int32 = ctypes.c_int32
c_uint32 = ctypes.c_uint32
c_int64 = ctypes.c_int64
c_size_t = ctypes.c_size_t
c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p
c_double = ctypes.c_double
c_uint8 = ctypes.c_uint8
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
        ("max_retries", c_int32),
        ("idle_timeout_s", c_int32),
        ("retry_max_delay_ms", c_int64),
        ("log_fn", c_void_p),
        ("log_user", c_void_p),
        ("log_level", c_int32),
        ("reserved2", c_int32),
        ("max_response_bytes", c_int64),
    ]


# --- logprobs.h ----------------------------------------------------------------------------------
class TopLogprobStruct(ctypes.Structure):
    """genapi_top_logprob"""

    _fields_ = [("token", c_char_p), ("logprob", c_double)]


class TokenLogprobStruct(ctypes.Structure):
    """genapi_token_logprob"""

    _fields_ = [
        ("token", c_char_p),
        ("logprob", c_double),
        ("has_logprob", c_int32),
        ("has_top", c_int32),
        ("bytes", P(c_uint8)),
        ("n_bytes", c_size_t),
        ("text_offset", c_int64),
        ("top", P(TopLogprobStruct)),
        ("top_count", c_size_t),
    ]


class LogprobsStruct(ctypes.Structure):
    """genapi_logprobs"""

    _fields_ = [("items", P(TokenLogprobStruct)), ("count", c_size_t)]


# --- chat.h --------------------------------------------------------------------------------------
class ToolCallStruct(ctypes.Structure):
    """genapi_tool_call"""

    _fields_ = [
        ("index", c_int64),
        ("id", c_char_p),
        ("type", c_char_p),
        ("name", c_char_p),
        ("arguments", c_char_p),
    ]


class ChatMessageStruct(ctypes.Structure):
    """genapi_chat_message"""

    _fields_ = [
        ("role", c_char_p),
        ("content", c_char_p),
        ("name", c_char_p),
        ("tool_call_id", c_char_p),
        ("tool_calls", P(ToolCallStruct)),
        ("tool_call_count", c_size_t),
    ]


class ToolStruct(ctypes.Structure):
    """genapi_tool"""

    _fields_ = [("name", c_char_p), ("description", c_char_p), ("parameters_json", c_char_p)]


class ChatRequestStruct(ctypes.Structure):
    """genapi_chat_request"""

    _fields_ = [
        ("struct_size", c_uint32),
        ("reserved", c_uint32),
        ("messages", P(ChatMessageStruct)),
        ("message_count", c_size_t),
        ("params", c_void_p),
        ("extra_json", c_char_p),
        ("tools", P(ToolStruct)),
        ("tool_count", c_size_t),
        ("tool_choice", c_int32),
        ("parallel_tool_calls", c_int32),
        ("tool_choice_name", c_char_p),
    ]


class ChatChoiceStruct(ctypes.Structure):
    """genapi_chat_choice (content and reasoning are read with their lengths: they may contain NUL)."""

    _fields_ = [
        ("index", c_int64),
        ("role", c_char_p),
        ("content", c_void_p),
        ("content_len", c_size_t),
        ("reasoning", c_void_p),
        ("finish_reason", c_char_p),
        ("stop_reason_kind", c_int32),
        ("reserved", c_int32),
        ("stop_token", c_int64),
        ("stop_string", c_char_p),
        ("tool_calls", P(ToolCallStruct)),
        ("tool_call_count", c_size_t),
        ("logprobs", P(LogprobsStruct)),
        ("reasoning_len", c_size_t),
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


# --- completions.h -------------------------------------------------------------------------------
class CompletionRequestStruct(ctypes.Structure):
    """genapi_completion_request"""

    _fields_ = [
        ("struct_size", c_uint32),
        ("echo", c_int32),
        ("prompt", c_char_p),
        ("prompt_tokens", IntList),
        ("params", c_void_p),
        ("extra_json", c_char_p),
    ]


class CompletionChoiceStruct(ctypes.Structure):
    """genapi_completion_choice (text is read with text_len: it may contain NUL)."""

    _fields_ = [
        ("index", c_int64),
        ("text", c_void_p),
        ("text_len", c_size_t),
        ("finish_reason", c_char_p),
        ("stop_reason_kind", c_int32),
        ("reserved", c_int32),
        ("stop_token", c_int64),
        ("stop_string", c_char_p),
        ("logprobs", P(LogprobsStruct)),
        ("prompt_logprobs_count", c_int64),
        ("token_ids", P(c_int64)),
        ("token_id_count", c_size_t),
        ("prompt_token_ids", P(c_int64)),
        ("prompt_token_id_count", c_size_t),
    ]


class CompletionResultStruct(ctypes.Structure):
    """genapi_completion_result"""

    _fields_ = [
        ("struct_size", c_uint32),
        ("http_status", c_int32),
        ("id", c_char_p),
        ("object", c_char_p),
        ("created", c_int64),
        ("model", c_char_p),
        ("choices", P(CompletionChoiceStruct)),
        ("choice_count", c_size_t),
        ("usage", UsageStruct),
        ("request_id", c_char_p),
        ("internal", c_void_p),
    ]


# --- tokenize.h ----------------------------------------------------------------------------------
class TokenizeRequestStruct(ctypes.Structure):
    """genapi_tokenize_request"""

    _fields_ = [
        ("struct_size", c_uint32),
        ("return_token_strs", c_int32),
        ("model", c_char_p),
        ("multi_models", StrList),
        ("prompt", c_char_p),
        ("messages", P(ChatMessageStruct)),
        ("message_count", c_size_t),
        ("no_generation_prompt", c_int32),
        ("reserved", c_int32),
    ]


class TokenizeResultStruct(ctypes.Structure):
    """genapi_tokenize_result"""

    _fields_ = [
        ("struct_size", c_uint32),
        ("reserved", c_int32),
        ("count", c_int64),
        ("max_model_len", c_int64),
        ("tokens", P(c_int64)),
        ("token_count", c_size_t),
        ("token_strs", P(c_char_p)),
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
        ("root", c_char_p),
        ("object", c_char_p),
        ("created", c_int64),
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


# --- stream.h ------------------------------------------------------------------------------------
class StreamDeltaStruct(ctypes.Structure):
    """genapi_stream_delta (content and reasoning are read with their lengths; all pointers are
    valid during the callback only)."""

    _fields_ = [
        ("index", c_int64),
        ("content", c_void_p),
        ("content_len", c_size_t),
        ("reasoning", c_void_p),
        ("reasoning_len", c_size_t),
        ("finish_reason", c_char_p),
        ("stop_reason_kind", c_int32),
        ("reserved", c_int32),
        ("stop_token", c_int64),
        ("stop_string", c_char_p),
        ("tool_call_index", c_int64),
        ("tool_call_id", c_char_p),
        ("tool_call_name", c_char_p),
        ("tool_call_arguments", c_void_p),
        ("tool_call_arguments_len", c_size_t),
    ]


# typedef int (*genapi_stream_fn)(const genapi_stream_delta *delta, void *user);
STREAM_FN = ctypes.CFUNCTYPE(ctypes.c_int, P(StreamDeltaStruct), c_void_p)

STOP_REASON_NONE, STOP_REASON_TOKEN, STOP_REASON_STRING = 0, 1, 2


# --- images.h ------------------------------------------------------------------------------------
class ImageStruct(ctypes.Structure):
    """genapi_image"""

    _fields_ = [
        ("data", c_void_p),
        ("size", c_size_t),
        ("format", c_int32),
        ("width", c_int32),
        ("height", c_int32),
        ("reserved", c_int32),
    ]


class ImageInfoStruct(ctypes.Structure):
    """genapi_image_info"""

    _fields_ = [
        ("present", c_int32),
        ("fields", c_uint32),
        ("seed", c_int64),
        ("all_seeds", P(c_int64)),
        ("all_seed_count", c_size_t),
        ("index_of_first_image", c_int64),
        ("width", c_int64),
        ("height", c_int64),
        ("steps", c_int64),
        ("sampler_name", c_char_p),
        ("prompt", c_char_p),
        ("infotexts_count", c_size_t),
        ("json", c_char_p),
    ]


class ImagesResultStruct(ctypes.Structure):
    """genapi_images_result"""

    _fields_ = [
        ("struct_size", c_uint32),
        ("http_status", c_int32),
        ("images", P(ImageStruct)),
        ("image_count", c_size_t),
        ("info", ImageInfoStruct),
        ("has_parameters_seed", c_int32),
        ("reserved", c_int32),
        ("parameters_seed", c_int64),
        ("internal", c_void_p),
    ]


class UpscaleResultStruct(ctypes.Structure):
    """genapi_upscale_result"""

    _fields_ = [
        ("struct_size", c_uint32),
        ("http_status", c_int32),
        ("image", ImageStruct),
        ("html_info", c_char_p),
        ("internal", c_void_p),
    ]


class ImageListingItemStruct(ctypes.Structure):
    """genapi_image_listing_item"""

    _fields_ = [
        ("name", c_char_p),
        ("model_name", c_char_p),
        ("hash", c_char_p),
        ("sha256", c_char_p),
        ("filename", c_char_p),
        ("aliases", P(c_char_p)),
        ("alias_count", c_size_t),
        ("has_scale", c_int32),
        ("reserved", c_int32),
        ("scale", c_double),
    ]


class ImageListingStruct(ctypes.Structure):
    """genapi_image_listing"""

    _fields_ = [
        ("struct_size", c_uint32),
        ("kind", c_int32),
        ("items", P(ImageListingItemStruct)),
        ("count", c_size_t),
        ("internal", c_void_p),
    ]


# --- async.h -------------------------------------------------------------------------------------
class ProgressStruct(ctypes.Structure):
    """genapi_progress"""

    _fields_ = [
        ("progress", c_double),
        ("eta_relative", c_double),
        ("sampling_step", c_int32),
        ("sampling_steps", c_int32),
        ("job_no", c_int32),
        ("job_count", c_int32),
    ]


# typedef void (*genapi_done_fn)(genapi_request *request, void *user);
DONE_FN = ctypes.CFUNCTYPE(None, c_void_p, c_void_p)
# typedef void (*genapi_progress_fn)(const genapi_progress *progress, void *user);
PROGRESS_FN = ctypes.CFUNCTYPE(None, P(ProgressStruct), c_void_p)


class CallbacksStruct(ctypes.Structure):
    """genapi_callbacks (copied by every *_start function)."""

    _fields_ = [
        ("on_done", DONE_FN),
        ("on_delta", STREAM_FN),
        ("on_progress", PROGRESS_FN),
        ("user", c_void_p),
        ("pull", c_int32),
        ("reserved", c_int32),
    ]


class PollFdStruct(ctypes.Structure):
    """genapi_pollfd"""

    _fields_ = [("fd", ctypes.c_int), ("events", c_int32)]


POLL_IN, POLL_OUT = 1, 2  # GENAPI_POLL_IN, GENAPI_POLL_OUT

IMAGE_API = {"hosted": 0, "webui": 1}  # genapi_image_api
IMAGE_FORMATS = {0: "unknown", 1: "png", 2: "jpeg", 3: "webp"}  # genapi_image_format
LISTING_MODELS, LISTING_SAMPLERS, LISTING_UPSCALERS = 0, 1, 2  # genapi_image_listing_kind
IMAGE_INFO_SEED = 0x1  # GENAPI_IMAGE_INFO_SEED

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
genapi_complete = _f("genapi_complete", ctypes.c_int,
                     [c_void_p, P(CompletionRequestStruct), P(P(CompletionResultStruct)), _ERR])
genapi_completion_request_to_json = _f("genapi_completion_request_to_json", ctypes.c_int,
                                       [c_void_p, P(CompletionRequestStruct), P(c_void_p), _ERR])
genapi_completion_result_free = _f("genapi_completion_result_free", None, [P(CompletionResultStruct)])
genapi_tokenize = _f("genapi_tokenize", ctypes.c_int,
                     [c_void_p, P(TokenizeRequestStruct), P(P(TokenizeResultStruct)), _ERR])
genapi_tokenize_result_free = _f("genapi_tokenize_result_free", None, [P(TokenizeResultStruct)])
genapi_chat_stream = _f("genapi_chat_stream", ctypes.c_int,
                        [c_void_p, P(ChatRequestStruct), STREAM_FN, c_void_p, P(P(ChatResultStruct)), _ERR])
genapi_complete_stream = _f("genapi_complete_stream", ctypes.c_int,
                            [c_void_p, P(CompletionRequestStruct), STREAM_FN, c_void_p,
                             P(P(CompletionResultStruct)), _ERR])
genapi_list_text_models = _f("genapi_list_text_models", ctypes.c_int, [c_void_p, P(P(ModelListStruct)), _ERR])
genapi_model_list_free = _f("genapi_model_list_free", None, [P(ModelListStruct)])
genapi_txt2img = _f("genapi_txt2img", ctypes.c_int, [c_void_p, c_void_p, P(P(ImagesResultStruct)), _ERR])
genapi_img2img = _f("genapi_img2img", ctypes.c_int, [c_void_p, c_void_p, P(P(ImagesResultStruct)), _ERR])
genapi_images_result_free = _f("genapi_images_result_free", None, [P(ImagesResultStruct)])
genapi_upscale = _f("genapi_upscale", ctypes.c_int, [c_void_p, c_void_p, P(P(UpscaleResultStruct)), _ERR])
genapi_upscale_result_free = _f("genapi_upscale_result_free", None, [P(UpscaleResultStruct)])
genapi_image_to_base64 = _f("genapi_image_to_base64", ctypes.c_int,
                            [c_void_p, c_void_p, c_size_t, P(c_void_p), _ERR])
genapi_list_image = _f("genapi_list_image", ctypes.c_int, [c_void_p, ctypes.c_int, P(P(ImageListingStruct)), _ERR])
genapi_image_listing_free = _f("genapi_image_listing_free", None, [P(ImageListingStruct)])
genapi_image_options = _f("genapi_image_options", ctypes.c_int, [c_void_p, P(c_void_p), _ERR])
genapi_txt2img_ex = _f("genapi_txt2img_ex", ctypes.c_int,
                       [c_void_p, c_void_p, ctypes.c_char_p, P(P(ImagesResultStruct)), _ERR])
genapi_img2img_ex = _f("genapi_img2img_ex", ctypes.c_int,
                       [c_void_p, c_void_p, ctypes.c_char_p, P(P(ImagesResultStruct)), _ERR])
genapi_upscale_ex = _f("genapi_upscale_ex", ctypes.c_int,
                       [c_void_p, c_void_p, ctypes.c_char_p, P(P(UpscaleResultStruct)), _ERR])
genapi_parallel_requests = _f("genapi_parallel_requests", ctypes.c_int, [c_void_p, P(ctypes.c_int64), _ERR])

# async.h: requests are `genapi_request *` handles, passed around as plain integers (c_void_p)
_CB = P(CallbacksStruct)
_OUT = P(c_void_p)
genapi_chat_start = _f("genapi_chat_start", ctypes.c_int, [c_void_p, P(ChatRequestStruct), _CB, _OUT, _ERR])
genapi_chat_stream_start = _f("genapi_chat_stream_start", ctypes.c_int,
                              [c_void_p, P(ChatRequestStruct), _CB, _OUT, _ERR])
genapi_complete_start = _f("genapi_complete_start", ctypes.c_int,
                           [c_void_p, P(CompletionRequestStruct), _CB, _OUT, _ERR])
genapi_complete_stream_start = _f("genapi_complete_stream_start", ctypes.c_int,
                                  [c_void_p, P(CompletionRequestStruct), _CB, _OUT, _ERR])
genapi_tokenize_start = _f("genapi_tokenize_start", ctypes.c_int, [c_void_p, P(TokenizeRequestStruct), _CB, _OUT, _ERR])
genapi_list_text_models_start = _f("genapi_list_text_models_start", ctypes.c_int, [c_void_p, _CB, _OUT, _ERR])
genapi_list_image_start = _f("genapi_list_image_start", ctypes.c_int, [c_void_p, ctypes.c_int, _CB, _OUT, _ERR])
genapi_image_options_start = _f("genapi_image_options_start", ctypes.c_int, [c_void_p, _CB, _OUT, _ERR])
genapi_txt2img_start = _f("genapi_txt2img_start", ctypes.c_int, [c_void_p, c_void_p, _CB, _OUT, _ERR])
genapi_img2img_start = _f("genapi_img2img_start", ctypes.c_int, [c_void_p, c_void_p, _CB, _OUT, _ERR])
genapi_upscale_start = _f("genapi_upscale_start", ctypes.c_int, [c_void_p, c_void_p, _CB, _OUT, _ERR])
genapi_txt2img_start_ex = _f("genapi_txt2img_start_ex", ctypes.c_int,
                             [c_void_p, c_void_p, ctypes.c_char_p, _CB, _OUT, _ERR])
genapi_img2img_start_ex = _f("genapi_img2img_start_ex", ctypes.c_int,
                             [c_void_p, c_void_p, ctypes.c_char_p, _CB, _OUT, _ERR])
genapi_upscale_start_ex = _f("genapi_upscale_start_ex", ctypes.c_int,
                             [c_void_p, c_void_p, ctypes.c_char_p, _CB, _OUT, _ERR])
genapi_poll = _f("genapi_poll", ctypes.c_int, [c_void_p, c_int32])
genapi_pending = _f("genapi_pending", c_size_t, [c_void_p])
genapi_poll_fds = _f("genapi_poll_fds", c_size_t, [c_void_p, P(PollFdStruct), c_size_t])
genapi_poll_timeout = _f("genapi_poll_timeout", c_int64, [c_void_p])
genapi_request_cancel = _f("genapi_request_cancel", None, [c_void_p])
genapi_request_release = _f("genapi_request_release", None, [c_void_p])
genapi_request_done = _f("genapi_request_done", ctypes.c_int, [c_void_p])
genapi_request_status = _f("genapi_request_status", ctypes.c_int, [c_void_p, _ERR])
genapi_request_wait = _f("genapi_request_wait", ctypes.c_int, [c_void_p, c_int32])
genapi_request_take_chat = _f("genapi_request_take_chat", ctypes.c_int, [c_void_p, P(P(ChatResultStruct))])
genapi_request_take_completion = _f("genapi_request_take_completion", ctypes.c_int,
                                    [c_void_p, P(P(CompletionResultStruct))])
genapi_request_take_tokenize = _f("genapi_request_take_tokenize", ctypes.c_int, [c_void_p, P(P(TokenizeResultStruct))])
genapi_request_take_model_list = _f("genapi_request_take_model_list", ctypes.c_int, [c_void_p, P(P(ModelListStruct))])
genapi_request_take_image_listing = _f("genapi_request_take_image_listing", ctypes.c_int,
                                       [c_void_p, P(P(ImageListingStruct))])
genapi_request_take_options = _f("genapi_request_take_options", ctypes.c_int, [c_void_p, P(c_void_p)])
genapi_request_take_images = _f("genapi_request_take_images", ctypes.c_int, [c_void_p, P(P(ImagesResultStruct))])
genapi_request_take_upscale = _f("genapi_request_take_upscale", ctypes.c_int, [c_void_p, P(P(UpscaleResultStruct))])
genapi_stream_next = _f("genapi_stream_next", ctypes.c_int, [c_void_p, P(StreamDeltaStruct)])
genapi_stream_next_wait = _f("genapi_stream_next_wait", ctypes.c_int, [c_void_p, P(StreamDeltaStruct), c_int32])


# --- Python results --------------------------------------------------------------------------------
@dataclass
class TokenLogprob:
    """One entry of a choice's logprobs (genapi_token_logprob)."""

    token: str
    logprob: float | None  # None where the server sent null (first echoed prompt token)
    bytes: bytes | None = None  # UTF-8 bytes of the token (chat), else None
    text_offset: int | None = None  # offset of the token in the text (completions), else None
    top: list[tuple[str, float]] | None = None  # alternatives; None where the server sent null


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
    logprobs: list[TokenLogprob] | None = None  # None when not requested / not sent


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
    prompt_logprobs_count: int | None = None  # entries of prompt_logprobs (first is null); None if absent

    @property
    def content(self) -> str | None:
        """Content of the first choice (None if there is none)."""
        return self.choices[0].content if self.choices else None


@dataclass
class CompletionChoice:
    index: int  # prompt index * n + sample index
    text: str | None  # generated text, prompt first when echo was set
    finish_reason: str | None = None
    stop_reason: int | str | None = None  # stop token id, stop string, or None
    logprobs: list[TokenLogprob] | None = None  # None when not requested / not sent
    prompt_logprobs_count: int | None = None  # entries of prompt_logprobs (first is null); None if absent


@dataclass
class CompletionResult:
    id: str | None
    object: str | None
    created: int
    model: str | None
    choices: list[CompletionChoice]
    usage: Usage | None
    request_id: str | None = None
    http_status: int = 0

    @property
    def text(self) -> str | None:
        """Text of the first choice (None if there is none)."""
        return self.choices[0].text if self.choices else None


@dataclass
class TokenizeResult:
    count: int
    max_model_len: int
    tokens: list[int]
    token_strs: list[str] | None = None  # None unless return_token_strs was set


@dataclass
class ModelInfo:
    id: str
    owned_by: str | None = None
    parent: str | None = None
    engine: str | None = None
    max_model_len: int = 0
    root: str | None = None


@dataclass
class StreamDelta:
    """What one streamed event added to one choice (genapi_stream_delta), as passed to on_delta.

    content / reasoning are None or a non-empty str. They are decoded with one incremental
    UTF-8 decoder per choice (and per field), so a character split across events is held back
    until it is complete and never shows up broken; what is still held when the choice finishes
    is flushed into the delta that carries finish_reason (an incomplete sequence then reads as
    U+FFFD, as in the final result).
    """

    index: int
    content: str | None = None
    reasoning: str | None = None
    finish_reason: str | None = None  # set on the one delta that finished the choice
    stop_reason: int | str | None = None  # stop token id, stop string, or None (with finish_reason)
    # A piece of a tool call: its index in the choice's tool_calls (None when the delta has no
    # tool call), its id and function name as known so far, and the argument text it added.
    tool_call_index: int | None = None
    tool_call_id: str | None = None
    tool_call_name: str | None = None
    tool_call_arguments: str | None = None


@dataclass
class Image:
    """One image (genapi_image): the encoded file bytes and what its header says."""

    data: bytes
    format: str  # "png", "jpeg", "webp" or "unknown"
    width: int  # 0 if unknown
    height: int  # 0 if unknown


@dataclass
class UpscaledImage(Image):
    """The image of an upscale (genapi_upscale_result)."""

    html_info: str | None = None
    http_status: int = 0


@dataclass
class ImagesResult:
    """A txt2img / img2img response (genapi_images_result)."""

    images: list[Image]
    info: dict | None  # the decoded info document (json.loads of info.json), None if absent
    seed: int | None = None  # info.seed (seed of the first image), if sent
    all_seeds: list[int] | None = None  # info.all_seeds, if sent
    parameters_seed: int | None = None  # parameters.seed as echoed (may be -1), if sent
    http_status: int = 0


@dataclass
class ImageModelInfo:
    """An image model (GET /v1/models/image-models, /sdapi/v1/sd-models)."""

    name: str  # the model's title: pass it as sd_model_checkpoint
    model_name: str | None = None
    hash: str | None = None
    sha256: str | None = None
    filename: str | None = None


@dataclass
class ImageSampler:
    """An image sampler (GET /v1/img-samplers, /sdapi/v1/samplers)."""

    name: str
    aliases: list[str] = field(default_factory=list)


@dataclass
class Upscaler:
    """An upscaler (GET /v1/upscalers, /sdapi/v1/upscalers)."""

    name: str
    model_name: str | None = None
    scale: float | None = None


def _convert_image(m: ImageStruct, cls=Image, **extra) -> Image:
    data = ctypes.string_at(m.data, m.size) if m.data and m.size else b""
    return cls(data, IMAGE_FORMATS.get(int(m.format), "unknown"), int(m.width), int(m.height), **extra)


def _convert_images(r: ImagesResultStruct) -> ImagesResult:
    images = [_convert_image(r.images[i]) for i in range(r.image_count if r.images else 0)]
    inf = r.info
    info = json.loads(inf.json) if inf.present and inf.json else None
    seed = int(inf.seed) if inf.fields & IMAGE_INFO_SEED else None
    all_seeds = [int(inf.all_seeds[i]) for i in range(inf.all_seed_count)] if inf.all_seeds else None
    ps = int(r.parameters_seed) if r.has_parameters_seed else None
    return ImagesResult(images, info, seed, all_seeds, ps, int(r.http_status))


def _b64(data: Any, what: str) -> str:
    """Standard padded base64 text of image bytes (a str is taken as base64 text already)."""
    if isinstance(data, str):
        return data
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InvalidArgumentError(f"{what} must be bytes, got {type(data).__name__}", param=what)
    return base64.b64encode(bytes(data)).decode("ascii")


def _check_struct_size(r: ctypes.Structure, what: str) -> None:
    want = ctypes.sizeof(type(r))
    if r.struct_size != want:
        raise Error(f"{what}.struct_size is {r.struct_size}, the binding expects {want}", status=E_INTERNAL)


def _text_at(ptr: int | None, n: int) -> str | None:
    """A counted UTF-8 string owned by a result (it may contain NUL)."""
    if not ptr:
        return None
    return ctypes.string_at(ptr, n).decode("utf-8", errors="replace")


def _stop_reason(c: ctypes.Structure) -> int | str | None:
    if c.stop_reason_kind == STOP_REASON_TOKEN:
        return int(c.stop_token)
    if c.stop_reason_kind == STOP_REASON_STRING:
        return _lib.dec(c.stop_string)
    return None


def _usage(u: UsageStruct) -> Usage | None:
    return Usage(int(u.prompt_tokens), int(u.completion_tokens), int(u.total_tokens)) if u.present else None


def _convert_logprobs(p) -> list[TokenLogprob] | None:
    """Copy a `const genapi_logprobs *` (NULL -> None) into Python objects."""
    if not p:
        return None
    lp = p.contents
    dec = _lib.dec
    out = []
    for i in range(lp.count if lp.items else 0):
        t = lp.items[i]
        raw = ctypes.string_at(t.bytes, t.n_bytes) if t.bytes else None
        if t.has_top:
            top = [(dec(x.token) or "", float(x.logprob))
                   for x in (t.top[k] for k in range(t.top_count if t.top else 0))]
        else:
            top = None
        out.append(TokenLogprob(
            dec(t.token) or "",
            float(t.logprob) if t.has_logprob else None,
            raw,
            None if t.text_offset < 0 else int(t.text_offset),
            top,
        ))
    return out


def _count_or_none(v: int) -> int | None:
    return None if v < 0 else int(v)


def _convert_result(r: ChatResultStruct) -> ChatResult:
    dec = _lib.dec
    choices = []
    for i in range(r.choice_count if r.choices else 0):
        c = r.choices[i]
        calls = []
        for k in range(c.tool_call_count if c.tool_calls else 0):
            t = c.tool_calls[k]
            calls.append(ToolCall(int(t.index), dec(t.id), dec(t.type), dec(t.name), dec(t.arguments)))
        choices.append(ChatChoice(int(c.index), dec(c.role), _text_at(c.content, c.content_len),
                                  _text_at(c.reasoning, c.reasoning_len),
                                  dec(c.finish_reason), _stop_reason(c), calls, _convert_logprobs(c.logprobs)))
    return ChatResult(dec(r.id), dec(r.object), int(r.created), dec(r.model), choices, _usage(r.usage),
                      dec(r.request_id), int(r.http_status), _count_or_none(r.prompt_logprobs_count))


def _convert_completion(r: CompletionResultStruct) -> CompletionResult:
    dec = _lib.dec
    choices = []
    for i in range(r.choice_count if r.choices else 0):
        c = r.choices[i]
        choices.append(CompletionChoice(int(c.index), _text_at(c.text, c.text_len), dec(c.finish_reason),
                                        _stop_reason(c), _convert_logprobs(c.logprobs),
                                        _count_or_none(c.prompt_logprobs_count)))
    return CompletionResult(dec(r.id), dec(r.object), int(r.created), dec(r.model), choices, _usage(r.usage),
                            dec(r.request_id), int(r.http_status))


def _convert_tokenize(r: TokenizeResultStruct) -> TokenizeResult:
    n = r.token_count if r.tokens else 0
    tokens = [int(r.tokens[i]) for i in range(n)]
    strs = None
    if r.token_strs:
        # tokenize.h gives no separate count for token_strs: it has one entry per token id. The
        # library's array is also NULL-terminated, so stop early rather than read past its end.
        strs = []
        for i in range(n):
            s = r.token_strs[i]
            if s is None:
                break
            strs.append(s.decode("utf-8", errors="replace"))
    return TokenizeResult(int(r.count), int(r.max_model_len), tokens, strs)


def _convert_model_list(lst: ModelListStruct) -> list[ModelInfo]:
    dec = _lib.dec
    return [
        ModelInfo(dec(m.id), dec(m.owned_by), dec(m.parent), dec(m.engine), int(m.max_model_len), dec(m.root))
        for m in (lst.items[i] for i in range(lst.count if lst.items else 0))
    ]


def _image_model_info(m: ImageListingItemStruct) -> ImageModelInfo:
    dec = _lib.dec
    return ImageModelInfo(dec(m.name) or "", dec(m.model_name), dec(m.hash), dec(m.sha256), dec(m.filename))


def _image_sampler(m: ImageListingItemStruct) -> ImageSampler:
    dec = _lib.dec
    return ImageSampler(dec(m.name) or "", [dec(m.aliases[k]) or "" for k in range(m.alias_count if m.aliases else 0)])


def _upscaler(m: ImageListingItemStruct) -> Upscaler:
    dec = _lib.dec
    return Upscaler(dec(m.name) or "", dec(m.model_name), float(m.scale) if m.has_scale else None)


# genapi_image_listing_kind -> the Python type of one item
LISTING_ITEM = {LISTING_MODELS: _image_model_info, LISTING_SAMPLERS: _image_sampler, LISTING_UPSCALERS: _upscaler}


def _convert_listing(lst: ImageListingStruct, kind: int) -> list:
    _check_struct_size(lst, "genapi_image_listing")
    item = LISTING_ITEM[kind]
    return [item(lst.items[i]) for i in range(lst.count if lst.items else 0)]


def _convert_upscale(r: UpscaleResultStruct) -> UpscaledImage:
    _check_struct_size(r, "genapi_upscale_result")
    return _convert_image(r.image, UpscaledImage, html_info=_lib.dec(r.html_info), http_status=int(r.http_status))


class _DeltaDecoder:
    """Turns genapi_stream_delta structs into StreamDelta objects, decoding the counted UTF-8
    pieces with one incremental decoder per choice index and field (what a finishing delta
    still holds is flushed into it). One per stream; the struct's pointers are read at once."""

    def __init__(self) -> None:
        self.decoders: dict[tuple[int, str], Any] = {}

    def decode(self, index: int, which: str, ptr: int | None, n: int, final: bool) -> str | None:
        key = (index, which)
        d = self.decoders.get(key)
        data = ctypes.string_at(ptr, n) if ptr and n else b""
        if d is None:
            if not data:
                return None
            d = self.decoders[key] = codecs.getincrementaldecoder("utf-8")(errors="replace")
        text = d.decode(data, final=final)
        if final:
            del self.decoders[key]
        return text or None

    def convert(self, dl: StreamDeltaStruct) -> StreamDelta:
        index = int(dl.index)
        final = dl.finish_reason is not None
        tool = int(dl.tool_call_index)
        return StreamDelta(
            index,
            self.decode(index, "content", dl.content, dl.content_len, final),
            self.decode(index, "reasoning", dl.reasoning, dl.reasoning_len, final),
            _lib.dec(dl.finish_reason),
            _stop_reason(dl) if final else None,
            tool if tool >= 0 else None,
            _lib.dec(dl.tool_call_id),
            _lib.dec(dl.tool_call_name),
            # a call's arguments are JSON text: ASCII-safe pieces as the servers escape them
            ctypes.string_at(dl.tool_call_arguments, dl.tool_call_arguments_len).decode("utf-8", "replace")
            if dl.tool_call_arguments and dl.tool_call_arguments_len else None,
        )


class _StreamDispatcher:
    """The genapi_stream_fn given to the C library for one streaming call.

    It converts each genapi_stream_delta into a StreamDelta (decoding the counted UTF-8 pieces
    incrementally, per choice index and field) and calls the user's on_delta. A true return
    value cancels the stream; an exception raised by on_delta (or by the conversion) is kept,
    the stream is cancelled, and the caller re-raises it once the C call has returned: no
    exception ever crosses the C frames. ``self.c_fn`` must stay referenced until the C call
    returns (the dispatcher object itself is held by the calling frame).
    """

    def __init__(self, on_delta: Callable[[StreamDelta], Any]):
        if not callable(on_delta):
            raise InvalidArgumentError(f"on_delta must be callable, got {type(on_delta).__name__}",
                                       param="on_delta")
        self.on_delta = on_delta
        self.decoder = _DeltaDecoder()
        self.exception: BaseException | None = None
        self.stopped = False  # on_delta asked to stop (or raised)
        self.count = 0  # deltas handed to on_delta
        self.c_fn = STREAM_FN(self._callback)

    def _callback(self, delta_p, _user) -> int:
        if self.stopped:
            return 1  # already asked to stop: never call on_delta again
        try:
            delta = self.decoder.convert(delta_p.contents)
            self.count += 1
            if self.on_delta(delta):
                self.stopped = True
                return 1
            return 0
        except BaseException as e:  # noqa: BLE001 - re-raised by the caller after the C call
            self.exception = e
            self.stopped = True
            return 1


def _message_fields(m: Any, i: int) -> tuple[Any, Any, Any]:
    if isinstance(m, Mapping):
        return m.get("role"), m.get("content"), m.get("name")
    if isinstance(m, (tuple, list)) and len(m) in (2, 3):
        return (m[0], m[1], m[2] if len(m) == 3 else None)
    if hasattr(m, "role"):
        return getattr(m, "role"), getattr(m, "content", None), getattr(m, "name", None)
    raise InvalidArgumentError(f"messages[{i}] must be a dict with role and content, got {type(m).__name__}",
                               param="messages")


def _json_text(v: Any) -> Any:
    return v if v is None or isinstance(v, (str, bytes)) else json.dumps(v)


def _message_tools(m: Any, i: int, msg: Any, keep: list[Any]) -> None:
    """tool_call_id and tool_calls of a message dict (a tool loop's messages) into msg."""
    if not isinstance(m, Mapping):
        return
    b = _lib.cstr(m.get("tool_call_id"), f"messages[{i}].tool_call_id")
    keep.append(b)
    msg.tool_call_id = b
    calls = m.get("tool_calls") or []
    if not calls:
        return
    arr = (ToolCallStruct * len(calls))()
    keep.append(arr)
    for k, c in enumerate(calls):
        fn = c.get("function", c) if isinstance(c, Mapping) else None
        if not isinstance(fn, Mapping):
            raise InvalidArgumentError(f"messages[{i}].tool_calls[{k}] must be a dict", param="messages")
        arr[k].index = k
        for what, v in (("id", c.get("id")), ("name", fn.get("name")), ("arguments", _json_text(fn.get("arguments")))):
            b = _lib.cstr(v, f"messages[{i}].tool_calls[{k}].{what}")
            keep.append(b)
            setattr(arr[k], what, b)
    msg.tool_calls = arr
    msg.tool_call_count = len(calls)


def _build_messages(messages: Any, keep: list[Any]) -> tuple[Any, int]:
    """A genapi_chat_message array (and its length) for chat-style messages; the encoded
    strings are appended to `keep`, which must outlive the C call."""
    if isinstance(messages, str):
        messages = [{"role": "user", "content": messages}]
    msgs = list(messages)
    arr = (ChatMessageStruct * max(len(msgs), 1))()
    for i, m in enumerate(msgs):
        role, content, name = _message_fields(m, i)
        for what, v in (("role", role), ("content", content), ("name", name)):
            b = _lib.cstr(v, f"messages[{i}].{what}")
            keep.append(b)
            setattr(arr[i], what, b)
        _message_tools(m, i, arr[i], keep)
    return arr, len(msgs)


_TOOL_KEYS = ("tools", "tool_choice", "parallel_tool_calls")
_TOOL_CHOICES = {None: 0, "none": 1, "auto": 2, "required": 3}


def _pop_tools(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The tool-calling keyword arguments of a chat call, taken out of its text parameters."""
    return {k: kwargs.pop(k) for k in _TOOL_KEYS if k in kwargs}


def _set_tools(req: Any, tooling: Mapping[str, Any], keep: list[Any]) -> None:
    """tools (OpenAI-shaped dicts or flat {name, description, parameters}), tool_choice ("none",
    "auto", "required" or {"type": "function", "function": {"name": ...}}) and
    parallel_tool_calls (bool) into a genapi_chat_request."""
    tools = list(tooling.get("tools") or [])
    if tools:
        arr = (ToolStruct * len(tools))()
        keep.append(arr)
        for i, t in enumerate(tools):
            fn = t.get("function", t) if isinstance(t, Mapping) else None
            if not isinstance(fn, Mapping):
                raise InvalidArgumentError(f"tools[{i}] must be a dict", param="tools")
            for what, v in (("name", fn.get("name")), ("description", fn.get("description")),
                            ("parameters_json", _json_text(fn.get("parameters")))):
                b = _lib.cstr(v, f"tools[{i}].{what}")
                keep.append(b)
                setattr(arr[i], what, b)
        req.tools = arr
        req.tool_count = len(tools)
    choice = tooling.get("tool_choice")
    if isinstance(choice, Mapping):
        name = (choice.get("function") or {}).get("name")
        b = _lib.cstr(name, "tool_choice.function.name")
        keep.append(b)
        req.tool_choice = 4
        req.tool_choice_name = b
    elif choice in _TOOL_CHOICES:
        req.tool_choice = _TOOL_CHOICES[choice]
    else:
        raise InvalidArgumentError(f"tool_choice must be 'none', 'auto', 'required' or a named function, got {choice!r}",
                                   param="tool_choice")
    ptc = tooling.get("parallel_tool_calls")
    if ptc is not None:
        req.parallel_tool_calls = 2 if ptc else 1


def _extra_text(extra: Any, what: str) -> bytes | None:
    if extra is not None and not isinstance(extra, (str, bytes)):
        extra = json.dumps(extra)
    return _lib.cstr(extra, what)


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _token_ids(value: Any, what: str) -> list[int]:
    """Validate a sequence of token ids for an int64 array (ctypes would wrap silently)."""
    ids = []
    for i, v in enumerate(value):
        if isinstance(v, bool) or isinstance(v, (str, bytes, float)):
            raise InvalidArgumentError(f"{what}[{i}] must be an int token id, got {type(v).__name__}", param=what)
        try:
            t = operator.index(v)
        except TypeError:
            raise InvalidArgumentError(f"{what}[{i}] must be an int token id, got {type(v).__name__}",
                                       param=what) from None
        if not _INT64_MIN <= t <= _INT64_MAX:
            raise InvalidArgumentError(f"{what}[{i}] = {t} does not fit in a 64-bit integer", param=what)
        ids.append(t)
    return ids


class _Request:
    """A genapi_chat_request plus every Python object its pointers borrow from."""

    def __init__(self, messages: Any, params: TextParams, extra: Any, tooling: Mapping[str, Any] | None = None):
        self.keep: list[Any] = []  # bytes the C structs point into; alive as long as self
        self.messages, count = _build_messages(messages, self.keep)
        self.params = params
        self.extra = _extra_text(extra, "extra_json")
        self.req = ChatRequestStruct()
        self.req.struct_size = ctypes.sizeof(ChatRequestStruct)
        self.req.messages = self.messages
        self.req.message_count = count
        self.req.params = ctypes.addressof(params.struct)
        self.req.extra_json = self.extra
        _set_tools(self.req, tooling or {}, self.keep)


class _CompletionRequest:
    """A genapi_completion_request plus every Python object its pointers borrow from."""

    def __init__(self, prompt: Any, echo: bool, params: TextParams, extra: Any):
        self.req = CompletionRequestStruct()
        self.req.struct_size = ctypes.sizeof(CompletionRequestStruct)
        self.req.echo = 1 if echo else 0
        self.prompt: bytes | None = None
        self.ids = None
        if isinstance(prompt, (str, bytes)):
            self.prompt = _lib.cstr(prompt, "prompt")
            self.req.prompt = self.prompt
        elif isinstance(prompt, Iterable):
            ids = _token_ids(prompt, "prompt")
            self.ids = (c_int64 * max(len(ids), 1))(*ids)
            self.req.prompt_tokens.items = self.ids
            self.req.prompt_tokens.count = len(ids)  # 0: the library reports the empty prompt
        else:
            raise InvalidArgumentError(f"prompt must be a str or a list of token ids, got {type(prompt).__name__}",
                                       param="prompt")
        self.params = params
        self.req.params = ctypes.addressof(params.struct)
        self.extra = _extra_text(extra, "extra_json")
        self.req.extra_json = self.extra


class _TokenizeRequest:
    """A genapi_tokenize_request plus every Python object its pointers borrow from."""

    def __init__(self, prompt: Any, messages: Any, model: Any, multi_models: Any, return_token_strs: bool,
                 add_generation_prompt: bool):
        self.keep: list[Any] = []
        self.req = TokenizeRequestStruct()
        self.req.struct_size = ctypes.sizeof(TokenizeRequestStruct)
        self.req.return_token_strs = 1 if return_token_strs else 0
        self.req.no_generation_prompt = 0 if add_generation_prompt else 1
        self.model = _lib.cstr(model, "model")
        self.req.model = self.model
        if multi_models is not None:
            if isinstance(multi_models, (str, bytes)):
                multi_models = [multi_models]
            names = [_lib.cstr(m, f"multi_models[{i}]") for i, m in enumerate(multi_models)]
            if any(n is None for n in names):
                raise InvalidArgumentError("multi_models items must be str", param="multi_models")
            self.keep.extend(names)
            self.models = (c_char_p * max(len(names), 1))(*names)
            self.req.multi_models.items = self.models
            self.req.multi_models.count = len(names)
        self.prompt = _lib.cstr(prompt, "prompt")
        self.req.prompt = self.prompt
        if messages is not None:
            self.messages, count = _build_messages(messages, self.keep)
            self.req.messages = self.messages
            self.req.message_count = count


class _ClientLock:
    """The client's reentrant lock around blocking calls. A blocking call made on the thread of
    the event loop that drives the client drives the client itself (and may open or close
    sockets meanwhile), so leaving the lock there makes the loop read the descriptor set again."""

    __slots__ = ("_rlock", "_client")

    def __init__(self, client: "Client"):
        self._rlock = threading.RLock()
        self._client = weakref.ref(client)  # no cycle: a dropped client is freed at once

    def __enter__(self) -> bool:
        return self._rlock.__enter__()

    def __exit__(self, *exc) -> None:
        self._rlock.__exit__(*exc)
        c = self._client()
        if c is not None:
            c._poke_driver()


# The log hook (client.h): level, message, user.
LOG_FN = ctypes.CFUNCTYPE(None, c_int32, c_char_p, c_void_p)
LOG_LEVELS = {"error": 1, "warn": 2, "info": 3, "debug": 4}
_LOG_NAMES = {v: k for k, v in LOG_LEVELS.items()}


class Client:
    """A libgenapi client.

    ``Client(base_url=None)`` uses GENAPI_BASE_URL if it is set, else the in-process reference
    backend (no network). ``api_key=None`` uses GENAPI_API_KEY. ``use_environment=False``
    ignores both variables. ``max_retries`` (0 = 2, negative = none) and ``retry_max_delay_ms``
    (0 = 8000) set the retry policy. Calls on one client are serialized by a lock.

    ``log`` is called as ``log(level, message)`` (level "error", "warn", "info" or "debug") for
    each line of the library's log at ``log_level`` or more severe: retries, one timing line per
    call, and at "debug" request and response bodies — the API key redacted. It runs on the
    thread that drives the client (the caller of a blocking call, or the poller / worker) and
    must not call back into the client; exceptions it raises are printed and dropped.
    A chat or completion without ``model`` uses GENAPI_MODEL, else the server's first listed
    model; a txt2img / img2img without ``sd_model_checkpoint`` GENAPI_IMAGE_MODEL, else the first
    image model (the C library decides: see doc/client.md).
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
        max_retries: int = 0,
        retry_max_delay_ms: int = 0,
        image_api: str = "hosted",
        log: Callable[[str, str], Any] | None = None,
        log_level: str = "info",
    ):
        self._handle: int | None = None
        self._log_cb = None  # the ctypes thunk of ``log``, alive as long as the client
        self._driver = None  # the _aio.Driver of the event loop that drives this client
        self._lock = _ClientLock(self)
        self._in_on_delta = 0  # > 0 while a streaming call runs the caller's on_delta
        # Calls that do not hold _lock (starting requests, polling from an event loop, reading
        # streams) count themselves in _users; close() waits for them before freeing.
        self._cv = threading.Condition(threading.Lock())
        self._users = 0
        self._closing = False
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
        cfg.max_retries = int(max_retries)
        cfg.retry_max_delay_ms = int(retry_max_delay_ms)
        if image_api not in IMAGE_API:
            raise InvalidArgumentError(f"image_api must be one of {', '.join(IMAGE_API)}, got {image_api!r}",
                                       param="image_api")
        cfg.image_api = IMAGE_API[image_api]
        if log is not None:
            if log_level not in LOG_LEVELS:
                raise InvalidArgumentError(f"log_level must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}",
                                           param="log_level")

            def _thunk(level: int, message: bytes | None, _user: Any) -> None:
                try:
                    log(_LOG_NAMES.get(level, str(level)), (message or b"").decode("utf-8", errors="replace"))
                except BaseException:  # never unwind into C
                    import traceback
                    traceback.print_exc()

            self._log_cb = LOG_FN(_thunk)
            cfg.log_fn = ctypes.cast(self._log_cb, c_void_p)
            cfg.log_level = LOG_LEVELS[log_level]
        out = c_void_p()
        err = _lib.new_error()
        st = genapi_client_new(ctypes.byref(cfg), ctypes.byref(out), ctypes.byref(err))
        del keep  # copied by genapi_client_new
        _lib.check(st, err)
        self._handle = out.value

    # -- lifetime --
    def close(self) -> None:
        """Free the client. Requests still running end with "cancelled" (awaiting coroutines
        raise genapi.Error, open streams end); an event loop stops watching its descriptors."""
        with self._lock:
            if self._in_on_delta:
                raise InvalidArgumentError("a client cannot be closed from inside its own on_delta callback")
            with self._cv:
                if not self._handle:
                    return
                self._closing = True
                while self._users:
                    self._cv.wait()
                h, self._handle = self._handle, None
                drv, self._driver = self._driver, None
            if drv is not None:
                drv.detach()  # before genapi_client_free closes the descriptors it watches
            genapi_client_free(h)

    def _use(self) -> int:
        """The C handle for a call made without _lock; pair with _unuse()."""
        h = self._try_use()
        if h is None:
            raise InvalidArgumentError("the client is closed")
        return h

    def _try_use(self) -> int | None:
        with self._cv:
            if self._closing or not self._handle:
                return None
            self._users += 1
            return self._handle

    def _unuse(self) -> None:
        with self._cv:
            self._users -= 1
            if not self._users:
                self._cv.notify_all()

    def _driver_for(self, loop):
        """The driver of this client on `loop` (the running loop), made on first use."""
        with self._cv:
            if self._closing or not self._handle:
                raise InvalidArgumentError("the client is closed")
            old = self._driver
            if old is not None and old.loop is loop and not old.detached:
                return old
            if old is not None and not old.detached and old.busy() and not old.loop.is_closed():
                raise InvalidArgumentError("the client has requests running on another event loop; "
                                           "use one client per event loop")
            drv = self._driver = _aio.Driver(self, loop)
        if old is not None:
            old.detach()
        return drv

    def _poke_driver(self) -> None:
        """After this thread may have driven the client itself: let the event loop that drives
        it (when this is its thread) poll and read the descriptor set again."""
        d = self._driver
        if d is not None and not d.detached and d.on_loop_thread():
            d.schedule()

    def pending(self) -> int:
        """Requests started on this client and not ended yet (genapi_pending)."""
        h = self._try_use()
        if h is None:
            return 0
        try:
            return int(genapi_pending(h))
        finally:
            self._unuse()

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
        if self._in_on_delta:
            # only the streaming thread can get here (it holds the lock): the C client is in use
            raise InvalidArgumentError("a client cannot be used from inside its own on_delta callback "
                                       "(the streaming call is still running on it)")
        if not self._handle:
            raise InvalidArgumentError("the client is closed")
        return self._handle

    def _stream(self, fn, req, on_delta, result_type, free, convert, what: str, result_name: str):
        """Run one genapi_*_stream call: callback plumbing, partial results, error mapping."""
        disp = None
        c_fn = STREAM_FN()  # a NULL genapi_stream_fn (ctypes refuses None here): no callbacks
        if on_delta is not None:
            disp = _StreamDispatcher(on_delta)
            user_fn = disp.on_delta

            def guarded(delta):
                self._in_on_delta += 1
                try:
                    return user_fn(delta)
                finally:
                    self._in_on_delta -= 1

            disp.on_delta = guarded
            c_fn = disp.c_fn
        out = P(result_type)()
        err = _lib.new_error()
        with self._lock:
            h = self._h()
            st = fn(h, ctypes.byref(req.req), c_fn, None, ctypes.byref(out), ctypes.byref(err))
        # c_fn (held by disp and by this frame) stayed alive for the whole call
        try:
            result = None
            if out:
                r = out.contents
                _check_struct_size(r, result_name)
                result = convert(r)
        finally:
            if out:
                free(out)
        if disp is not None and disp.exception is not None:
            exc, disp.exception = disp.exception, None
            raise exc  # on_delta's own exception, unchanged (its traceback included)
        if st != 0:
            e = error_from_struct(st, err, _lib.status_str(st))
            if st in (E_STREAM, E_CANCELLED):
                e.partial = result
            raise e
        if result is None:
            raise Error(f"{what} returned no result", status=E_INTERNAL)
        return result

    @property
    def base_url(self) -> str | None:
        """Normalised base URL, or None on the in-process reference backend."""
        with self._lock:
            return _lib.dec(genapi_client_base_url(self._h()))

    # -- chat --
    @staticmethod
    def _params(params: _Params | Mapping[str, Any] | None, kwargs: dict,
                cls: type = TextParams) -> tuple[_Params, bool]:
        """The `cls` params to send and whether it is a temporary this call must close."""
        if params is not None and isinstance(params, _Params) and not isinstance(params, cls):
            raise InvalidArgumentError(f"params must be a {cls.__name__} or a mapping, got {type(params).__name__}",
                                       param="params")
        if isinstance(params, cls) and not kwargs:
            return params, False
        if isinstance(params, cls):
            p = params.copy()
        else:
            p = cls()
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
        stream: bool = False,
        **kwargs: Any,
    ) -> ChatResult | "_requests.Stream":
        """Run a chat completion (genapi_chat_complete) and return a ChatResult.

        messages: list of {"role", "content"[, "name"][, "tool_calls"][, "tool_call_id"]} dicts
        (or (role, content) tuples, or one str as a single user message). ``tools`` (OpenAI-shaped
        function dicts), ``tool_choice`` ("none", "auto", "required" or {"type": "function",
        "function": {"name": ...}}) and ``parallel_tool_calls`` are keyword arguments too. Text parameters are keyword arguments by JSON name
        (model="genapi-ref", temperature=0.7, ...) and/or a TextParams / mapping in ``params``
        (keywords win). ``extra`` is a JSON object merged into the body last.

        ``stream=True`` starts a streamed chat (genapi_chat_stream_start, a pull stream) and
        returns a genapi.Stream at once: iterate it for StreamDelta objects; ``.result`` is the
        accumulated ChatResult after the last one.
        """
        tooling = _pop_tools(kwargs)
        p, temp = self._params(params, kwargs)
        try:
            req = _Request(messages, p, extra, tooling)
            if stream:
                return _requests.Stream(self, genapi_chat_stream_start, req, _requests.CHAT)
            out = P(ChatResultStruct)()
            err = _lib.new_error()
            with self._lock:
                st = genapi_chat_complete(self._h(), ctypes.byref(req.req), ctypes.byref(out), ctypes.byref(err))
            _lib.check(st, err)
            if not out:
                raise Error("genapi_chat_complete returned no result", status=E_INTERNAL)
            try:
                r = out.contents
                _check_struct_size(r, "genapi_chat_result")
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
        tooling = _pop_tools(kwargs)
        p, temp = self._params(params, kwargs)
        try:
            req = _Request(messages, p, extra, tooling)
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

    def chat_stream(
        self,
        messages: str | Sequence[Mapping[str, Any]] | Iterable[Any],
        *,
        on_delta: Callable[[StreamDelta], Any] | None = None,
        params: TextParams | Mapping[str, Any] | None = None,
        extra: Mapping[str, Any] | str | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        """Stream a chat completion (genapi_chat_stream) and return the accumulated ChatResult.

        Arguments as for chat(). ``on_delta(StreamDelta)`` is called on this thread for every
        event that adds content or reasoning to a choice or finishes it. Returning a true value
        stops the stream: genapi.Error (status_name "cancelled") is raised with ``.partial``,
        the ChatResult of what had arrived. An exception raised by on_delta also stops the stream
        and is re-raised (the same object) once the C call has returned. A stream that breaks
        or carries an error raises genapi.Error (status_name "stream error") with ``.partial``.
        on_delta must not use this client (it is busy with the stream).
        """
        tooling = _pop_tools(kwargs)
        p, temp = self._params(params, kwargs)
        try:
            req = _Request(messages, p, extra, tooling)
            return self._stream(genapi_chat_stream, req, on_delta, ChatResultStruct, genapi_chat_result_free,
                                _convert_result, "genapi_chat_stream", "genapi_chat_result")
        finally:
            if temp:
                p.close()

    # -- text completions --
    def complete(
        self,
        prompt: str | Sequence[int],
        *,
        echo: bool = False,
        params: TextParams | Mapping[str, Any] | None = None,
        extra_json: Mapping[str, Any] | str | None = None,
        stream: bool = False,
        **kwargs: Any,
    ) -> CompletionResult | "_requests.Stream":
        """Run a text completion (genapi_complete) and return a CompletionResult.

        prompt: the prompt text (str), or the prompt as token ids (a list of ints, e.g. from
        tokenize()). ``echo=True`` puts the prompt before each choice's text. Text parameters
        are keyword arguments by JSON name and/or a TextParams / mapping in ``params`` (keywords
        win); they are validated in C before anything is sent. ``extra_json`` (dict or JSON
        object text) is merged into the body last.

        ``stream=True`` returns a genapi.Stream of StreamDelta (see chat()); ``.result`` is the
        accumulated CompletionResult after the last delta.
        """
        p, temp = self._params(params, kwargs)
        try:
            req = _CompletionRequest(prompt, echo, p, extra_json)
            if stream:
                return _requests.Stream(self, genapi_complete_stream_start, req, _requests.COMPLETION)
            out = P(CompletionResultStruct)()
            err = _lib.new_error()
            with self._lock:
                st = genapi_complete(self._h(), ctypes.byref(req.req), ctypes.byref(out), ctypes.byref(err))
            _lib.check(st, err)
            if not out:
                raise Error("genapi_complete returned no result", status=E_INTERNAL)
            try:
                r = out.contents
                _check_struct_size(r, "genapi_completion_result")
                return _convert_completion(r)
            finally:
                genapi_completion_result_free(out)
        finally:
            if temp:
                p.close()

    def completion_request_json(
        self,
        prompt: str | Sequence[int],
        *,
        echo: bool = False,
        params: TextParams | Mapping[str, Any] | None = None,
        extra_json: Mapping[str, Any] | str | None = None,
        **kwargs: Any,
    ) -> str:
        """The JSON body complete() would send (genapi_completion_request_to_json), without sending it."""
        p, temp = self._params(params, kwargs)
        try:
            req = _CompletionRequest(prompt, echo, p, extra_json)
            out = c_void_p()
            err = _lib.new_error()
            with self._lock:
                h = self._h()
                st = genapi_completion_request_to_json(h, ctypes.byref(req.req), ctypes.byref(out),
                                                       ctypes.byref(err))
                _lib.check(st, err)
                return _lib.take_string(out.value, genapi_client_allocator(h))
        finally:
            if temp:
                p.close()

    def complete_stream(
        self,
        prompt: str | Sequence[int],
        *,
        on_delta: Callable[[StreamDelta], Any] | None = None,
        echo: bool = False,
        params: TextParams | Mapping[str, Any] | None = None,
        extra_json: Mapping[str, Any] | str | None = None,
        **kwargs: Any,
    ) -> CompletionResult:
        """Stream a text completion (genapi_complete_stream) and return the accumulated
        CompletionResult. Arguments as for complete(); on_delta, cancellation, exceptions and
        ``Error.partial`` as for chat_stream() (StreamDelta.content carries the text added)."""
        p, temp = self._params(params, kwargs)
        try:
            req = _CompletionRequest(prompt, echo, p, extra_json)
            return self._stream(genapi_complete_stream, req, on_delta, CompletionResultStruct,
                                genapi_completion_result_free, _convert_completion, "genapi_complete_stream",
                                "genapi_completion_result")
        finally:
            if temp:
                p.close()

    # -- tokenization --
    def tokenize(
        self,
        prompt: str | None = None,
        messages: str | Sequence[Mapping[str, Any]] | Iterable[Any] | None = None,
        model: str | None = None,
        multi_models: Sequence[str] | str | None = None,
        return_token_strs: bool = False,
        add_generation_prompt: bool = True,
    ) -> TokenizeResult:
        """Tokenize a prompt or chat messages (genapi_tokenize); give exactly one of the two.

        messages take the same forms as in chat() (the chat template is applied; message names
        are not sent). ``model=None`` uses the server's default tokenizer. With messages,
        ``add_generation_prompt=False`` leaves out the assistant header. ``return_token_strs``
        also returns each token's text.
        """
        req = _TokenizeRequest(prompt, messages, model, multi_models, return_token_strs, add_generation_prompt)
        out = P(TokenizeResultStruct)()
        err = _lib.new_error()
        with self._lock:
            st = genapi_tokenize(self._h(), ctypes.byref(req.req), ctypes.byref(out), ctypes.byref(err))
        _lib.check(st, err)
        if not out:
            raise Error("genapi_tokenize returned no result", status=E_INTERNAL)
        try:
            r = out.contents
            _check_struct_size(r, "genapi_tokenize_result")
            return _convert_tokenize(r)
        finally:
            genapi_tokenize_result_free(out)

    # -- models --
    def list_text_models(self) -> list[ModelInfo]:
        """Text-generation models (GET /v1/models/textgen-models)."""
        out = P(ModelListStruct)()
        err = _lib.new_error()
        with self._lock:
            st = genapi_list_text_models(self._h(), ctypes.byref(out), ctypes.byref(err))
        _lib.check(st, err)
        try:
            return _convert_model_list(out.contents)
        finally:
            genapi_model_list_free(out)

    # -- images --
    def _images_call(self, fn, p: _Params, what: str, extra: Any = None) -> ImagesResult:
        out = P(ImagesResultStruct)()
        err = _lib.new_error()
        extra_text = _extra_text(extra, "extra")
        with self._lock:
            st = fn(self._h(), p._ptr(), extra_text, ctypes.byref(out), ctypes.byref(err))
        try:
            _lib.check(st, err)
            if not out:
                raise Error(f"{what} returned no result", status=E_INTERNAL)
            r = out.contents
            _check_struct_size(r, "genapi_images_result")
            return _convert_images(r)
        finally:
            if out:
                genapi_images_result_free(out)

    def txt2img(self, params: Txt2ImgParams | Mapping[str, Any] | None = None, *,
                extra: Mapping[str, Any] | str | None = None, **kwargs: Any) -> ImagesResult:
        """Generate images from a prompt (genapi_txt2img_ex) and return an ImagesResult.

        txt2img parameters are keyword arguments by JSON name (sd_model_checkpoint=..., prompt=...,
        seed=5, width=512, ...) and/or a Txt2ImgParams / mapping in ``params`` (keywords win);
        they are validated in C before anything is sent. ``extra`` is a JSON object (mapping or
        text) of request fields the table does not type (``{"n_iter": 2, "override_settings":
        {...}}``), merged into the body last.
        """
        p, temp = self._params(params, kwargs, Txt2ImgParams)
        try:
            return self._images_call(genapi_txt2img_ex, p, "genapi_txt2img", extra)
        finally:
            if temp:
                p.close()

    def img2img(
        self,
        init_images: Sequence[bytes] | bytes,
        mask: bytes | None = None,
        params: Img2ImgParams | Mapping[str, Any] | None = None,
        *,
        extra: Mapping[str, Any] | str | None = None,
        **kwargs: Any,
    ) -> ImagesResult:
        """Generate images from images (genapi_img2img). ``init_images`` are image file bytes
        (e.g. PNG; one bytes object or a list) and ``mask`` an optional inpainting mask; they are
        base64-encoded here. Other parameters as for txt2img() (denoising_strength=..., ...)."""
        if isinstance(init_images, (bytes, bytearray, memoryview, str)):
            init_images = [init_images]
        kw = dict(kwargs)
        kw["init_images"] = [_b64(x, "init_images") for x in init_images]
        if mask is not None:
            kw["mask"] = _b64(mask, "mask")
        p, temp = self._params(params, kw, Img2ImgParams)
        try:
            return self._images_call(genapi_img2img_ex, p, "genapi_img2img", extra)
        finally:
            if temp:
                p.close()

    def upscale(self, image: bytes, params: UpscaleParams | Mapping[str, Any] | None = None, *,
                extra: Mapping[str, Any] | str | None = None, **kwargs: Any) -> UpscaledImage:
        """Upscale one image (genapi_upscale_ex): ``image`` is image file bytes (base64-encoded
        here); e.g. ``upscale(png, upscaler_1="Resize Lanczos", upscaling_resize=2)``; ``extra``
        as for txt2img()."""
        kw = dict(kwargs)
        kw["image"] = _b64(image, "image")
        p, temp = self._params(params, kw, UpscaleParams)
        try:
            out = P(UpscaleResultStruct)()
            err = _lib.new_error()
            with self._lock:
                st = genapi_upscale_ex(self._h(), p._ptr(), _extra_text(extra, "extra"), ctypes.byref(out),
                                       ctypes.byref(err))
            try:
                _lib.check(st, err)
                if not out:
                    raise Error("genapi_upscale returned no result", status=E_INTERNAL)
                return _convert_upscale(out.contents)
            finally:
                if out:
                    genapi_upscale_result_free(out)
        finally:
            if temp:
                p.close()

    def image_to_base64(self, data: bytes) -> str:
        """Base64 text of image bytes, as the C library makes it (genapi_image_to_base64)."""
        buf = bytes(data)
        out = c_void_p()
        err = _lib.new_error()
        with self._lock:
            h = self._h()
            st = genapi_image_to_base64(h, buf, len(buf), ctypes.byref(out), ctypes.byref(err))
            _lib.check(st, err)
            return _lib.take_string(out.value, genapi_client_allocator(h))

    def _listing(self, kind: int) -> list:
        out = P(ImageListingStruct)()
        err = _lib.new_error()
        with self._lock:
            st = genapi_list_image(self._h(), kind, ctypes.byref(out), ctypes.byref(err))
        try:
            _lib.check(st, err)
            if not out:
                raise Error("genapi_list_image returned no result", status=E_INTERNAL)
            return _convert_listing(out.contents, kind)
        finally:
            if out:
                genapi_image_listing_free(out)

    def list_image_models(self) -> list[ImageModelInfo]:
        """Image models (GET /v1/models/image-models, or /sdapi/v1/sd-models with image_api="webui")."""
        return self._listing(LISTING_MODELS)

    def list_samplers(self) -> list[ImageSampler]:
        """Image samplers (GET /v1/img-samplers, or /sdapi/v1/samplers)."""
        return self._listing(LISTING_SAMPLERS)

    def list_upscalers(self) -> list[Upscaler]:
        """Upscalers (GET /v1/upscalers, or /sdapi/v1/upscalers)."""
        return self._listing(LISTING_UPSCALERS)

    def parallel_requests(self) -> int:
        """How many generations the server runs at once (GET /v1/parallel-requests)."""
        n = ctypes.c_int64()
        err = _lib.new_error()
        with self._lock:
            st = genapi_parallel_requests(self._h(), ctypes.byref(n), ctypes.byref(err))
        _lib.check(st, err)
        return n.value

    def image_options(self) -> dict:
        """The image server's options (GET /v1/img-options, /sdapi/v1/options) as a dict."""
        out = c_void_p()
        err = _lib.new_error()
        with self._lock:
            h = self._h()
            st = genapi_image_options(h, ctypes.byref(out), ctypes.byref(err))
            _lib.check(st, err)
            return json.loads(_lib.take_string(out.value, genapi_client_allocator(h)))

    # -- asyncio (async.h, driven by the running event loop) --
    def achat(
        self,
        messages: str | Sequence[Mapping[str, Any]] | Iterable[Any],
        params: TextParams | Mapping[str, Any] | None = None,
        *,
        extra: Mapping[str, Any] | str | None = None,
        stream: bool = False,
        **kwargs: Any,
    ):
        """``await client.achat(...)`` -> ChatResult (genapi_chat_start), arguments as for chat().

        With ``stream=True`` it returns a genapi.AsyncStream for ``async for delta in ...``
        instead (see achat_stream()). Cancelling the awaiting task cancels the request.
        """
        if stream:
            return self.achat_stream(messages, params, extra=extra, **kwargs)
        return self._achat(messages, params, extra, kwargs)

    async def _achat(self, messages, params, extra, kwargs) -> ChatResult:
        tooling = _pop_tools(kwargs)
        p, temp = self._params(params, kwargs)
        try:
            req = _Request(messages, p, extra, tooling)
            op = self._aop(genapi_chat_start, (ctypes.byref(req.req),), _requests.CHAT)
        finally:
            if temp:
                p.close()
        return await op.wait()

    def achat_stream(
        self,
        messages: str | Sequence[Mapping[str, Any]] | Iterable[Any],
        params: TextParams | Mapping[str, Any] | None = None,
        *,
        extra: Mapping[str, Any] | str | None = None,
        **kwargs: Any,
    ) -> "_aio.AsyncStream":
        """A streamed chat for ``async for delta in client.achat_stream(...)`` (a pull stream
        started with genapi_chat_stream_start at the first iteration). Parameters are parsed
        here; ``.result`` is the accumulated ChatResult after the last delta."""
        tooling = _pop_tools(kwargs)
        p, temp = self._params(params, kwargs)
        if not temp:
            p = p.copy()  # sent when the stream starts: later changes to the caller's object stay out
        try:
            req = _Request(messages, p, extra, tooling)
        except BaseException:
            p.close()
            raise
        return _aio.AsyncStream(self, genapi_chat_stream_start, req, p, _requests.CHAT)

    def acomplete(
        self,
        prompt: str | Sequence[int],
        *,
        echo: bool = False,
        params: TextParams | Mapping[str, Any] | None = None,
        extra_json: Mapping[str, Any] | str | None = None,
        stream: bool = False,
        **kwargs: Any,
    ):
        """``await client.acomplete(...)`` -> CompletionResult (genapi_complete_start), arguments
        as for complete(); ``stream=True`` returns a genapi.AsyncStream (acomplete_stream())."""
        if stream:
            return self.acomplete_stream(prompt, echo=echo, params=params, extra_json=extra_json, **kwargs)
        return self._acomplete(prompt, echo, params, extra_json, kwargs)

    async def _acomplete(self, prompt, echo, params, extra_json, kwargs) -> CompletionResult:
        p, temp = self._params(params, kwargs)
        try:
            req = _CompletionRequest(prompt, echo, p, extra_json)
            op = self._aop(genapi_complete_start, (ctypes.byref(req.req),), _requests.COMPLETION)
        finally:
            if temp:
                p.close()
        return await op.wait()

    def acomplete_stream(
        self,
        prompt: str | Sequence[int],
        *,
        echo: bool = False,
        params: TextParams | Mapping[str, Any] | None = None,
        extra_json: Mapping[str, Any] | str | None = None,
        **kwargs: Any,
    ) -> "_aio.AsyncStream":
        """A streamed text completion for ``async for`` (see achat_stream())."""
        p, temp = self._params(params, kwargs)
        if not temp:
            p = p.copy()  # sent when the stream starts: later changes to the caller's object stay out
        try:
            req = _CompletionRequest(prompt, echo, p, extra_json)
        except BaseException:
            p.close()
            raise
        return _aio.AsyncStream(self, genapi_complete_stream_start, req, p, _requests.COMPLETION)

    async def atokenize(
        self,
        prompt: str | None = None,
        messages: str | Sequence[Mapping[str, Any]] | Iterable[Any] | None = None,
        model: str | None = None,
        multi_models: Sequence[str] | str | None = None,
        return_token_strs: bool = False,
        add_generation_prompt: bool = True,
    ) -> TokenizeResult:
        """``await client.atokenize(...)`` -> TokenizeResult; arguments as for tokenize()."""
        req = _TokenizeRequest(prompt, messages, model, multi_models, return_token_strs, add_generation_prompt)
        op = self._aop(genapi_tokenize_start, (ctypes.byref(req.req),), _requests.TOKENIZE)
        return await op.wait()

    async def alist_text_models(self) -> list[ModelInfo]:
        """``await client.alist_text_models()`` -> list of ModelInfo."""
        return await self._aop(genapi_list_text_models_start, (), _requests.TEXT_MODELS).wait()

    async def _aimages(self, fn, p: _Params, temp: bool, on_progress, extra: Any = None) -> ImagesResult:
        try:
            op = self._aop(fn, (p._ptr(), _extra_text(extra, "extra")), _requests.IMAGES, on_progress)
        finally:
            if temp:
                p.close()
        return await op.wait()

    async def atxt2img(self, params: Txt2ImgParams | Mapping[str, Any] | None = None, *,
                       on_progress: Callable[[Any], Any] | None = None,
                       extra: Mapping[str, Any] | str | None = None, **kwargs: Any) -> ImagesResult:
        """``await client.atxt2img(...)`` -> ImagesResult; parameters as for txt2img().
        ``on_progress(genapi.Progress)`` is called on the event loop's thread while the
        images are made (never with a smaller ``progress`` than before; 1.0 last on success).
        An exception it raises cancels the request and is raised by the await."""
        p, temp = self._params(params, kwargs, Txt2ImgParams)
        return await self._aimages(genapi_txt2img_start_ex, p, temp, on_progress, extra)

    async def aimg2img(
        self,
        init_images: Sequence[bytes] | bytes,
        mask: bytes | None = None,
        params: Img2ImgParams | Mapping[str, Any] | None = None,
        *,
        on_progress: Callable[[Any], Any] | None = None,
        extra: Mapping[str, Any] | str | None = None,
        **kwargs: Any,
    ) -> ImagesResult:
        """``await client.aimg2img(...)`` -> ImagesResult; arguments as for img2img(),
        ``on_progress`` as for atxt2img()."""
        if isinstance(init_images, (bytes, bytearray, memoryview, str)):
            init_images = [init_images]
        kw = dict(kwargs)
        kw["init_images"] = [_b64(x, "init_images") for x in init_images]
        if mask is not None:
            kw["mask"] = _b64(mask, "mask")
        p, temp = self._params(params, kw, Img2ImgParams)
        return await self._aimages(genapi_img2img_start_ex, p, temp, on_progress, extra)

    async def aupscale(self, image: bytes, params: UpscaleParams | Mapping[str, Any] | None = None, *,
                       extra: Mapping[str, Any] | str | None = None, **kwargs: Any) -> UpscaledImage:
        """``await client.aupscale(...)`` -> UpscaledImage; arguments as for upscale()."""
        kw = dict(kwargs)
        kw["image"] = _b64(image, "image")
        p, temp = self._params(params, kw, UpscaleParams)
        try:
            op = self._aop(genapi_upscale_start_ex, (p._ptr(), _extra_text(extra, "extra")), _requests.UPSCALE)
        finally:
            if temp:
                p.close()
        return await op.wait()

    async def alist_image_models(self) -> list[ImageModelInfo]:
        """``await client.alist_image_models()`` -> list of ImageModelInfo."""
        return await self._aop(genapi_list_image_start, (LISTING_MODELS,), _requests.LISTINGS[LISTING_MODELS]).wait()

    async def alist_samplers(self) -> list[ImageSampler]:
        """``await client.alist_samplers()`` -> list of ImageSampler."""
        return await self._aop(genapi_list_image_start, (LISTING_SAMPLERS,),
                               _requests.LISTINGS[LISTING_SAMPLERS]).wait()

    async def alist_upscalers(self) -> list[Upscaler]:
        """``await client.alist_upscalers()`` -> list of Upscaler."""
        return await self._aop(genapi_list_image_start, (LISTING_UPSCALERS,),
                               _requests.LISTINGS[LISTING_UPSCALERS]).wait()

    async def aimage_options(self) -> dict:
        """``await client.aimage_options()`` -> dict of the image server's options."""
        return await self._aop(genapi_image_options_start, (), _requests.OPTIONS).wait()

    def _aop(self, fn, args: tuple, kind, on_progress=None):
        """Start one request on the running loop's driver; the caller awaits op.wait()."""
        op = _aio.Op(self._driver_for(asyncio.get_running_loop()), kind, on_progress)
        op.start(self, fn, args)
        return op


# The request layers build on the declarations above.
from . import _aio, _requests  # noqa: E402
