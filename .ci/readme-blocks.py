#!/usr/bin/env python3
"""Runs every command block of README.md and docs/*.md as written.

Run by .ci/readme, which gives it a private mount namespace with empty
tmpfs mounts over /tmp, /usr/local and /opt (so the README's installs and
/tmp paths touch nothing of the host) and a copy of the tree to work in.

Blocks, in document order, in one shared working copy (later blocks use what
earlier ones built, as a reader following the page would):
  sh       each block runs in `bash -e` from the copy's top directory.
  console  each `$ CMD` line runs; the output must have the shape the page
           shows: for JSON, the same keys in the same order at every level
           of the first row; for a table, the same column names.
  text     a usage synopsis: each line must be a line of `listeners --help`
           (an optional "usage: " prefix aside).
  c        a snippet: compiled and linked against the installed library,
           with its #include lines at file scope and the rest in a function
           whose parameters are the names the page leaves to the reader.
A block may be preceded by an annotation comment:
  <!-- readme-test: skip-line LINE -- REASON -->   do not run that one line
  <!-- readme-test: skip -- REASON -->             do not run the block
  <!-- readme-test: defer -- REASON -->            run it after all the others
                                                   (output shown before the
                                                   commands that make it)
Every skip is printed with its reason. A block that runs ctest must run
tests: "No tests were found" fails it. PATH ends with the copy's build/ (where
`make run` puts listeners) after the system's (where the page installs it).
Stand-in on PATH: `their-agent` (the page's "another implementation") is
`listeners --proc "$HOST_PROC"`.
Prints "readme: N passed, N failed, N skipped" last; exits 1 on a failure.
"""
import json
import os
import re
import subprocess
import sys

WORK = sys.argv[1]          # the copy of the tree
DOCS = sys.argv[2:]         # README.md, docs/*.md (paths inside WORK)
BIN = os.path.join(WORK, ".readme-bin")

passed = failed = skipped = 0


def say(msg):
    print(msg, flush=True)


def blocks(path):
    """Yields (line number, language, annotation, text) for each fenced block."""
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^```(\w*)\s*$", lines[i])
        if m and m.group(1):
            note = ""
            j = i - 1
            while j >= 0 and lines[j].strip() == "":
                j -= 1
            if j >= 0 and lines[j].startswith("<!-- readme-test:"):
                note = lines[j][len("<!-- readme-test:"):].rstrip().removesuffix("-->").strip()
            k = i + 1
            while k < len(lines) and not lines[k].startswith("```"):
                k += 1
            yield i + 1, m.group(1), note, "\n".join(lines[i + 1:k])
            i = k + 1
        else:
            i += 1


def run(cmd, **kw):
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", cmd], cwd=WORK,
                          capture_output=True, text=True, errors="replace", timeout=900, **kw)


