#!/usr/bin/env python3
"""Tests of the genapi ctypes binding (plain unittest; exits non-zero on failure).

Run:  GENAPI_LIBRARY=/path/to/libgenapi.so PYTHONPATH=bindings/python \
          python3 bindings/python/tests/test_binding.py

Every table-driven test walks the descriptor table read from the C library, so a parameter
added to GENAPI_TEXT_PARAMS is covered without touching this file.
"""
from __future__ import annotations

import ctypes
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # bindings/python, if PYTHONPATH was not set

import genapi  # noqa: E402
from genapi import _client, _errors, _lib, _params  # noqa: E402

# The in-process reference backend must be used: never talk to a server from the environment.
for _var in ("GENAPI_BASE_URL", "GENAPI_API_KEY"):
    os.environ.pop(_var, None)

REF_MODEL = "genapi-ref"
KIND_NAMES = set(_params.KIND_NAMES.values())


# --- representative values, derived from each descriptor's kind and range --------------------------
def _lo(d):
    return d["min"]


def _hi(d):
    return d["max"]


def _number(d, integer):
    """An in-range number for a DOUBLE/INT descriptor."""
    if d["choices"]:
        v = float(d["choices"][0])
    elif _lo(d) is not None and _hi(d) is not None:
        v = (_lo(d) + _hi(d)) / 2  # e.g. [0, 1] -> 0.5, (0, 1] -> 0.5
        if integer:
            v = math.floor(v)
    elif _lo(d) is not None:
        v = _lo(d) + 1 if d["min_open"] or ("nonzero" in d["flags"] and _lo(d) == 0) else _lo(d)
    elif _hi(d) is not None:
        v = _hi(d) - 1 if d["max_open"] or ("nonzero" in d["flags"] and _hi(d) == 0) else _hi(d)
    else:
        # unbounded: the documented default is always acceptable (length_penalty must stay 1)
        try:
            v = float(d["default"])
        except ValueError:
            v = 1.0
    return int(v) if integer else float(v)


def _item_base(d):
    """Smallest integer allowed as a list item."""
    if "items" in d["flags"] and _lo(d) is not None:
        return int(_lo(d)) + (1 if d["min_open"] else 0)
    return 1


def representative(d):
    """(value passed to set(), expected value in to_json()) for a descriptor dict."""
    k = d["kind"]
    if k == "STRING":
        return "abc", "abc"
    if k == "DOUBLE":
        v = _number(d, False)
        return v, v
    if k == "INT":
        v = _number(d, True)
        return v, v
    if k == "BOOL":
        return True, True
    if k == "ENUM":
        c = d["choices"][0]
        return c, {"true": True, "false": False}.get(c, c)
    if k == "STRLIST":
        return ["alpha", "beta gamma"], ["alpha", "beta gamma"]
    if k == "INTLIST":
        b = _item_base(d)
        return [b, b + 2], [b, b + 2]
    if k == "SAMPLERS":
        ids = list(range(int(_lo(d)), int(_hi(d)) + 1))[::-1]  # every sampler, reversed order
        return [genapi.sampler_name(i) for i in ids], ids  # names in, ids out
    if k == "INTLISTS":
        b = _item_base(d)
        return [[b, b + 1], [b + 2]], [[b, b + 1], [b + 2]]
    if k == "BIAS":
        v = (_lo(d) + _hi(d)) / 2 + (_hi(d) - _lo(d)) / 4  # [-100, 100] -> 50
        return {5: v}, {"5": v}
    if k == "BANRANGES":
        b = _item_base(d)
        return [([b, b + 1], 0, 3)], [[[b, b + 1], 0, 3]]
    if k == "JSON":
        obj = ["proc"] if "array" in d["doc"].lower() else {"key": [1, "two"]}
        return json.dumps(obj), obj  # JSON kinds take JSON text
    raise AssertionError(f"unhandled kind {k}")


def out_of_range_values(d):
    """Values set_text accepts but validate() must reject, derived from the range flags."""
    k = d["kind"]
    bad = []
    if k in ("DOUBLE", "INT"):
        integer = k == "INT"
        if d["choices"]:
            bad.append(max(float(c) for c in d["choices"]) + 1)
        else:
            if _lo(d) is not None:
                bad.append(_lo(d) if d["min_open"] else _lo(d) - 1)
            if _hi(d) is not None:
                bad.append(_hi(d) if d["max_open"] else _hi(d) + 1)
            if "nonzero" in d["flags"]:
                bad.append(0)
        bad = [int(v) if integer else float(v) for v in bad]
    elif k in ("INTLIST", "INTLISTS", "BANRANGES") and "items" in d["flags"] and _lo(d) is not None:
        below = int(_lo(d)) - 1
        bad.append({"INTLIST": [below], "INTLISTS": [[below]], "BANRANGES": [[[below], 0, 1]]}[k])
    elif k == "BIAS":
        bad.append({1: _hi(d) + 1})
    if k in ("STRLIST", "INTLIST", "SAMPLERS") and "nonempty" in d["flags"]:
        bad.append([])
    if k == "SAMPLERS":
        bad.append([genapi.sampler_name(int(_lo(d)))])  # incomplete list
    if k == "STRLIST" and "items" in d["flags"]:
        bad.append([""])
    if k == "JSON":
        bad.append("{not json")
    return bad


def required_base():
    """Representative values of the required parameters (validate() fails without them)."""
    return {d["json_name"]: representative(d) for d in genapi.params() if d["required"]}


