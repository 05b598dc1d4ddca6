#!/usr/bin/env python3
"""Mutation testing for the library's C sources (Python 3 standard library only).

Each mutant changes one operator or constant in one file of lib/ (relational < <= > >= == !=,
arithmetic + - * /, logical && ||, integer constants 0 <-> 1 and N -> N+1, a removed `!`).
One at a time, the mutant is written into a private copy of the sources (BUILD_DIR/src, synced
from the working tree at start: the working tree itself is never written, so building and
testing there meanwhile is safe), the tests that cover that folder are rebuilt incrementally
(BUILD_DIR/build, Debug, no sanitizers) and run with a time limit; the file is restored
afterwards (always: `finally`), and at the end the copy is checked against the working tree and
the working tree against git (`git diff --quiet` on the mutated files).

    tools/mutate.py [--files PATH ...] [--max-per-file N] [--seed S] [--timeout SECONDS]
                    [--build-dir DIR] [--out FILE] [--only FILE] [--list]

  --files         files or folders under lib/ (default: lib/params lib/stream lib/client
                  lib/engine/text/samplers)
  --max-per-file  at most N mutants per file, a seeded sample of all its sites (default 10)
  --seed          sample seed (default 1): the same arguments give the same mutants
  --timeout       seconds for the tests of one mutant (default 120); beyond: "timeout"
  --rev REV       mutate the sources of git revision REV instead of the working tree (e.g. to
                  re-check survivors on the code they were found in)
  --only FILE     run only the mutants whose ids are listed in FILE (one per line, as written
                  in the survivors file), e.g. to re-check survivors after adding tests
  --list          print the sampled mutants and exit

Outcomes per mutant: killed (a test failed), survived (every test passed), timeout (the tests
ran past the limit: counted as killed, the mutant hangs), build-failed (does not compile:
not counted). Kill rate = (killed + timeout) / (killed + timeout + survived). Survivors are
written with their diff to --out (default BUILD_DIR/survivors.txt).

The tests run for a mutant are chosen by its folder (TEST_MAP below, longest prefix wins), to
keep each run small; see doc/testing.md.
"""
import argparse
import difflib
import shutil
import os
import random
import re
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# lib folder -> ctest -R regex of the tests that exercise it.
TEST_MAP = {
    "lib/params": r"^(test_params_table|test_image_params|test_image_inputs)$",
    "lib/stream": r"^(test_stream_sse|test_fixtures_streams|test_fixtures_chat|test_robustness)$",
    "lib/client": r"^(test_fixtures_.*|test_client_(retries|bounds|stream|parsers|config)|test_image_base64)$",
    "lib/transport": r"^(test_client_(retries|bounds|stream)|test_chat_e2e|test_async)$",
    "lib/engine/text/samplers": r"^(test_samplers_.*|test_determinism)$",
    "lib/engine/text/guided": r"^(test_guided_.*)$",
    "lib/engine/text": r"^(test_text_gen_steps|test_text_effects|test_logprobs_exact|test_determinism)$",
    "lib/engine/image": r"^(test_image_engine|test_image_steps)$",
    "lib/image": r"^(test_image_probe|test_image_inputs|test_images_e2e)$",
    "lib/server": r"^(test_server_.*|test_text_effects|test_images_e2e|test_chat_e2e|test_guided_e2e)$",
    "lib/util": r"^(test_client_config|test_params_table|test_samplers_pipeline|test_text_gen_steps|test_chat_e2e)$",
}
DEFAULT_FILES = ["lib/params", "lib/stream", "lib/client", "lib/engine/text/samplers"]

RELATIONAL = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}
ARITHMETIC = {"+": "-", "-": "+", "*": "/", "/": "*"}
LOGICAL = {"&&": "||", "||": "&&"}