def result(where, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        say(f"ok   {where}")
    else:
        failed += 1
        say(f"FAIL {where}\n{detail}")


def shape(v):
    """The keys of a JSON value, in order, down the first element of arrays."""
    if isinstance(v, dict):
        return [(k, shape(x)) for k, x in v.items()]
    if isinstance(v, list):
        return ["[]", shape(v[0])] if v else ["[]"]
    return type(v).__name__ if v is None else "value"


def same_shape(a, b):
    """b (ours) has a's shape; an empty list in either matches any list."""
    if isinstance(a, list) and isinstance(b, list):
        if a and b and a[0] == "[]" and b[0] == "[]":
            return len(a) == 1 or len(b) == 1 or same_shape(a[1], b[1])
        return len(a) == len(b) and all(same_shape(x, y) for x, y in zip(a, b))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return a[0] == b[0] and same_shape(a[1], b[1])
    return a == b or "NoneType" in (a, b)


def console(where, text):
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            i += 1
            continue
        cmd = lines[i][2:]
        want = []
        i += 1
        while i < len(lines) and not lines[i].startswith("$ "):
            want.append(lines[i])
            i += 1
        p = run(cmd)
        if p.returncode != 0:
            result(f"{where}: $ {cmd}", False, f"exit {p.returncode}\n{p.stderr[-2000:]}")
            continue
        got = p.stdout.rstrip("\n").split("\n")
        if want and want[0].startswith("{"):
            try:
                ok = same_shape(shape(json.loads(want[0])), shape(json.loads(got[0])))
            except ValueError as e:
                ok = False
                got.append(f"(not JSON: {e})")
            result(f"{where}: $ {cmd} (output has the page's JSON shape)", ok,
                   f"page: {want[0]}\nran:  {got[0]}")
        elif want:
            ok = want[0].split() == got[0].split()
            result(f"{where}: $ {cmd} (output has the page's columns)", ok,
                   f"page: {want[0]}\nran:  {got[0]}")
        else:
            result(f"{where}: $ {cmd}", True)


def synopsis(where, text):
    p = run("listeners --help")
    helps = {l.strip().removeprefix("usage: ") for l in p.stdout.split("\n")}
    for line in text.split("\n"):
        if line.strip():
            result(f"{where}: synopsis line is in listeners --help: {line}",
                   line.strip() in helps, "listeners --help has no such line")


def c_snippet(where, text):
    incs = [l for l in text.split("\n") if l.startswith("#include")]
    body = "\n".join(l for l in text.split("\n") if not l.startswith("#include"))
    # What the page leaves to the reader: an input buffer, its length, a line
    # number, and a consumer of the result.
    src = ("#include <stdint.h>\n#include <stdio.h>\n" + "\n".join(incs) +
           "\nstatic void use(int64_t v) { (void)v; }\nstatic size_t n;\n"
           "void snippet(const char *buf, size_t len);\n"
           "void snippet(const char *buf, size_t len)\n{\n" + body +
           "\n}\nint main(void) { return 0; }\n")
    path = os.path.join(WORK, ".readme-snippet.c")
    with open(path, "w") as f:
        f.write(src)
    m = re.search(r"pkg-config --cflags --libs ([\w-]+)", text)
    pc = m.group(1) if m else "listeners-parsers"
    p = run(f"cc -std=c11 .readme-snippet.c $(pkg-config --cflags --libs {pc}) -o .readme-snippet")
    result(f"{where}: C snippet compiles and links against the installed {pc}", p.returncode == 0,
           p.stderr[-2000:])


def main():
    global skipped
    os.makedirs(BIN, exist_ok=True)
    with open(os.path.join(BIN, "their-agent"), "w") as f:
        f.write('#!/bin/sh\n# stand-in for "another implementation": reads HOST_PROC\n'
                'exec listeners --proc "${HOST_PROC:-/proc}"\n')
    os.chmod(os.path.join(BIN, "their-agent"), 0o755)
    os.environ["PATH"] = BIN + ":" + os.environ["PATH"] + ":" + os.path.join(WORK, "build")
    todo = [(doc, b) for doc in DOCS for b in blocks(os.path.join(WORK, doc))]
    todo = ([t for t in todo if not t[1][2].startswith("defer")] +
            [t for t in todo if t[1][2].startswith("defer")])
    for doc, (line, lang, note, text) in todo:
            where = f"{doc}:{line} ({lang})"
            if note.startswith("skip --") or note == "skip":
                skipped += 1
                say(f"skip {where}: {note.partition('--')[2].strip()}")
                continue
            if lang == "sh":
                skip_lines = {}
                for m in re.finditer(r"skip-line (.+?) -- (.+?)(?=skip-line|$)", note):
                    skip_lines[m.group(1).strip()] = m.group(2).strip()
                run_lines = []
                for l in text.split("\n"):
                    bare = re.sub(r"\s+#.*$", "", l).strip()
                    if bare in skip_lines:
                        skipped += 1
                        say(f"skip {where}: `{bare}`: {skip_lines[bare]}")
                    else:
                        run_lines.append(l)
                p = run("\n".join(run_lines))
                ok = p.returncode == 0 and "No tests were found" not in p.stdout + p.stderr
                result(f"{where}: block runs as written ({len(run_lines)} lines)", ok,
                       f"exit {p.returncode}\nstdout: {p.stdout[-1500:]}\nstderr: {p.stderr[-2500:]}")
            elif lang == "console":
                console(where, text)
            elif lang == "text":
                synopsis(where, text)
            elif lang == "c":
                c_snippet(where, text)
            else:
                skipped += 1
                say(f"skip {where}: a {lang} block is configuration, not a command")
    say(f"readme: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


sys.exit(main())