class LayoutTest(unittest.TestCase):
    def test_abi_and_version(self):
        self.assertEqual(_lib.genapi_abi_version(), 2)
        self.assertRegex(genapi.library_version(), r"^\d+\.\d+\.\d+$")
        self.assertEqual(genapi.status_str(-8), "not found")

    def test_library_loading_errors(self):
        import ctypes.util

        libc = ctypes.util.find_library("c") or "libc.so.6"
        pkg = os.path.dirname(os.path.dirname(os.path.abspath(genapi.__file__)))
        for lib, expect in (("/nonexistent/libgenapi.so", "GENAPI_LIBRARY"), (libc, "does not export")):
            env = dict(os.environ, GENAPI_LIBRARY=lib, PYTHONPATH=pkg)
            r = subprocess.run([sys.executable, "-c", "import genapi"], env=env, capture_output=True, text=True)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("ImportError", r.stderr)
            self.assertIn(expect, r.stderr)

    def test_text_params_layout_matches_library(self):
        S = _params.TextParamsStruct
        self.assertEqual(ctypes.sizeof(S), _lib.genapi_text_params_sizeof())
        count = ctypes.c_size_t()
        _lib.genapi_text_param_table(ctypes.byref(count))
        self.assertEqual(len(_params.DESCS), count.value)
        self.assertGreater(count.value, 0)
        for i, d in enumerate(_params.DESCS):
            f = getattr(S, d.name)
            self.assertEqual(f.offset, d.offset, d.json_name)
            self.assertEqual(f.size, d.size, d.json_name)
            self.assertEqual(d.index, i)
        # the struct fields are exactly the header plus the table, in order
        names = [n for n, _ in S._fields_]
        self.assertEqual(names[: len(_params.HEADER_FIELDS)], [n for n, _ in _params.HEADER_FIELDS])
        self.assertEqual(names[len(_params.HEADER_FIELDS):], [d.name for d in _params.DESCS])
        # init records sizeof, as the C library sees it
        p = genapi.TextParams()
        self.assertEqual(p.struct.struct_size, _lib.genapi_text_params_sizeof())

    def test_layout_mismatch_raises_import_error(self):
        descs = _params.DESCS
        victim = next(d for d in descs if d.kind == _params.PK_DOUBLE)
        fields = list(_params.HEADER_FIELDS) + [
            (d.name, ctypes.c_int32 if d is victim else _params.CTYPE_OF_KIND[d.kind]) for d in descs
        ]
        Wrong = type("wrong_params", (ctypes.Structure,), {"_fields_": fields})
        with self.assertRaises(ImportError) as cm:
            _params.check_layout(Wrong, descs, _lib.genapi_text_params_sizeof())
        self.assertIn(victim.json_name, str(cm.exception))
        # a wrong total size alone is reported too
        with self.assertRaises(ImportError) as cm:
            _params.check_layout(_params.TextParamsStruct, descs, _lib.genapi_text_params_sizeof() + 8)
        self.assertIn("sizeof", str(cm.exception))

    def test_error_struct_layout(self):
        E = _errors.GenapiErrorStruct
        self.assertEqual(ctypes.sizeof(E), 1432)  # 4*int32 + int64 + 1024 + 3*128
        self.assertEqual(ctypes.sizeof(E), _errors.GENAPI_ERROR_SIZE)
        for name, off in _errors.GENAPI_ERROR_OFFSETS.items():
            self.assertEqual(getattr(E, name).offset, off, name)
        err = _lib.new_error()  # genapi_error_clear really writes into our struct
        self.assertEqual(err.retry_after_ms, -1)

    def test_client_config_size_accepted_by_library(self):
        cfg = _client.ClientConfigStruct()
        self.assertEqual(_client.genapi_client_config_init(ctypes.byref(cfg), ctypes.sizeof(cfg)), 0)
        self.assertEqual(cfg.struct_size, ctypes.sizeof(cfg))
        self.assertNotEqual(_client.genapi_client_config_init(ctypes.byref(cfg), ctypes.sizeof(cfg) - 8), 0)

    def test_header_constants_match(self):
        hdr = os.path.join(_include_dir() or "", "genapi", "error.h")
        if not os.path.exists(hdr):
            self.skipTest("headers not found")
        with open(hdr, encoding="utf-8") as f:
            text = f.read()
        self.assertIn(f"#define GENAPI_ERROR_MESSAGE_MAX {_errors.GENAPI_ERROR_MESSAGE_MAX}\n", text)
        self.assertIn(f"#define GENAPI_ERROR_FIELD_MAX {_errors.GENAPI_ERROR_FIELD_MAX}\n", text)
        with open(os.path.join(_include_dir(), "genapi", "text_params.h"), encoding="utf-8") as f:
            tp = f.read()
        self.assertIn(f"#define GENAPI_TEXT_SET_WORDS {_params.TEXT_SET_WORDS}\n", tp)
        with open(os.path.join(_include_dir(), "genapi", "image_params.h"), encoding="utf-8") as f:
            ip = f.read()
        for k in ("TXT2IMG", "IMG2IMG", "UPSCALE"):
            self.assertIn(f"#define GENAPI_{k}_SET_WORDS {getattr(_params, k + '_SET_WORDS')}\n", ip)

    def test_every_struct_against_c_compiler(self):
        """offsetof/sizeof of every public struct the binding mirrors, from the real headers."""
        cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc") or shutil.which("clang")
        inc = _include_dir()
        if not cc or not inc:
            self.skipTest("no C compiler or no headers")
        structs = {
            "genapi_error": _errors.GenapiErrorStruct,
            "genapi_param_desc": _lib.ParamDescStruct,
            "genapi_strlist": _params.StrList,
            "genapi_intlist": _params.IntList,
            "genapi_intlists": _params.IntLists,
            "genapi_token_bias": _params.TokenBias,
            "genapi_token_biases": _params.TokenBiases,
            "genapi_token_ban_range": _params.TokenBanRange,
            "genapi_token_ban_ranges": _params.TokenBanRanges,
            "genapi_client_config": _client.ClientConfigStruct,
            "genapi_chat_message": _client.ChatMessageStruct,
            "genapi_chat_request": _client.ChatRequestStruct,
            "genapi_tool_call": _client.ToolCallStruct,
            "genapi_tool": _client.ToolStruct,
            "genapi_chat_choice": _client.ChatChoiceStruct,
            "genapi_usage": _client.UsageStruct,
            "genapi_chat_result": _client.ChatResultStruct,
            "genapi_top_logprob": _client.TopLogprobStruct,
            "genapi_token_logprob": _client.TokenLogprobStruct,
            "genapi_logprobs": _client.LogprobsStruct,
            "genapi_completion_request": _client.CompletionRequestStruct,
            "genapi_completion_choice": _client.CompletionChoiceStruct,
            "genapi_completion_result": _client.CompletionResultStruct,
            "genapi_tokenize_request": _client.TokenizeRequestStruct,
            "genapi_tokenize_result": _client.TokenizeResultStruct,
            "genapi_model_info": _client.ModelInfoStruct,
            "genapi_model_list": _client.ModelListStruct,
            "genapi_stream_delta": _client.StreamDeltaStruct,
            "genapi_text_params": _params.TextParamsStruct,
            "genapi_image": _client.ImageStruct,
            "genapi_image_info": _client.ImageInfoStruct,
            "genapi_images_result": _client.ImagesResultStruct,
            "genapi_upscale_result": _client.UpscaleResultStruct,
            "genapi_image_listing_item": _client.ImageListingItemStruct,
            "genapi_image_listing": _client.ImageListingStruct,
            "genapi_txt2img_params": _params.Txt2ImgParamsStruct,
            "genapi_img2img_params": _params.Img2ImgParamsStruct,
            "genapi_upscale_params": _params.UpscaleParamsStruct,
            "genapi_progress": _client.ProgressStruct,
            "genapi_callbacks": _client.CallbacksStruct,
            "genapi_pollfd": _client.PollFdStruct,
        }
        # parameter structs: header fields, then the rows of the C X-macro table
        tables = {"genapi_text_params": ("GENAPI_TEXT_PARAMS", _params.TEXT_TABLE),
                  "genapi_txt2img_params": ("GENAPI_TXT2IMG_PARAMS", _params.TXT2IMG_TABLE),
                  "genapi_img2img_params": ("GENAPI_IMG2IMG_PARAMS", _params.IMG2IMG_TABLE),
                  "genapi_upscale_params": ("GENAPI_UPSCALE_PARAMS", _params.UPSCALE_TABLE)}
        lines = ["#include <stdio.h>", "#include <stddef.h>", "#include <genapi/genapi.h>",
                 "#include <genapi/images.h>", "int main(void) {"]
        for cname, ct in structs.items():
            lines.append(f'printf("{cname}.sizeof %zu 0\\n", sizeof({cname}));')
            if cname in tables:
                for n, _ in _params.header_fields(tables[cname][1].set_words):
                    lines.append(f'printf("{cname}.{n} %zu %zu\\n", offsetof({cname}, {n}), '
                                 f'sizeof((({cname} *)0)->{n}));')
                lines.append(f"#define PX_{cname}(name, kind, fl, lo, hi, ch, def, srv, doc) "
                             f'printf("{cname}.%s %zu %zu\\n", #name, offsetof({cname}, name), '
                             f"sizeof((({cname} *)0)->name));")
                lines.append(f"{tables[cname][0]}(PX_{cname})")
            else:
                for n, _ in ct._fields_:
                    lines.append(f'printf("{cname}.{n} %zu %zu\\n", offsetof({cname}, {n}), '
                                 f'sizeof((({cname} *)0)->{n}));')
        lines += ["return 0;", "}"]
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "layout.c")
            exe = os.path.join(tmp, "layout")
            with open(src, "w") as f:
                f.write("\n".join(lines) + "\n")
            r = subprocess.run([cc, "-std=c11", "-I", inc, src, "-o", exe], capture_output=True, text=True)
            if r.returncode != 0:
                self.fail("layout probe did not compile:\n" + r.stderr)
            out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
        c_fields_seen = set()
        for line in out.splitlines():
            key, off, size = line.split()
            cname, _, field = key.partition(".")
            ct = structs[cname]
            if field == "sizeof":
                self.assertEqual(ctypes.sizeof(ct), int(off), f"sizeof({cname})")
                continue
            c_fields_seen.add((cname, field))
            desc = getattr(ct, field, None)
            self.assertIsNotNone(desc, f"{cname}.{field} missing in ctypes")
            self.assertEqual(desc.offset, int(off), f"offsetof({cname}, {field})")
            self.assertEqual(desc.size, int(size), f"sizeof {cname}.{field}")
        # every table row has a struct field, and the table and header agree
        for cname, (_, table) in tables.items():
            for d in table.descs:
                self.assertIn((cname, d.name), c_fields_seen)
            probed = [f for c, f in c_fields_seen if c == cname]
            self.assertEqual(len(probed), len(_params.HEADER_FIELDS) + len(table.descs), cname)
        # every mirrored struct (and every field of it) was probed
        for cname, ct in structs.items():
            if cname not in tables:
                for n, _ in ct._fields_:
                    self.assertIn((cname, n), c_fields_seen)

    def test_request_struct_sizes_accepted_by_library(self):
        """The library checks struct_size == sizeof: a wrong size is refused before anything is sent."""
        with genapi.Client() as c:
            for struct, fn, res in (
                (_client.CompletionRequestStruct, _client.genapi_complete, _client.CompletionResultStruct),
                (_client.TokenizeRequestStruct, _client.genapi_tokenize, _client.TokenizeResultStruct),
            ):
                req = struct()
                req.struct_size = ctypes.sizeof(struct) - 8
                out = ctypes.POINTER(res)()
                err = _lib.new_error()
                st = fn(c._h(), ctypes.byref(req), ctypes.byref(out), ctypes.byref(err))
                self.assertEqual(st, -1, struct.__name__)
                self.assertIn("struct_size", err.message.decode())
                self.assertFalse(out)


def _include_dir():
    for cand in (os.environ.get("GENAPI_INCLUDE_DIR"), os.path.join(HERE, "..", "..", "..", "include")):
        if cand and os.path.exists(os.path.join(cand, "genapi", "genapi.h")):
            return os.path.abspath(cand)
    return None