def code_mask(text):
    """A copy of text with comments, string and character literals and preprocessor lines
    blanked out (same length), so that only code is mutated."""
    out = list(text)
    i, n = 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if line_start and c in " \t":
            i += 1
            continue
        if line_start and c == "#":  # preprocessor line, with continuations
            while i < n and not (text[i] == "\n" and text[i - 1] != "\\"):
                out[i] = " "
                i += 1
            continue
        line_start = c == "\n"
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                out[i] = " "
                i += 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            for k in range(i, min(j + 1, n)):
                out[k] = " "
            i = j + 1
        else:
            i += 1
    return "".join(out)


TOKEN = re.compile(r"(?<![\w.])(?<![eE][-+])(\d+)(?![\w.])|&&|\|\||<=|>=|==|!=|(?<![<>=!\-])[<>](?![<>=])|!(?!=)|[-+*/](?![-+=>*/])")


def sites(path):
    """Every mutation site of a file: (offset, original, replacement, kind)."""
    text = read_source(os.path.relpath(path, ROOT)).decode("utf-8")
    code = code_mask(text)
    found = []
    for m in TOKEN.finditer(code):
        tok, at = m.group(0), m.start()
        before = code[at - 1] if at > 0 else " "
        after = code[m.end()] if m.end() < len(code) else " "
        if m.group(1) is not None:  # integer literal (not in a float or its exponent, suffixes excluded)
            value = int(tok)
            found.append((at, tok, "1" if value == 0 else "0" if value == 1 else str(value + 1), "constant"))
        elif tok in LOGICAL:
            found.append((at, tok, LOGICAL[tok], "logical"))
        elif tok in RELATIONAL:
            # binary use only: spaces on both sides (the project's style), never #include <x>
            if before == " " and after == " ":
                found.append((at, tok, RELATIONAL[tok], "relational"))
        elif tok == "!":
            found.append((at, tok, "", "negation"))
        elif tok in ARITHMETIC:
            # binary arithmetic only: spaces on both sides and an operand before (not `= -1`,
            # `return -x`, `(const char *) p`, `, *p`)
            prev = code[:at].rstrip()
            if before == " " and after == " " and prev and (prev[-1].isalnum() or prev[-1] in ")]_"):
                word = re.search(r"(\w+)$", prev)
                if word and word.group(1) in ("return", "case", "sizeof", "char", "void", "int", "const", "float",
                                              "double", "size_t", "struct", "unsigned", "long"):
                    continue
                if tok == "*" and re.search(r"\b(const|struct \w+|[a-z_0-9]+_t|char|int|void|float|double|long|"
                                            r"unsigned|genapi_\w+|g\w+_\w+)$", prev):
                    continue  # a pointer declaration such as `gsamp_workspace * ws`
                found.append((at, tok, ARITHMETIC[tok], "arithmetic"))
    return text, found


def line_col(text, at):
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def mutant_id(rel, text, site):
    line, col = line_col(text, site[0])
    return f"{rel}:{line}:{col}:{site[1]}->{site[2] or 'removed'}"


def apply(text, site):
    at, orig, repl, _ = site
    return text[:at] + repl + text[at + len(orig):]


def tests_for(rel):
    best = None
    for prefix in TEST_MAP:
        if rel == prefix or rel.startswith(prefix + "/"):
            if best is None or len(prefix) > len(best):
                best = prefix
    return TEST_MAP[best] if best else None


def run(cmd, timeout=None, cwd=ROOT):
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout,
                           start_new_session=True)
        return p.returncode, p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        return None, (e.stdout or b"").decode("utf-8", "replace")


REV = None  # --rev: sources come from this git revision


def read_source(rel):
    """A file's bytes: from the working tree, or from git revision REV."""
    if REV is None:
        with open(os.path.join(ROOT, rel), "rb") as f:
            return f.read()
    return subprocess.run(["git", "show", f"{REV}:{rel}"], cwd=ROOT, stdout=subprocess.PIPE, check=True).stdout


