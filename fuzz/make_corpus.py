#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from the checked-in
fixtures (tests/data/fixtures/) and a few hand-written requests, in each target's input format
(the comment at the top of fuzz/fuzz_<target>.c). The generated files are checked in; run this
again after the fixtures or an input format change:  python3 fuzz/make_corpus.py"""
import json
import os
import shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "tests", "data", "fixtures")
OUT = os.path.join(ROOT, "fuzz", "corpus")


def fixtures(kind):
    d = os.path.join(FIX, kind)
    for name in sorted(os.listdir(d)):
        body = os.path.join(d, name, "response.body")
        if os.path.isfile(body):
            with open(body, "rb") as f:
                data = f.read()
            meta = {}
            mp = os.path.join(d, name, "response.meta")
            if os.path.isfile(mp):
                with open(mp) as f:
                    meta = json.load(f)
            yield name, data, meta


corpora = {}


def seed(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    corpora.setdefault(target, {})[name] = data


# ---- sse and accumulate: the streamed fixtures ------------------------------------------------
for kind, acc_mode in (("chat_completions_stream", 0), ("completions_stream", 1)):
    for name, body, _ in fixtures(kind):
        # mode 0: no stop, no injection; chunks of 1, 3, 7, 16, 64, 255, 2 and 5 bytes
        seed("sse", f"{kind}_{name}", bytes([0, 1, 3, 7, 16, 64, 255, 2, 5]) + body)
        seed("accumulate", f"{kind}_{name}", bytes([acc_mode, 0, 0]) + body)
        # the result built after every event, and a stop at the second delta
        seed("accumulate", f"{kind}_{name}_snapshots", bytes([acc_mode | 16 | 8, 0, 2]) + body)
seed("sse", "comments_fields", bytes([0, 4, 4, 4, 4, 4, 4, 4, 4]) +
     b": keep-alive\r\nevent: x\nid: 1\nretry: 10\ndata:a\ndata: b\r\rdata\n\ndata: [DONE]\n\n")

# ---- response parsers: byte 0 selects the parser ----------------------------------------------
PARSERS = {"chat_completions": 0, "completions": 1, "tokenize": 2, "models": 3, "txt2img": 4,
           "img2img": 4, "extra-single-image": 5, "sd-models": 6, "samplers": 7, "upscalers": 8,
           "options": 9, "progress": 10}
for kind, sel in PARSERS.items():
    for name, body, _ in fixtures(kind):
        seed("response", f"{kind}_{name}", bytes([sel, 0, 0]) + body)
seed("response", "progress_running", bytes([10, 0, 0]) + json.dumps(
    {"progress": 0.42, "eta_relative": 3.5, "state": {"job_count": 2, "job_no": 1, "sampling_step": 3,
                                                      "sampling_steps": 20}}).encode())
seed("response", "models_array_of_strings", bytes([3, 0, 0]) + b'["genapi-ref", {"name": "x", "max_context": 4096}]')
for name, body, meta in fixtures("errors"):
    status = meta.get("status", 500)
    retry = (meta.get("headers") or {}).get("retry-after", "")
    seed("response", f"errors_{name}", bytes([11, 0, 0, status >> 8, status & 255]) + retry.encode() + b"\n" + body)
seed("response", "errors_redirect", bytes([11, 0, 0, 301 >> 8, 301 & 255]) + b"Wed, 21 Oct 2015 07:28:00 GMT\n")

# ---- parameter readers: byte 0 selects the table ----------------------------------------------
TEXT = [
    {"model": "genapi-ref", "temperature": 0.7, "top_p": 0.9, "max_tokens": 16, "stop": ["\n", "END"], "seed": 42},
    {"model": "genapi-ref", "n": 2, "best_of": 3, "logprobs": True, "top_logprobs": 3, "logit_bias": {"11": -100}},
    {"model": "genapi-ref", "guided_json": {"type": "object", "properties": {"a": {"type": "integer"}}},
     "sampler_priority": ["temperature", "top_p"], "dynatemp_min": 0.5, "dynatemp_max": 1.5},
    {"model": "genapi-ref", "guided_regex": "[a-z]{3}", "stream": True, "stream_options": {"include_usage": True},
     "response_format": {"type": "json_object"}, "min_tokens": 1, "skip_special_tokens": False},
    {"model": "genapi-ref", "guided_choice": ["yes", "no"], "presence_penalty": 0.5, "frequency_penalty": -0.5,
     "repetition_penalty": 1.1, "mirostat_mode": 2, "xtc_probability": 0.5, "dry_multiplier": 0.8},
]
TXT2IMG = [
    {"prompt": "a red fox", "negative_prompt": "blur", "width": 64, "height": 64, "steps": 4, "seed": 7,
     "sampler_name": "Euler a", "cfg_scale": 7.5, "batch_size": 2},
    {"prompt": "x", "enable_hr": True, "hr_scale": 2, "hr_upscaler": "Lanczos", "override_settings": {"CLIP_stop_at_last_layers": 2}},
]
TINY_PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
IMG2IMG = [
    {"prompt": "a cat", "init_images": [TINY_PNG], "denoising_strength": 0.5, "width": 64, "height": 64, "steps": 3},
    {"prompt": "inpaint", "init_images": ["data:image/png;base64," + TINY_PNG], "mask": TINY_PNG, "mask_blur": 4,
     "inpainting_fill": 1, "inpaint_full_res": True},
]
UPSCALE = [
    {"image": TINY_PNG, "upscaling_resize": 2, "upscaler_1": "Lanczos"},
    {"image": "data:image/png;base64," + TINY_PNG, "resize_mode": 1, "upscaling_resize_w": 8,
     "upscaling_resize_h": 8, "upscaler_1": "Nearest", "upscaler_2": "None", "extras_upscaler_2_visibility": 0.5},
]
for sel, name, docs in ((0, "text", TEXT), (1, "txt2img", TXT2IMG), (2, "img2img", IMG2IMG), (3, "upscale", UPSCALE)):
    for i, d in enumerate(docs):
        seed("params", f"{name}_{i}", bytes([sel, 0, 0]) + json.dumps(d).encode())

# ---- router: mode byte, method, path, authorization, content type, body -----------------------
def request(method, path, body=b"", auth="Bearer fuzz-key", ctype="application/json", mode=b"0"):
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    return mode + f"{method}\n{path}\n{auth}\n{ctype}\n".encode() + body

seed("router", "chat", request("POST", "/v1/chat/completions", {
    "model": "genapi-ref", "messages": [{"role": "user", "content": "Hello"}], "max_tokens": 4, "seed": 1}))
seed("router", "chat_stream", request("POST", "/v1/chat/completions", {
    "model": "genapi-ref", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
    "max_tokens": 4, "stream": True, "stream_options": {"include_usage": True}, "logprobs": True, "top_logprobs": 2}))
seed("router", "chat_guided_json", request("POST", "/v1/chat/completions", {
    "model": "genapi-ref", "messages": [{"role": "user", "content": "JSON"}], "max_tokens": 8,
    "guided_json": {"type": "object", "properties": {"a": {"type": "boolean"}}, "required": ["a"]}}))
seed("router", "completions", request("POST", "/v1/completions", {
    "model": "genapi-ref", "prompt": "Once upon", "max_tokens": 4, "n": 2, "logprobs": 1, "echo": True}))
seed("router", "completions_stream_regex", request("POST", "/v1/completions", {
    "model": "genapi-ref-lora", "prompt": ["a", "b"], "max_tokens": 4, "stream": True, "guided_regex": "[0-9]+"}))
seed("router", "completions_beam", request("POST", "/v1/completions", {
    "model": "genapi-ref", "prompt": [1, 2, 3], "max_tokens": 3, "n": 2, "best_of": 3, "use_beam_search": True}))
seed("router", "tokenize", request("POST", "/v1/tokenize", {"model": "genapi-ref", "prompt": "Hello world",
                                                          "return_token_strs": True}))
seed("router", "tokenize_messages", request("POST", "/v1/tokenize", {
    "model": "genapi-ref", "messages": [{"role": "user", "content": "Hi"}], "add_generation_prompt": True}))
for p in ("/v1/models", "/v1/models/textgen-models", "/sdapi/v1/sd-models", "/sdapi/v1/samplers", "/sdapi/v1/upscalers",
          "/sdapi/v1/options", "/v1/parallel-requests", "/sdapi/v1/progress?skip_current_image=false", "/health"):
    seed("router", "get" + p.replace("/", "_").replace("?", "_").replace("=", "_"), request("GET", p, ctype="-"))
seed("router", "unauthorized", request("GET", "/v1/models", auth="-", ctype="-"))
seed("router", "txt2img", request("POST", "/sdapi/v1/txt2img", {"prompt": "fox", "width": 16, "height": 16,
                                                               "steps": 2, "seed": 3, "batch_size": 2}))
seed("router", "img2img", request("POST", "/sdapi/v1/img2img", {"prompt": "cat", "init_images": [TINY_PNG],
                                                               "width": 8, "height": 8, "steps": 2, "mask": TINY_PNG}))
seed("router", "upscale", request("POST", "/sdapi/v1/extra-single-image", {"image": TINY_PNG, "upscaling_resize": 2,
                                                                           "upscaler_1": "Lanczos"}))
seed("router", "chat_disconnect", request("POST", "/v1/chat/completions", {
    "model": "genapi-ref", "messages": [{"role": "user", "content": "Hello"}], "max_tokens": 8}, mode=b"\x07"))

# ---- guided: byte 0 selects the compiler, the text, NUL, step bytes --------------------------
STEPS = bytes(range(0, 48, 3))
for i, rx in enumerate(["[a-z]{3}", "(yes|no)", r"\d+(\.\d+)?", "a*b?c{2,4}", r"[^\n]{0,5}\w\s",
                        "(ab|ba)+é", r"\u00e9|😀", "[[:alpha:]]", "(?:x|y){1,3}$"]):
    seed("guided", f"regex_{i}", b"\x00" + rx.encode() + b"\x00" + STEPS)
SCHEMAS = [
    {"type": "object", "properties": {"name": {"type": "string", "maxLength": 4}, "age": {"type": "integer"}},
     "required": ["name"]},
    {"type": "array", "items": {"type": "number", "minimum": 0}, "minItems": 1, "maxItems": 3},
    {"enum": ["a", 1, None, True]},
    {"anyOf": [{"type": "string", "pattern": "^[ab]+$"}, {"type": "boolean"}]},
    {"type": "object", "properties": {"x": {"$ref": "#/$defs/p"}}, "$defs": {"p": {"const": "q"}},
     "additionalProperties": False},
    {"type": "string", "format": "date"},
]
for i, s in enumerate(SCHEMAS):
    seed("guided", f"schema_{i}", b"\x01" + json.dumps(s).encode() + b"\x00" + STEPS)
seed("guided", "choice", b"\x02yes\nno\nmaybe\n\xc3\xa9t\xc3\xa9\x00" + STEPS)
seed("guided", "json_object", b"\x03\x00" + STEPS + STEPS)


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    for target, files in sorted(corpora.items()):
        d = os.path.join(OUT, target)
        os.makedirs(d)
        for name, data in sorted(files.items()):
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
    print(", ".join(f"{t}: {len(f)}" for t, f in sorted(corpora.items())))


if __name__ == "__main__":
    main()