class ParamTableTest(unittest.TestCase):
    def test_descriptor_dicts(self):
        ps = genapi.params()
        self.assertEqual(ps, genapi.TextParams.params())
        self.assertEqual(len(ps), len(_params.DESCS))
        names = [p["json_name"] for p in ps]
        self.assertEqual(len(names), len(set(names)))
        for p in ps:
            self.assertIn(p["kind"], KIND_NAMES, p["json_name"])
            self.assertTrue(p["doc"], p["json_name"])
            self.assertIsInstance(p["default"], str)
            self.assertTrue(p["servers"], p["json_name"])
            if p["kind"] == "ENUM":
                self.assertTrue(p["choices"], p["json_name"])
        by = {p["json_name"]: p for p in ps}
        top_p = by["top_p"]
        self.assertEqual((top_p["kind"], top_p["min"], top_p["max"]), ("DOUBLE", 0.0, 1.0))
        self.assertTrue(top_p["min_open"])
        self.assertFalse(top_p["max_open"])
        self.assertEqual(set(top_p["servers"]), {"aphrodite", "vllm", "hosted"})
        self.assertTrue(by["model"]["required"])
        self.assertEqual(by["early_stopping"]["choices"], ["false", "true", "never"])
        # the C lookup agrees with the table
        for p in ps:
            found = _lib.genapi_text_param_find(p["json_name"].encode())
            self.assertTrue(found)
            self.assertEqual(found.contents.index, p["index"])

    def test_sampler_helpers(self):
        self.assertEqual(genapi.sampler_name(7), "dry")
        self.assertEqual(genapi.sampler_id("DRY"), 7)
        self.assertEqual(genapi.sampler_id("no-such-sampler"), -1)
        self.assertIsNone(genapi.sampler_name(len(genapi.SAMPLER_NAMES)))
        for i, n in enumerate(genapi.SAMPLER_NAMES):
            self.assertEqual(genapi.sampler_id(n), i)


class TextParamsTest(unittest.TestCase):
    def test_every_parameter_roundtrips(self):
        base = required_base()
        for d in genapi.params():
            name = d["json_name"]
            with self.subTest(param=name, kind=d["kind"]):
                value, expected = representative(d)
                p = genapi.TextParams({k: v for k, (v, _) in base.items()})
                self.assertFalse(p.is_set(name) and name not in base)
                p.set(name, value)
                self.assertTrue(p.is_set(name))
                self.assertIn(name, p)
                p.validate()
                want = {k: e for k, (_, e) in base.items()}
                want[name] = expected
                self.assertEqual(json.loads(p.to_json()), want)
                got = p.get(name)
                if d["kind"] == "JSON":
                    got = json.loads(got)
                self.assertEqual(json.loads(json.dumps(got)), expected)
                # unset: gone from the JSON, reads as None
                if name not in base:
                    p.set(name, None)
                    self.assertFalse(p.is_set(name))
                    self.assertIsNone(getattr(p, name))
                    self.assertNotIn(name, json.loads(p.to_json()))
                p.close()

    def test_every_range_is_enforced(self):
        base = {k: v for k, (v, _) in required_base().items()}
        checked = 0
        for d in genapi.params():
            name = d["json_name"]
            for bad in out_of_range_values(d):
                with self.subTest(param=name, value=bad):
                    p = genapi.TextParams(base)
                    p.set(name, bad)  # parsing succeeds; ranges are validate()'s job
                    with self.assertRaises(genapi.Error) as cm:
                        p.validate()
                    e = cm.exception
                    self.assertEqual(e.param, name)
                    self.assertEqual(e.status, -1)
                    self.assertEqual(e.status_name, "invalid argument")
                    self.assertIsInstance(e, ValueError)
                    with self.assertRaises(genapi.Error):
                        p.to_json()  # to_json validates too
                    checked += 1
        self.assertGreater(checked, 30)

    def test_top_p_zero(self):
        p = genapi.TextParams(model=REF_MODEL, top_p=0)
        with self.assertRaises(genapi.Error) as cm:
            p.validate()
        self.assertEqual(cm.exception.param, "top_p")
        self.assertIn("top_p", cm.exception.message)
        self.assertEqual(cm.exception.http_status, 0)

    def test_required_model(self):
        with self.assertRaises(genapi.Error) as cm:
            genapi.TextParams(top_p=0.5).validate()
        self.assertEqual(cm.exception.param, "model")

    def test_unknown_parameter(self):
        with self.assertRaises(genapi.Error) as cm:
            genapi.TextParams(no_such_param=1)
        self.assertEqual(cm.exception.param, "no_such_param")
        self.assertIn("no_such_param", str(cm.exception))
        self.assertIsInstance(cm.exception, ValueError)
        p = genapi.TextParams()
        with self.assertRaises(genapi.Error):
            p.bogus = 3
        with self.assertRaises(AttributeError):
            p.bogus  # noqa: B018
        with self.assertRaises(genapi.Error):
            p.is_set("bogus")

    def test_unparsable_values(self):
        for name, value in (("temperature", "abc"), ("n", 1.5), ("ignore_eos", 1), ("stop_token_ids", [1, "x"]),
                            ("guided_decoding_backend", "nope"), ("sampler_priority", ["no-such"]),
                            ("logit_bias", {"x": 1}), ("model", 5), ("early_stopping", 2),
                            ("seed", 2**63), ("max_tokens", -(2**63) - 1), ("stop_token_ids", [2**64]),
                            ("logit_bias", {2**64: 1.0})):
            with self.subTest(param=name, value=value):
                with self.assertRaises(genapi.Error) as cm:
                    genapi.TextParams().set(name, value)
                self.assertEqual(cm.exception.param, name)

    def test_python_value_forms(self):
        p = genapi.TextParams(model=REF_MODEL, use_beam_search=True)
        for v, want in ((False, False), (True, True), ("never", "never"), ("true", True)):
            p.early_stopping = v
            self.assertEqual(p.early_stopping, want)
            self.assertEqual(p.to_dict()["early_stopping"], want)
        p.stop = "123"  # one string, not the JSON number 123
        self.assertEqual(p.stop, ["123"])
        p.stop = ("a", "b")
        self.assertEqual(p.stop, ["a", "b"])
        p.top_p = "0.25"  # text form, like the CLI
        self.assertEqual(p.top_p, 0.25)
        p.guided_json = {"type": "object"}
        self.assertEqual(json.loads(p.guided_json), {"type": "object"})
        p.sampler_priority = [genapi.SAMPLER_NAMES[i] if i % 2 else i for i in range(len(genapi.SAMPLER_NAMES))]
        self.assertEqual(p.sampler_priority, list(range(len(genapi.SAMPLER_NAMES))))
        p.logit_bias = {5: -100, "7": 2.5}
        self.assertEqual(p.logit_bias, {5: -100.0, 7: 2.5})
        p.validate()
        del p.top_p
        self.assertFalse(p.is_set("top_p"))
        with self.assertRaises(genapi.Error):
            p.set("stop", ["a\0b"])  # cannot cross a C string boundary
        self.assertIn("top_p=", repr(genapi.TextParams(top_p=0.5)))

    def test_copy_is_independent_and_from_json(self):
        p = genapi.TextParams(model=REF_MODEL, top_p=0.1, stop=["x"], logit_bias={3: 1.5},
                              guided_json='{"a": 1}', seed=7)
        q = p.copy()
        self.assertEqual(q.to_json(), p.to_json())
        q.top_p = 0.7
        q.stop = ["y"]
        self.assertEqual(p.top_p, 0.1)
        self.assertEqual(p.stop, ["x"])
        p.close()
        self.assertEqual(q.stop, ["y"])  # q owns its storage
        import copy
        import pickle

        for dup in (copy.copy(q), copy.deepcopy(q), pickle.loads(pickle.dumps(q))):
            self.assertEqual(dup, q)
            self.assertIsNot(dup.struct, q.struct)
            self.assertEqual(dup.to_json(), q.to_json())
        r = genapi.TextParams.from_json(q.to_json())
        self.assertEqual(r.to_dict(), q.to_dict())
        r2 = genapi.TextParams.from_json({"model": REF_MODEL, "unknown_key": 1, "n": 2})
        self.assertEqual(r2.set_names(), ["model", "n"])
        with self.assertRaises(genapi.Error):
            genapi.TextParams.from_json("{not json")
        with self.assertRaises(genapi.Error):
            p.to_json()  # closed

    def test_reset(self):
        p = genapi.TextParams(model=REF_MODEL, top_p=0.5)
        p.reset()
        self.assertEqual(p.set_names(), [])
        p.top_k = 4
        self.assertEqual(p.items(), [("top_k", 4)])