def sync_copy(src):
    """Copy the working tree's files (tracked and untracked, not ignored), or those of REV, into
    src, rewriting only files whose content differs (so the incremental build stays
    incremental)."""
    if REV is None:
        rc, out = run(["git", "ls-files", "-co", "--exclude-standard", "-z"])
    else:
        rc, out = run(["git", "ls-tree", "-r", "-z", "--name-only", REV])
    if rc != 0:
        sys.exit("git file listing failed:\n" + out)
    for rel in filter(None, out.split("\0")):
        a, b = os.path.join(ROOT, rel), os.path.join(src, rel)
        if REV is None and not os.path.isfile(a):
            continue
        data = read_source(rel)
        if os.path.exists(b):
            with open(b, "rb") as f:
                if f.read() == data:
                    continue
        os.makedirs(os.path.dirname(b), exist_ok=True)
        with open(b, "wb") as f:
            f.write(data)
        if os.path.exists(a):
            shutil.copymode(a, b)


class Build:
    def __init__(self, build_dir, jobs):
        self.src = os.path.join(build_dir, "src")
        self.dir = os.path.join(build_dir, "build")
        self.jobs = jobs
        self.targets = {}

    def configure(self):
        sync_copy(self.src)
        rc, out = run(["nice", "-n", "15", "cmake", "-S", self.src, "-B", self.dir, "-DCMAKE_BUILD_TYPE=Debug",
                       "-DGENAPI_BUILD_BENCH=OFF", "-DGENAPI_SANITIZE=OFF", "-DGENAPI_TSAN=OFF"])
        if rc != 0:
            sys.exit("configure failed:\n" + out)

    def test_names(self, regex):
        if regex not in self.targets:
            rc, out = run(["ctest", "--test-dir", self.dir, "-N", "-R", regex])
            self.targets[regex] = re.findall(r"Test\s+#\d+: (\S+)", out)
        return self.targets[regex]

    def build(self, regex, timeout=900):
        cmd = ["nice", "-n", "15", "cmake", "--build", self.dir, "-j", str(self.jobs), "--target"]
        rc, out = run(cmd + self.test_names(regex), timeout=timeout)
        return rc == 0, out

    def test(self, regex, timeout):
        cmd = ["nice", "-n", "15", "ctest", "--test-dir", self.dir, "-R", regex, "--stop-on-failure",
               "--timeout", str(timeout)]
        rc, out = run(cmd, timeout=timeout + 30)
        if rc is None or "***Timeout" in out:
            return "timeout"
        return "survived" if rc == 0 else "killed"


def collect(paths, max_per_file, seed):
    files = []
    for p in paths:
        full = os.path.join(ROOT, p)
        if REV is not None:
            rc, out = run(["git", "ls-tree", "-r", "--name-only", REV, "--", p])
            listed = [os.path.join(ROOT, l) for l in out.split() if l.endswith(".c")]
            if rc != 0 or not listed:
                sys.exit(f"not a C file or folder in {REV}: {p}")
            files += listed
        elif os.path.isdir(full):
            for d, _, names in sorted(os.walk(full)):
                files += [os.path.join(d, n) for n in sorted(names) if n.endswith(".c")]
        elif full.endswith(".c") and os.path.exists(full):
            files.append(full)
        else:
            sys.exit(f"not a C file or folder: {p}")
    plan = []
    for f in sorted(set(files)):
        rel = os.path.relpath(f, ROOT)
        text, found = sites(f)
        rng = random.Random(f"{seed}:{rel}")
        chosen = sorted(rng.sample(found, min(max_per_file, len(found))))
        plan.append((rel, text, chosen))
    return plan


class Interrupted(Exception):
    pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", nargs="+", default=DEFAULT_FILES)
    ap.add_argument("--max-per-file", type=int, default=10)
    ap.add_argument("--seed", default="1")
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build-mut"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default=None)
    ap.add_argument("--only", default=None)
    ap.add_argument("--rev", default=None)
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    global REV
    REV = args.rev

    plan = collect(args.files, args.max_per_file, args.seed)
    only = None
    if args.only:
        only = {l.split(" ", 1)[0].strip() for l in open(args.only) if re.match(r"^lib/\S+:\d+:\d+:", l)}
    todo = []
    for rel, text, chosen in plan:
        for s in chosen:
            mid = mutant_id(rel, text, s)
            if only is None or mid in only:
                todo.append((rel, text, s, mid))
    if args.list:
        for t in todo:
            print(t[3])
        print(f"{len(todo)} mutants", file=sys.stderr)
        return 0
    for rel, _, _, _ in todo:
        if tests_for(rel) is None:
            sys.exit(f"no tests mapped for {rel}: add its folder to TEST_MAP")

    build = Build(args.build_dir, args.jobs)
    build.configure()
    out_path = args.out or os.path.join(args.build_dir, "survivors.txt")
    originals = {rel: text for rel, text, _, _ in todo}
    text_of = dict(originals)
    clean = {rel: run(["git", "diff", "--quiet", "--", rel])[0] == 0 for rel in originals}

    def on_signal(signum, frame):
        raise Interrupted()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    # Unmutated baseline: every selected test must pass, or kills would mean nothing.
    for regex in sorted({tests_for(rel) for rel in originals}):
        ok, out = build.build(regex)
        if not ok:
            sys.exit("baseline build failed:\n" + out[-3000:])
        if build.test(regex, args.timeout) != "survived":
            sys.exit(f"baseline tests fail ({regex}): fix them before mutating")

    results = {}
    survivors = []
    t0 = time.time()
    try:
        for i, (rel, text, site, mid) in enumerate(todo, 1):
            path = os.path.join(build.src, rel)
            regex = tests_for(rel)
            try:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(apply(text, site))
                ok, _ = build.build(regex)
                outcome = build.test(regex, args.timeout) if ok else "build-failed"
            finally:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
            results.setdefault(rel, {}).setdefault(outcome, 0)
            results[rel][outcome] += 1
            print(f"[{i}/{len(todo)} {time.time() - t0:.0f}s] {outcome:12} {mid}", flush=True)
            if outcome == "survived":
                diff = "".join(difflib.unified_diff(text.splitlines(True), apply(text, site).splitlines(True),
                                                    "a/" + rel, "b/" + rel, n=2))
                survivors.append((mid, diff))
    except Interrupted:
        print("interrupted: sources restored", file=sys.stderr)
    finally:
        for rel, text in originals.items():
            path = os.path.join(build.src, rel)
            if open(path, encoding="utf-8").read() != text:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)

    # This tool writes only its copy; files edited in the working tree meanwhile are reported,
    # and a file that was clean in git must still be.
    changed = [] if REV else [rel for rel in originals
                              if open(os.path.join(ROOT, rel), encoding="utf-8").read() != text_of[rel]]
    dirty = [rel for rel in originals if clean[rel] and run(["git", "diff", "--quiet", "--", rel])[0] != 0]

    with open(out_path, "w", encoding="utf-8") as f:
        for mid, diff in survivors:
            f.write(f"{mid}\n{diff}\n")
    total = {"killed": 0, "timeout": 0, "survived": 0, "build-failed": 0}
    print(f"\n{'file':48} {'killed':>7} {'timeout':>8} {'survived':>9} {'no-build':>9}")
    for rel in sorted(results):
        r = results[rel]
        for k in total:
            total[k] += r.get(k, 0)
        print(f"{rel:48} {r.get('killed', 0):7} {r.get('timeout', 0):8} {r.get('survived', 0):9} "
              f"{r.get('build-failed', 0):9}")
    counted = total["killed"] + total["timeout"] + total["survived"]
    rate = 100.0 * (total["killed"] + total["timeout"]) / counted if counted else 0.0
    print(f"{'total':48} {total['killed']:7} {total['timeout']:8} {total['survived']:9} {total['build-failed']:9}")
    print(f"kill rate {rate:.1f}% ({total['killed'] + total['timeout']}/{counted}); survivors in {out_path}")
    if changed:
        print("note: edited in the working tree during the run (results are for the text at its start): "
              + " ".join(changed), file=sys.stderr)
    if dirty:
        print("ERROR: differs from git: " + " ".join(dirty), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