class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.environ.pop("GENAPI_BASE_URL", None)
        cls.client = genapi.Client(base_url=None, api_key=None)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def test_in_process_backend(self):
        self.assertIsNone(self.client.base_url)

    def test_tool_loop(self):
        weather = {"type": "function", "function": {
            "name": "get_weather", "description": "Weather of a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                           "required": ["city"], "additionalProperties": False}}}
        msgs = [{"role": "user", "content": "Weather in Oslo?"}]
        r = self.client.chat(msgs, model=REF_MODEL, seed=3, tools=[weather], tool_choice="required")
        ch = r.choices[0]
        self.assertEqual(ch.finish_reason, "tool_calls")
        self.assertIsNone(ch.content)
        self.assertEqual(len(ch.tool_calls), 1)
        call = ch.tool_calls[0]
        self.assertEqual(call.name, "get_weather")
        self.assertTrue(call.id.startswith("chatcmpl-tool-"))
        args = json.loads(call.arguments)
        self.assertEqual(set(args), {"city"})
        self.assertIsInstance(args["city"], str)
        # The same call, named; then the tool's answer goes back and the model answers in text.
        named = self.client.chat(msgs, model=REF_MODEL, seed=3, tools=[weather],
                                 tool_choice={"type": "function", "function": {"name": "get_weather"}})
        self.assertEqual(named.choices[0].finish_reason, "stop")
        self.assertEqual(named.choices[0].tool_calls[0].name, "get_weather")
        loop = msgs + [{"role": "assistant", "content": None,
                        "tool_calls": [{"id": call.id, "type": "function",
                                        "function": {"name": call.name, "arguments": call.arguments}}]},
                       {"role": "tool", "tool_call_id": call.id, "content": json.dumps({"temp": 4})}]
        body = json.loads(self.client.chat_request_json(loop, model=REF_MODEL, tools=[weather],
                                                        parallel_tool_calls=False))
        self.assertEqual(body["messages"][1]["tool_calls"][0]["function"]["name"], "get_weather")
        self.assertEqual(body["messages"][2]["tool_call_id"], call.id)
        self.assertEqual(body["tools"][0]["function"]["parameters"], weather["function"]["parameters"])
        self.assertIs(body["parallel_tool_calls"], False)
        self.assertNotIn("tool_choice", body)
        answer = self.client.chat(loop, model=REF_MODEL, seed=3, tools=[weather])
        self.assertEqual(answer.choices[0].tool_calls, [])
        self.assertTrue(answer.choices[0].content)
        # Streamed, the call accumulates to the same arguments.
        stream = self.client.chat(msgs, model=REF_MODEL, seed=3, tools=[weather], tool_choice="required", stream=True)
        deltas = list(stream)
        self.assertTrue(deltas)
        self.assertEqual(stream.result.choices[0].tool_calls[0].arguments, call.arguments)
        pieces = [d for d in deltas if d.tool_call_index is not None]
        self.assertGreater(len(pieces), 3)
        self.assertTrue(all(d.tool_call_index == 0 and d.content is None for d in pieces))
        self.assertEqual({d.tool_call_name for d in pieces}, {"get_weather"})
        self.assertEqual("".join(d.tool_call_arguments or "" for d in pieces), call.arguments)
        self.assertEqual([d.finish_reason for d in deltas if d.finish_reason], ["tool_calls"])
        with self.assertRaises(genapi.InvalidArgumentError) as cm:
            self.client.chat(msgs, model=REF_MODEL, tools=[weather], tool_choice="sometimes")
        self.assertEqual(cm.exception.param, "tool_choice")
        with self.assertRaises(genapi.InvalidArgumentError) as cm:
            self.client.chat(msgs, model=REF_MODEL, tool_choice="required")
        self.assertEqual(cm.exception.param, "tool_choice")

    def test_chat_end_to_end(self):
        r = self.client.chat([{"role": "user", "content": "Hello"}], model=REF_MODEL, temperature=0.7, top_p=0.9,
                             stop=["\n"], logit_bias={5: -100},
                             sampler_priority=list(reversed(genapi.SAMPLER_NAMES)))
        self.assertIsInstance(r, genapi.ChatResult)
        self.assertEqual(r.model, REF_MODEL)
        self.assertTrue(r.id)
        self.assertEqual(r.object, "chat.completion")
        self.assertGreater(r.created, 0)
        self.assertEqual(r.http_status, 200)
        self.assertEqual(len(r.choices), 1)
        c = r.choices[0]
        self.assertEqual(c.index, 0)
        self.assertEqual(c.role, "assistant")
        self.assertIsInstance(c.content, str)
        self.assertTrue(c.content.strip())
        self.assertNotIn("\n", c.content)
        self.assertIn(c.finish_reason, ("stop", "length"))
        self.assertIsInstance(c.tool_calls, list)
        self.assertIsNotNone(r.usage)
        self.assertGreater(r.usage.prompt_tokens, 0)
        self.assertGreater(r.usage.completion_tokens, 0)
        self.assertEqual(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens)
        self.assertEqual(r.content, c.content)

    def test_unicode_messages_and_forms(self):
        r = self.client.chat([("system", "Be brief ✓"), {"role": "user", "content": "héllo 🌍", "name": "zoë"}],
                             model=REF_MODEL, max_tokens=8)
        self.assertTrue(r.choices[0].content)
        r = self.client.chat("Just a string", model=REF_MODEL, max_tokens=4)
        self.assertTrue(r.choices[0].content)

    def test_model_defaults_come_from_the_library(self):
        """No model given: the C library's default (GENAPI_MODEL, else the server's first model)."""
        saved = {k: os.environ.pop(k, None) for k in ("GENAPI_MODEL", "GENAPI_IMAGE_MODEL")}
        try:
            with genapi.Client(base_url=None, api_key=None) as c:
                first = c.list_text_models()[0].id
                self.assertEqual(c.chat("Hello", max_tokens=3).model, first)
                self.assertEqual(c.complete("The river", max_tokens=2).model, first)
                imgs = c.txt2img(prompt="a fox", steps=1, width=64, height=64).images
                self.assertEqual(len(imgs), 1)
            os.environ["GENAPI_MODEL"] = "genapi-ref-lora"
            with genapi.Client(base_url=None, api_key=None) as c:
                self.assertEqual(c.chat("Hello", max_tokens=3).model, "genapi-ref-lora")
                self.assertEqual(c.chat("Hello", model=first, max_tokens=3).model, first)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    def test_log_hook(self):
        lines = []
        key = "sk-python-log-test-93hQ7"
        with genapi.Client(base_url=None, api_key=key, log=lambda lv, msg: lines.append((lv, msg)),
                           log_level="debug") as c:
            c.chat(f"say {key}", model=REF_MODEL, max_tokens=2)
        self.assertTrue(any(lv == "info" and "POST /v1/chat/completions: HTTP 200" in m for lv, m in lines))
        self.assertTrue(any(lv == "debug" and "request body" in m for lv, m in lines))
        self.assertFalse(any(key in m for _, m in lines))
        self.assertTrue(any("[REDACTED]" in m for _, m in lines))
        lines.clear()
        with genapi.Client(base_url=None, log=lambda lv, msg: lines.append(lv), log_level="warn") as c:
            c.chat("hi", model=REF_MODEL, max_tokens=2)
        self.assertEqual(lines, [])
        with self.assertRaises(genapi.InvalidArgumentError):
            genapi.Client(base_url=None, log=print, log_level="loud")

    def test_reasoning_keeps_nul(self):
        """reasoning is decoded with its length, as content is: a NUL the server escaped stays,
        in a whole response and in a stream's result (a scripted HTTP server)."""
        import http.server
        import threading

        whole = (b'{"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,'
                 b'"message":{"role":"assistant","content":"a\\u0000b","reasoning_content":"think\\u0000more"},'
                 b'"finish_reason":"stop"}]}')
        chunk = ('data: {"id":"c2","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,'
                 '"delta":%s,"finish_reason":%s}]}\n\n')
        stream = (chunk % ('{"role":"assistant","reasoning_content":"th\\u0000"}', "null")
                  + chunk % ('{"reasoning":"ink"}', "null") + chunk % ('{"content":"done"}', '"stop"')
                  + "data: [DONE]\n\n").encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                data, ctype = (stream, "text/event-stream") if body.get("stream") else (whole, "application/json")
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            url = "http://127.0.0.1:%d" % server.server_address[1]
            with genapi.Client(base_url=url, use_environment=False, max_retries=-1) as c:
                r = c.chat("hi", model="m")
                deltas = []
                s = c.chat_stream("hi", model="m", on_delta=lambda d: deltas.append(d.reasoning or ""))
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
        self.assertEqual(r.choices[0].reasoning, "think\x00more")
        self.assertEqual(r.choices[0].content, "a\x00b")
        self.assertEqual(s.choices[0].reasoning, "th\x00ink")
        self.assertEqual("".join(deltas), "th\x00ink")
        self.assertEqual(s.choices[0].content, "done")

    def test_model_info_root(self):
        models = self.client.list_text_models()
        self.assertTrue(all(m.root for m in models))
        self.assertTrue(any(m.parent and m.root == m.parent for m in models))

    def test_not_found(self):
        with self.assertRaises(genapi.Error) as cm:
            self.client.chat([{"role": "user", "content": "Hello"}], model="no-such-model")
        e = cm.exception
        self.assertEqual(e.http_status, 404)
        self.assertEqual(e.status_name, "not found")
        self.assertEqual(e.status, -8)
        self.assertIsInstance(e, genapi.NotFoundError)
        self.assertEqual(e.param, "model")
        self.assertIn("no-such-model", e.message)

    def test_seed_is_deterministic(self):
        msgs = [{"role": "user", "content": "Tell me about the sea."}]
        a = self.client.chat(msgs, model=REF_MODEL, seed=7, temperature=1, max_tokens=40)
        b = self.client.chat(msgs, model=REF_MODEL, seed=7, temperature=1, max_tokens=40)
        self.assertTrue(a.choices[0].content)
        self.assertEqual(a.choices[0].content, b.choices[0].content)
        self.assertNotEqual(a.id, "")

    def test_n_and_max_tokens(self):
        r = self.client.chat("Tell me a story", model=REF_MODEL, n=2, max_tokens=3, seed=1)
        self.assertEqual([c.index for c in r.choices], [0, 1])
        self.assertLessEqual(r.usage.completion_tokens, 6)
        for c in r.choices:
            self.assertIn(c.finish_reason, ("length", "stop"))

    def test_validation_before_sending(self):
        with self.assertRaises(genapi.Error) as cm:
            self.client.chat("hi", model=REF_MODEL, top_p=0)
        self.assertEqual(cm.exception.param, "top_p")
        self.assertEqual(cm.exception.http_status, 0)
        with self.assertRaises(genapi.Error) as cm:
            self.client.chat("hi", model=REF_MODEL, no_such_param=1)
        self.assertEqual(cm.exception.param, "no_such_param")
        # no model: the library's default, not an error
        self.assertEqual(self.client.chat("hi", max_tokens=2).model, self.client.list_text_models()[0].id)
        with self.assertRaises(genapi.Error) as cm:
            self.client.chat([], model=REF_MODEL)
        self.assertEqual(cm.exception.param, "messages")
        with self.assertRaises(genapi.Error):
            self.client.chat([{"content": "no role"}], model=REF_MODEL)

    def test_params_object_and_keywords(self):
        p = genapi.TextParams(model=REF_MODEL, seed=7, temperature=1, max_tokens=20)
        a = self.client.chat("Hello", p)
        b = self.client.chat("Hello", {"model": REF_MODEL, "seed": 7, "temperature": 1, "max_tokens": 20})
        self.assertEqual(a.choices[0].content, b.choices[0].content)
        with self.assertRaises(genapi.NotFoundError):
            self.client.chat("Hello", p, model="no-such-model")  # keywords win
        self.assertEqual(p.model, REF_MODEL)  # the caller's object is untouched

    def test_request_json(self):
        body = json.loads(self.client.chat_request_json("hi", model=REF_MODEL, top_p=0.9, logprobs=2,
                                                        extra={"custom": [1]}))
        self.assertEqual(body["messages"], [{"role": "user", "content": "hi"}])
        self.assertEqual(body["model"], REF_MODEL)
        self.assertEqual(body["top_p"], 0.9)
        self.assertEqual(body["custom"], [1])
        self.assertIs(body["logprobs"], True)
        self.assertEqual(body["top_logprobs"], 2)
        with self.assertRaises(genapi.Error) as cm:
            self.client.chat_request_json("hi", model=REF_MODEL, extra="[1]")
        self.assertEqual(cm.exception.param, "extra_json")

    def test_list_text_models(self):
        models = self.client.list_text_models()
        self.assertTrue(all(isinstance(m, genapi.ModelInfo) for m in models))
        ids = [m.id for m in models]
        self.assertIn(REF_MODEL, ids)
        ref = models[ids.index(REF_MODEL)]
        self.assertGreater(ref.max_model_len, 0)

    def test_closed_client(self):
        c = genapi.Client()
        c.close()
        c.close()  # idempotent
        with self.assertRaises(genapi.Error):
            c.chat("hi", model=REF_MODEL)
        with genapi.Client() as c2:
            self.assertTrue(c2.chat("hi", model=REF_MODEL, max_tokens=2).choices)

    def test_bad_base_url(self):
        with self.assertRaises(genapi.Error) as cm:
            genapi.Client(base_url="ftp://example.invalid")
        self.assertEqual(cm.exception.param, "base_url")
        self.assertIsInstance(cm.exception, genapi.InvalidArgumentError)

    def test_connection_refused(self):
        import socket

        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()  # nothing listens there now
        with genapi.Client(base_url=f"http://127.0.0.1:{port}/v1", connect_timeout_ms=2000,
                           timeout_ms=5000) as c:
            self.assertEqual(c.base_url, f"http://127.0.0.1:{port}")
            with self.assertRaises(genapi.Error) as cm:
                c.chat("hi", model=REF_MODEL)
        self.assertEqual(cm.exception.status_name, "connection failed")
        self.assertIsInstance(cm.exception, genapi.ConnectError)


class CompletionsAndTokenizeTest(unittest.TestCase):
    """Text completions, tokenization and logprobs on the in-process reference backend."""

    PROMPT = "Tell me about the sea."

    @classmethod
    def setUpClass(cls):
        os.environ.pop("GENAPI_BASE_URL", None)
        cls.client = genapi.Client(base_url=None, api_key=None)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def test_complete_text_prompt(self):
        r = self.client.complete(self.PROMPT, model=REF_MODEL, max_tokens=16, min_tokens=4, seed=3)
        self.assertIsInstance(r, genapi.CompletionResult)
        self.assertEqual(r.object, "text_completion")
        self.assertEqual(r.model, REF_MODEL)
        self.assertTrue(r.id)
        self.assertGreater(r.created, 0)
        self.assertEqual(r.http_status, 200)
        self.assertEqual(len(r.choices), 1)
        c = r.choices[0]
        self.assertIsInstance(c, genapi.CompletionChoice)
        self.assertEqual(c.index, 0)
        self.assertIsInstance(c.text, str)
        self.assertTrue(c.text.strip())
        self.assertEqual(r.text, c.text)
        self.assertIn(c.finish_reason, ("stop", "length"))
        self.assertIsNone(c.logprobs)  # not requested
        self.assertIsNone(c.prompt_logprobs_count)
        self.assertIsNotNone(r.usage)
        self.assertGreater(r.usage.prompt_tokens, 0)
        self.assertGreater(r.usage.completion_tokens, 0)
        self.assertLessEqual(r.usage.completion_tokens, 16)
        self.assertEqual(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens)

    def test_complete_from_token_ids_matches_text_prompt(self):
        t = self.client.tokenize(self.PROMPT, model=REF_MODEL)
        self.assertTrue(t.tokens)
        self.assertTrue(all(isinstance(i, int) for i in t.tokens))
        kw = dict(model=REF_MODEL, seed=11, temperature=1, max_tokens=24, min_tokens=4)
        a = self.client.complete(self.PROMPT, **kw)
        b = self.client.complete(t.tokens, **kw)
        c = self.client.complete(tuple(t.tokens), params=genapi.TextParams(**kw))
        self.assertTrue(a.text)
        self.assertEqual(a.text, b.text)
        self.assertEqual(a.text, c.text)
        self.assertEqual(b.usage.prompt_tokens, len(t.tokens))
        self.assertEqual(a.usage.prompt_tokens, b.usage.prompt_tokens)

    def test_echo(self):
        r = self.client.complete(self.PROMPT, echo=True, model=REF_MODEL, max_tokens=8, seed=2)
        self.assertTrue(r.text.startswith(self.PROMPT), r.text)
        plain = self.client.complete(self.PROMPT, model=REF_MODEL, max_tokens=8, seed=2)
        self.assertEqual(r.text, self.PROMPT + plain.text)
        ids = self.client.tokenize(self.PROMPT, model=REF_MODEL).tokens
        r = self.client.complete(ids, echo=True, model=REF_MODEL, max_tokens=4)
        self.assertTrue(r.text.startswith(self.PROMPT), r.text)

    def test_completion_logprobs(self):
        r = self.client.complete(self.PROMPT, model=REF_MODEL, max_tokens=12, min_tokens=4, seed=5, logprobs=2)
        lps = r.choices[0].logprobs
        self.assertIsInstance(lps, list)
        self.assertEqual(len(lps), r.usage.completion_tokens)
        offsets = []
        for t in lps:
            self.assertIsInstance(t, genapi.TokenLogprob)
            self.assertIsInstance(t.token, str)
            self.assertIsNotNone(t.logprob)
            self.assertLessEqual(t.logprob, 0.0)
            self.assertIsNone(t.bytes)  # completions have no bytes
            self.assertIsInstance(t.text_offset, int)
            offsets.append(t.text_offset)
            self.assertIsNotNone(t.top)
            self.assertGreaterEqual(len(t.top), 1)
            self.assertLessEqual(len(t.top), 3)  # the sampled token plus at most 2 alternatives
            for tok, lp in t.top:
                self.assertIsInstance(tok, str)
                self.assertLessEqual(lp, 0.0)
            self.assertIn(t.token, [tok for tok, _ in t.top])
        self.assertEqual(offsets[0], 0)
        self.assertEqual(offsets, sorted(offsets))

    def test_echo_logprobs_first_prompt_token_is_null(self):
        r = self.client.complete(self.PROMPT, echo=True, model=REF_MODEL, max_tokens=4, logprobs=1, seed=1)
        lps = r.choices[0].logprobs
        self.assertEqual(len(lps), r.usage.prompt_tokens + r.usage.completion_tokens)
        self.assertIsNone(lps[0].logprob)  # has_logprob == 0
        self.assertIsNone(lps[0].top)  # has_top == 0
        self.assertEqual(lps[0].text_offset, 0)
        self.assertTrue(all(t.logprob is not None for t in lps[1:]))

    def test_chat_logprobs(self):
        r = self.client.chat("Tell me about the sea.", model=REF_MODEL, max_tokens=10, min_tokens=4, seed=4, logprobs=3)
        lps = r.choices[0].logprobs
        self.assertIsInstance(lps, list)
        self.assertEqual(len(lps), r.usage.completion_tokens)
        for t in lps:
            self.assertIsInstance(t, genapi.TokenLogprob)
            self.assertLessEqual(t.logprob, 0.0)
            self.assertIsNone(t.text_offset)  # chat has no text_offset
            self.assertEqual(t.bytes, t.token.encode("utf-8"))
            self.assertTrue(t.top)
            self.assertLessEqual(len(t.top), 3)
            self.assertEqual(t.top[0], (t.token, t.logprob))  # the sampled token comes first
        plain = self.client.chat("Tell me about the sea.", model=REF_MODEL, max_tokens=4)
        self.assertIsNone(plain.choices[0].logprobs)
        self.assertIsNone(plain.prompt_logprobs_count)

    def test_prompt_logprobs_count(self):
        r = self.client.complete(self.PROMPT, model=REF_MODEL, max_tokens=2, prompt_logprobs=1)
        self.assertEqual(r.choices[0].prompt_logprobs_count, r.usage.prompt_tokens)
        r = self.client.chat(self.PROMPT, model=REF_MODEL, max_tokens=2, prompt_logprobs=1)
        self.assertEqual(r.prompt_logprobs_count, r.usage.prompt_tokens)

    def test_completion_n_and_stop(self):
        r = self.client.complete(self.PROMPT, model=REF_MODEL, n=3, max_tokens=30, stop=["."], seed=1)
        self.assertEqual([c.index for c in r.choices], [0, 1, 2])
        for c in r.choices:
            self.assertNotIn(".", c.text)
            if c.stop_reason is not None:
                self.assertEqual(c.stop_reason, ".")
                self.assertEqual(c.finish_reason, "stop")

    def test_tokenize_messages_and_token_strs(self):
        p = self.client.tokenize(prompt=self.PROMPT, model=REF_MODEL, return_token_strs=True)
        m = self.client.tokenize(messages=[{"role": "user", "content": self.PROMPT}], model=REF_MODEL)
        self.assertIsInstance(p, genapi.TokenizeResult)
        self.assertEqual(p.count, len(p.tokens))
        self.assertEqual(m.count, len(m.tokens))
        self.assertGreater(m.count, p.count)  # the chat template adds tokens
        self.assertEqual(len(p.token_strs), len(p.tokens))
        self.assertEqual("".join(p.token_strs), self.PROMPT)
        self.assertIsNone(m.token_strs)  # not requested
        self.assertGreater(p.max_model_len, 0)
        models = {x.id: x for x in self.client.list_text_models()}
        self.assertEqual(p.max_model_len, models[REF_MODEL].max_model_len)
        no_gen = self.client.tokenize(messages=[{"role": "user", "content": self.PROMPT}], model=REF_MODEL,
                                      add_generation_prompt=False)
        self.assertLess(no_gen.count, m.count)
        self.assertEqual(m.tokens[: no_gen.count], no_gen.tokens)
        # the server default tokenizer, a str as one user message, multi_models
        self.assertEqual(self.client.tokenize(self.PROMPT).tokens, p.tokens)
        self.assertEqual(self.client.tokenize(messages=self.PROMPT, model=REF_MODEL).tokens, m.tokens)
        self.assertEqual(self.client.tokenize(self.PROMPT, multi_models=[REF_MODEL]).tokens, p.tokens)

    def test_tokenize_errors(self):
        with self.assertRaises(genapi.Error) as cm:
            self.client.tokenize(self.PROMPT, model="nope")
        e = cm.exception
        self.assertEqual(e.http_status, 404)
        self.assertIsInstance(e, genapi.NotFoundError)
        self.assertEqual(e.param, "model")
        with self.assertRaises(genapi.Error) as cm:
            self.client.tokenize(self.PROMPT, multi_models=[REF_MODEL, "nope"])
        self.assertEqual(cm.exception.http_status, 404)
        self.assertEqual(cm.exception.param, "multi_models")
        for kw in ({}, {"prompt": "a", "messages": "b"}, {"messages": []}):
            with self.subTest(kw=kw):
                with self.assertRaises(genapi.InvalidArgumentError) as cm:
                    self.client.tokenize(**kw)
                self.assertEqual(cm.exception.param, "prompt")
                self.assertEqual(cm.exception.http_status, 0)
        with self.assertRaises(genapi.Error) as cm:
            self.client.tokenize(messages=[{"content": "no role"}])
        self.assertEqual(cm.exception.param, "messages")

    def test_complete_validates_before_sending(self):
        with self.assertRaises(genapi.Error) as cm:
            self.client.complete(self.PROMPT, model=REF_MODEL, top_p=0)
        e = cm.exception
        self.assertEqual(e.param, "top_p")
        self.assertEqual(e.http_status, 0)
        self.assertIsInstance(e, genapi.InvalidArgumentError)
        # nothing is sent: a client whose server does not exist still reports the parameter
        import socket

        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        with genapi.Client(base_url=f"http://127.0.0.1:{port}", connect_timeout_ms=2000, timeout_ms=5000) as dead:
            with self.assertRaises(genapi.Error) as cm:
                dead.complete(self.PROMPT, model=REF_MODEL, top_p=0)
            self.assertEqual(cm.exception.param, "top_p")
            self.assertIsInstance(cm.exception, genapi.InvalidArgumentError)
            with self.assertRaises(genapi.ConnectError):
                dead.complete(self.PROMPT, model=REF_MODEL, top_p=0.5)

    def test_complete_argument_errors(self):
        for prompt in ("", [], [1, -2], [True], [2**64], ["a"], 3.5, None, "a\0b"):
            with self.subTest(prompt=prompt):
                with self.assertRaises(genapi.InvalidArgumentError) as cm:
                    self.client.complete(prompt, model=REF_MODEL, max_tokens=1)
                self.assertEqual(cm.exception.param, "prompt")
        # no model: the library's default, not an error
        self.assertEqual(self.client.complete(self.PROMPT, max_tokens=1).model, self.client.list_text_models()[0].id)
        with self.assertRaises(genapi.Error) as cm:
            self.client.complete(self.PROMPT, model=REF_MODEL, extra_json="[1]")
        self.assertEqual(cm.exception.param, "extra_json")
        with self.assertRaises(genapi.NotFoundError):
            self.client.complete(self.PROMPT, model="no-such-model")

    def test_completion_request_json(self):
        body = json.loads(self.client.completion_request_json([5, 6, 7], echo=True, model=REF_MODEL, logprobs=2,
                                                              extra_json={"custom": [1]}))
        self.assertEqual(body["prompt"], [5, 6, 7])
        self.assertIs(body["echo"], True)
        self.assertEqual(body["logprobs"], 2)  # completions take logprobs as an int
        self.assertNotIn("top_logprobs", body)
        self.assertEqual(body["custom"], [1])
        body = json.loads(self.client.completion_request_json("héllo", model=REF_MODEL))
        self.assertEqual(body["prompt"], "héllo")
        self.assertNotIn("echo", body)

    def test_many_calls_keep_buffers_alive(self):
        """Request buffers are built fresh per call and must outlive it; results are freed."""
        import gc

        ids = self.client.tokenize(self.PROMPT, model=REF_MODEL).tokens
        want = self.client.complete(list(ids), model=REF_MODEL, max_tokens=6, seed=9).text
        for i in range(30):
            r = self.client.complete(list(ids), model=REF_MODEL, max_tokens=6, seed=9,
                                     extra_json={"pad": "x" * (i * 37)})
            self.assertEqual(r.text, want)
            t = self.client.tokenize(messages=[("user", self.PROMPT + " " * i)], model=REF_MODEL,
                                     multi_models=[REF_MODEL], return_token_strs=True)
            self.assertEqual(len(t.token_strs), t.count)
            gc.collect()


class StreamTest(unittest.TestCase):
    """chat_stream / complete_stream (stream.h) on the in-process reference backend."""

    PROMPT = "Tell me about the sea."

    @classmethod
    def setUpClass(cls):
        os.environ.pop("GENAPI_BASE_URL", None)
        cls.client = genapi.Client(base_url=None, api_key=None)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def test_chat_stream_matches_chat(self):
        deltas = []
        r = self.client.chat_stream([{"role": "user", "content": self.PROMPT}], on_delta=deltas.append,
                                    model=REF_MODEL, seed=42, max_tokens=30)
        self.assertIsInstance(r, genapi.ChatResult)
        self.assertTrue(deltas)
        self.assertTrue(all(isinstance(d, genapi.StreamDelta) for d in deltas))
        self.assertTrue(all(d.index == 0 for d in deltas))
        streamed = "".join(d.content or "" for d in deltas)
        self.assertTrue(streamed)
        self.assertEqual(streamed, r.choices[0].content)
        plain = self.client.chat([{"role": "user", "content": self.PROMPT}], model=REF_MODEL, seed=42,
                                 max_tokens=30)
        self.assertEqual(r.choices[0].content, plain.choices[0].content)
        finished = [d for d in deltas if d.finish_reason is not None]
        self.assertEqual(len(finished), 1)
        self.assertIs(finished[0], deltas[-1])
        self.assertEqual(finished[0].finish_reason, r.choices[0].finish_reason)
        self.assertEqual(r.choices[0].finish_reason, plain.choices[0].finish_reason)
        self.assertIsNotNone(r.usage)  # stream_options.include_usage
        self.assertEqual(r.usage, plain.usage)
        self.assertEqual(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens)
        self.assertEqual(r.object, "chat.completion")
        self.assertEqual(r.model, REF_MODEL)
        self.assertTrue(r.id)
        self.assertEqual(r.choices[0].role, "assistant")
        # without a callback (a NULL genapi_stream_fn), and with a TextParams object
        again = self.client.chat_stream(self.PROMPT, params=genapi.TextParams(model=REF_MODEL, seed=42,
                                                                              max_tokens=30))
        self.assertEqual(again.choices[0].content, r.choices[0].content)

    def test_chat_stream_n(self):
        deltas = []
        r = self.client.chat_stream(self.PROMPT, on_delta=deltas.append, model=REF_MODEL, n=2, seed=3,
                                    max_tokens=8)
        self.assertEqual([c.index for c in r.choices], [0, 1])
        for c in r.choices:
            mine = [d for d in deltas if d.index == c.index]
            self.assertEqual("".join(d.content or "" for d in mine), c.content)
            self.assertEqual([d.finish_reason for d in mine if d.finish_reason], [c.finish_reason])

    def test_complete_stream_matches_complete(self):
        kw = dict(model=REF_MODEL, seed=42, max_tokens=30)
        deltas = []
        r = self.client.complete_stream(self.PROMPT, on_delta=deltas.append, **kw)
        plain = self.client.complete(self.PROMPT, **kw)
        self.assertIsInstance(r, genapi.CompletionResult)
        self.assertTrue(r.text)
        self.assertEqual(r.text, plain.text)
        self.assertEqual("".join(d.content or "" for d in deltas), r.text)
        self.assertEqual(len([d for d in deltas if d.finish_reason]), 1)
        self.assertEqual(r.choices[0].finish_reason, plain.choices[0].finish_reason)
        self.assertIsNotNone(r.usage)
        self.assertEqual(r.usage, plain.usage)
        self.assertEqual(r.object, "text_completion")
        ids = self.client.tokenize(self.PROMPT, model=REF_MODEL).tokens
        self.assertEqual(self.client.complete_stream(ids, **kw).text, plain.text)  # token-id prompt
        echo = self.client.complete_stream(self.PROMPT, echo=True, extra_json={"custom": 1}, **kw)
        self.assertEqual(echo.text, self.client.complete(self.PROMPT, echo=True, **kw).text)

    def test_cancel_returns_partial(self):
        got = []

        def on_delta(d):
            got.append(d)
            return len(got) == 2  # True: stop

        with self.assertRaises(genapi.Error) as cm:
            self.client.chat_stream(self.PROMPT, on_delta=on_delta, model=REF_MODEL, seed=42, max_tokens=30)
        e = cm.exception
        self.assertEqual(e.status_name, "cancelled")
        self.assertEqual(e.status, -12)
        self.assertEqual(len(got), 2)  # never called again after asking to stop
        self.assertIsInstance(e.partial, genapi.ChatResult)
        received = "".join(d.content or "" for d in got)
        self.assertTrue(received)
        self.assertEqual(e.partial.choices[0].content, received)
        self.assertIsNone(e.partial.choices[0].finish_reason)
        # completions too
        got.clear()
        with self.assertRaises(genapi.Error) as cm:
            self.client.complete_stream(self.PROMPT, on_delta=on_delta, model=REF_MODEL, seed=42, max_tokens=30)
        self.assertEqual(cm.exception.status_name, "cancelled")
        self.assertEqual(cm.exception.partial.choices[0].text, "".join(d.content or "" for d in got))
        # the client is usable afterwards
        self.assertTrue(self.client.chat(self.PROMPT, model=REF_MODEL, max_tokens=2).choices)

    def test_exception_in_on_delta_propagates(self):
        class Boom(Exception):
            pass

        boom = Boom("from on_delta")
        calls = []

        def on_delta(d):
            calls.append(d)
            if len(calls) == 3:
                raise boom

        with self.assertRaises(Boom) as cm:
            self.client.chat_stream(self.PROMPT, on_delta=on_delta, model=REF_MODEL, seed=42, max_tokens=30)
        self.assertIs(cm.exception, boom)
        self.assertEqual(len(calls), 3)  # the stream stopped at the exception
        with self.assertRaises(Boom):
            self.client.complete_stream(self.PROMPT, on_delta=lambda d: (_ for _ in ()).throw(Boom()),
                                        model=REF_MODEL, max_tokens=30)
        # using the busy client from inside on_delta is refused (and the refusal propagates)
        with self.assertRaises(genapi.InvalidArgumentError):
            self.client.chat_stream(self.PROMPT, on_delta=lambda d: self.client.chat("x", model=REF_MODEL),
                                    model=REF_MODEL, max_tokens=4)
        with self.assertRaises(genapi.InvalidArgumentError):
            self.client.chat_stream(self.PROMPT, on_delta=lambda d: self.client.close(), model=REF_MODEL,
                                    max_tokens=4)
        self.assertTrue(self.client.chat(self.PROMPT, model=REF_MODEL, max_tokens=2).choices)

    def test_stream_errors(self):
        calls = []
        with self.assertRaises(genapi.Error) as cm:
            self.client.chat_stream(self.PROMPT, on_delta=calls.append, model="no-such-model")
        e = cm.exception
        self.assertEqual(e.http_status, 404)
        self.assertIsInstance(e, genapi.NotFoundError)
        self.assertIsNone(e.partial)
        self.assertEqual(calls, [])
        with self.assertRaises(genapi.Error) as cm:
            self.client.complete_stream(self.PROMPT, model="no-such-model")
        self.assertEqual(cm.exception.http_status, 404)
        with self.assertRaises(genapi.InvalidArgumentError) as cm:
            self.client.chat_stream(self.PROMPT, model=REF_MODEL, top_p=0)  # validated before sending
        self.assertEqual(cm.exception.param, "top_p")
        with self.assertRaises(genapi.InvalidArgumentError) as cm:
            self.client.chat_stream(self.PROMPT, model=REF_MODEL, on_delta="not callable")
        self.assertEqual(cm.exception.param, "on_delta")

    def test_utf8_split_across_deltas(self):
        """A character split across events is held back until complete, per choice and field."""
        got = []
        disp = _client._StreamDispatcher(got.append)
        keep = []

        def feed(index, content=None, reasoning=None, finish=None):
            d = _client.StreamDeltaStruct()
            d.index = index
            for name, data in (("content", content), ("reasoning", reasoning)):
                if data is not None:
                    buf = ctypes.create_string_buffer(data, len(data))
                    keep.append(buf)
                    setattr(d, name, ctypes.addressof(buf))
                    setattr(d, name + "_len", len(data))
            if finish is not None:
                d.finish_reason = finish
            self.assertEqual(disp.c_fn(ctypes.pointer(d), None), 0)

        snow, globe = "☃".encode(), "🌍".encode()
        feed(0, content=b"a" + snow[:1])
        feed(1, content=globe[:2])
        feed(0, content=snow[1:2], reasoning=globe[:3])
        feed(0, content=snow[2:] + b"b", reasoning=globe[3:])
        feed(1, content=globe[2:] + b"!")
        feed(1, content=b"x\xc3", finish=b"length")  # truncated: flushed as U+FFFD at finish
        self.assertEqual([(d.index, d.content, d.reasoning) for d in got],
                         [(0, "a", None), (1, None, None), (0, None, None), (0, "☃b", "🌍"), (1, "🌍!", None),
                          (1, "x\ufffd", None)])
        self.assertEqual(got[-1].finish_reason, "length")
        self.assertIsNone(disp.exception)

    def test_callback_object_kept_alive(self):
        import gc
        import weakref

        def run():
            refs = []

            def on_delta(d):
                gc.collect()  # the CFUNCTYPE object must survive collections during the call
                refs.append(d.content)

            r = self.client.chat_stream(self.PROMPT, on_delta=on_delta, model=REF_MODEL, seed=5, max_tokens=10)
            self.assertEqual("".join(x or "" for x in refs), r.content)
            return weakref.ref(on_delta)

        ref = run()
        gc.collect()
        self.assertIsNone(ref())  # and it is released afterwards


# --- image generation ------------------------------------------------------------------------------
IMAGE_MODEL = "genapi-ref-image"
# a 1x1 PNG: valid base64 image data for the BASE64 descriptors
TINY_PNG_B64 = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
IMAGE_PARAM_CLASSES = (genapi.Txt2ImgParams, genapi.Img2ImgParams, genapi.UpscaleParams)


def image_representative(d):
    """representative(), with base64 image text for BASE64 strings (one item for lists)."""
    if "base64" in d["flags"]:
        return ([TINY_PNG_B64], [TINY_PNG_B64]) if d["kind"] == "STRLIST" else (TINY_PNG_B64, TINY_PNG_B64)
    return representative(d)


class ImageParamsTest(unittest.TestCase):
    def test_tables_are_distinct_and_described(self):
        for cls in IMAGE_PARAM_CLASSES:
            with self.subTest(cls=cls.__name__):
                t = cls._table
                self.assertEqual(ctypes.sizeof(t.struct), t.fn["sizeof"]())
                ps = cls.params()
                self.assertEqual(len(ps), len(t.descs))
                self.assertGreater(len(ps), 0)
                for i, p in enumerate(ps):
                    self.assertEqual(p["index"], i)
                    self.assertIn(p["kind"], KIND_NAMES, p["json_name"])
                    self.assertTrue(p["doc"], p["json_name"])
                    self.assertTrue(p["servers"], p["json_name"])
                    found = t.find(p["json_name"].encode())
                    self.assertTrue(found)
                    self.assertEqual(found.contents.index, i)
                self.assertEqual(cls().struct.struct_size, t.fn["sizeof"]())
        t2i = {p["json_name"]: p for p in genapi.Txt2ImgParams.params()}
        self.assertTrue(t2i["sd_model_checkpoint"]["required"])
        self.assertEqual((t2i["steps"]["min"], t2i["steps"]["max"]), (1.0, 150.0))
        self.assertIn("sdnext", t2i["detailer_enabled"]["servers"])
        self.assertIn("base64", {p["json_name"]: p for p in genapi.UpscaleParams.params()}["image"]["flags"])
        self.assertNotIn("init_images", t2i)
        # text parameters are not image parameters, and vice versa
        with self.assertRaises(genapi.Error):
            genapi.Txt2ImgParams(top_p=0.5)
        with self.assertRaises(genapi.Error) as cm:
            genapi.TextParams(sd_model_checkpoint="x")
        self.assertIn("unknown text parameter", str(cm.exception))

    def test_every_parameter_roundtrips(self):
        for cls in IMAGE_PARAM_CLASSES:
            base = {d["json_name"]: image_representative(d) for d in cls.params() if d["required"]}
            for d in cls.params():
                name = d["json_name"]
                with self.subTest(cls=cls.__name__, param=name, kind=d["kind"]):
                    value, expected = image_representative(d)
                    p = cls({k: v for k, (v, _) in base.items()})
                    p.set(name, value)
                    self.assertTrue(p.is_set(name))
                    p.validate()
                    want = {k: e for k, (_, e) in base.items()}
                    want[name] = expected
                    self.assertEqual(json.loads(p.to_json()), want)
                    self.assertEqual(json.loads(json.dumps(p.get(name))), expected)
                    q = cls.from_json(p.to_json())  # the server's parser reads it back
                    self.assertEqual(q, p)
                    self.assertEqual(q.copy().items(), p.items())
                    if name not in base:
                        p.set(name, None)
                        self.assertNotIn(name, json.loads(p.to_json()))
                    else:
                        p.unset(name)
                        with self.assertRaises(genapi.Error) as cm:
                            p.validate()  # required
                        self.assertEqual(cm.exception.param, name)
                    p.close()
                    q.close()

    def test_ranges_are_enforced(self):
        for cls in IMAGE_PARAM_CLASSES:
            base = {d["json_name"]: image_representative(d)[0] for d in cls.params() if d["required"]}
            for d in cls.params():
                for bad in out_of_range_values(d):
                    with self.subTest(cls=cls.__name__, param=d["json_name"], value=bad):
                        p = cls(base)
                        p.set(d["json_name"], bad)
                        with self.assertRaises(genapi.Error) as cm:
                            p.validate()
                        self.assertEqual(cm.exception.param, d["json_name"])
                        p.close()
        p = genapi.UpscaleParams(image="not base64!")
        with self.assertRaises(genapi.Error) as cm:
            p.validate()
        self.assertEqual(cm.exception.param, "image")


class ImageClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.environ.pop("GENAPI_BASE_URL", None)
        cls.client = genapi.Client(base_url=None, api_key=None)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def gen(self, **kw):
        args = dict(sd_model_checkpoint=IMAGE_MODEL, prompt="a red cube", seed=5, width=96, height=64,
                    batch_size=2, steps=8)
        args.update(kw)
        return self.client.txt2img(**args)

    def test_txt2img(self):
        r = self.gen()
        self.assertIsInstance(r, genapi.ImagesResult)
        self.assertEqual(len(r.images), 2)
        for im in r.images:
            self.assertIsInstance(im, genapi.Image)
            self.assertTrue(im.data.startswith(b"\x89PNG"))
            self.assertEqual((im.format, im.width, im.height), ("png", 96, 64))
        self.assertIsInstance(r.info, dict)
        self.assertEqual(r.info["all_seeds"], [5, 6])
        self.assertEqual((r.seed, r.all_seeds), (5, [5, 6]))
        self.assertEqual(r.http_status, 200)
        # the same seed gives identical bytes; a Txt2ImgParams works like keywords
        p = genapi.Txt2ImgParams(sd_model_checkpoint=IMAGE_MODEL, prompt="a red cube", seed=5, width=96, height=64,
                                 batch_size=2, steps=8)
        r2 = self.client.txt2img(p)
        self.assertEqual([i.data for i in r2.images], [i.data for i in r.images])
        self.assertEqual(p.seed, 5)  # the caller's params are not changed by keywords
        r3 = self.client.txt2img(p, seed=9, batch_size=1)
        self.assertEqual(r3.all_seeds, [9])
        self.assertEqual(p.batch_size, 2)
        self.assertNotEqual(r3.images[0].data, r.images[0].data)
        with self.assertRaises(genapi.Error):
            self.client.txt2img(genapi.TextParams(model=REF_MODEL))  # wrong params type

    def test_img2img_and_upscale(self):
        first = self.gen(batch_size=1).images[0]
        r = self.client.img2img([first.data], sd_model_checkpoint=IMAGE_MODEL, prompt="a blue cube", seed=3,
                                denoising_strength=0.5)
        self.assertGreaterEqual(len(r.images), 1)
        self.assertEqual((r.images[0].width, r.images[0].height), (first.width, first.height))
        self.assertTrue(r.images[0].data.startswith(b"\x89PNG"))
        # with a mask of the same size (any PNG of that size works)
        m = self.client.img2img(first.data, mask=first.data, sd_model_checkpoint=IMAGE_MODEL, prompt="x", seed=3)
        self.assertEqual((m.images[0].width, m.images[0].height), (96, 64))
        u = self.client.upscale(first.data, upscaler_1="Lanczos", upscaling_resize=2)
        self.assertIsInstance(u, genapi.Image)
        self.assertEqual((u.width, u.height), (192, 128))
        self.assertTrue(u.data.startswith(b"\x89PNG"))
        self.assertIsInstance(u.html_info, str)
        with self.assertRaises(genapi.Error) as cm:
            self.client.upscale("not base64!", upscaler_1="Lanczos")
        self.assertEqual(cm.exception.param, "image")
        with self.assertRaises(genapi.Error) as cm:
            self.client.img2img([], sd_model_checkpoint=IMAGE_MODEL, prompt="x")
        self.assertEqual(cm.exception.param, "init_images")

    def test_base64_agrees_with_library(self):
        import base64

        for data in (b"", b"a", b"ab", b"abc", bytes(range(256))):
            if data:
                self.assertEqual(self.client.image_to_base64(data), base64.b64encode(data).decode())

    def test_errors(self):
        with self.assertRaises(genapi.Error) as cm:
            self.gen(steps=0)
        self.assertEqual(cm.exception.param, "steps")
        self.assertEqual(cm.exception.http_status, 0)  # refused before sending
        # no sd_model_checkpoint: the library's default (the first image model), not an error
        self.assertEqual(len(self.client.txt2img(prompt="x", steps=1, width=64, height=64).images), 1)
        with self.assertRaises(genapi.Error) as cm:
            self.gen(sampler_name="No Such Sampler")
        self.assertEqual(cm.exception.http_status, 404)
        with self.assertRaises(genapi.Error) as cm:
            genapi.Client(image_api="comfy")
        self.assertEqual(cm.exception.param, "image_api")

    def test_listings_and_options(self):
        for api in ("hosted", "webui"):
            with self.subTest(image_api=api), genapi.Client(image_api=api) as c:
                models = c.list_image_models()
                self.assertTrue(models)
                self.assertIsInstance(models[0], genapi.ImageModelInfo)
                self.assertTrue(any(IMAGE_MODEL in (m.model_name or m.name) for m in models))
                samplers = c.list_samplers()
                self.assertTrue(samplers)
                self.assertTrue(all(isinstance(s, genapi.ImageSampler) and s.name for s in samplers))
                ups = c.list_upscalers()
                self.assertTrue(ups)
                self.assertIn("Resize Lanczos", [u.name for u in ups])  # SD.Next's names
                opts = c.image_options()
                self.assertIsInstance(opts, dict)
                self.assertIn("sd_model_checkpoint", opts)
        # a listed sampler is accepted
        r = self.gen(batch_size=1, sampler_name=samplers[0].name)
        self.assertEqual(len(r.images), 1)

    def test_webui_generation(self):
        with genapi.Client(image_api="webui") as c:
            r = c.txt2img(sd_model_checkpoint=IMAGE_MODEL, prompt="a red cube", seed=5, width=96, height=64, steps=8)
        self.assertEqual((r.images[0].width, r.images[0].height), (96, 64))

    def test_webui_flavour_extra_and_parallel_requests(self):
        with genapi.Client(image_api="webui") as c:
            # the WebUI servers default the checkpoint and the prompt
            r = c.txt2img(seed=5, width=64, height=64, steps=2, extra={"styles": ["cinematic"]})
            self.assertEqual(len(r.images), 1)
            self.assertEqual(r.info["styles"], ["cinematic"])
            self.assertEqual(len(r.info), 30)  # every key of SD.Next's info
            with self.assertRaises(genapi.Error) as cm:
                c.txt2img(seed=5, width=64, height=64, steps=2, extra="[1]")
            self.assertEqual(cm.exception.param, "extra_json")
            self.assertGreaterEqual(c.parallel_requests(), 1)
        # the hosted API requires the prompt; an unset checkpoint is the client's default
        with genapi.Client(image_api="hosted") as c, self.assertRaises(genapi.Error) as cm:
            c.txt2img(seed=5, width=64, height=64, steps=2)
        self.assertEqual(cm.exception.param, "prompt")


if __name__ == "__main__":
    unittest.main(verbosity=2)
