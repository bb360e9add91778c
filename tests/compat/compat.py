#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Side-by-side runner: the same cases on pcon and on podman, compared.

Called by tests/compat/run.sh, which prepares both stores and the
environment (COMPAT_TMP, COMPAT_PCON, COMPAT_PODMAN, BB_TAR). Prints TAP
and ends with "N passed, N failed".

Case files (tests/compat/cases*): a line "== NAME" starts a case, each
following line is one command, the engine's argv without the engine and
its store options (split with shell quoting rules). Blank lines and lines
starting with "#" are ignored. A command line may start with:

  -            run it on both, compare nothing (setup, cleanup)
  !            a host shell command (bash -c), not an engine's; $ENGINE is
               the engine with its store options, $SCRATCH a directory of
               the engine's own, $BB_TAR the busybox tar
  [MODS]       comma separated: rc (compare the exit code only), nostdout,
               nostderr, sort (sort stdout's lines), keys[=DEPTH] (stdout
               is JSON: compare its set of keys to DEPTH, default 1, and the
               lengths of its lists, not its values), timeout=S
               e.g. "[keys] ps -a --format json", "[sort,nostderr] - ..."

Compared for each command: the exit code, stdout and the first non-empty
line of stderr (podman's '"/" is not a shared mount' warning, its image
copy progress and its pull retries dropped),
after normalising both: the engine's paths -> <ROOT> <RUNROOT> <HOME>
<XDG> <SCRATCH> <TMP>, 64 and 12 hex ids -> <ID>, absolute, RFC 3339 and
relative times -> <TIME>, sizes -> <SIZE>, generated adjective_name names
-> <NAME>, the engine's name -> <ENGINE>; then every run of blanks is
collapsed to one space and trailing blanks are dropped (the engines pad
table columns differently; the columns' order and headings still count).

Allow list (tests/compat/allow): "CASE[:LINE] PART REASON...", PART one of
rc, stdout, stderr; LINE the command's position in the case (1 = first
command line, "-" and "!" lines counted); no LINE: any command of the case.
"""
import json
import os
import re
import shlex
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ENGINES = ("pcon", "podman")


class Cmd:
    def __init__(self, text, lineno, fname):
        self.src = text
        self.where = "%s:%d" % (os.path.basename(fname), lineno)
        self.compare = True
        self.host = False
        self.mods = {}
        t = text
        m = re.match(r"^\[([^\]]*)\]\s*", t)
        if m:
            for mod in m.group(1).split(","):
                mod = mod.strip()
                if not mod:
                    continue
                k, _, v = mod.partition("=")
                if k not in ("rc", "nostdout", "nostderr", "sort", "keys", "timeout"):
                    raise SystemExit("%s: unknown modifier %r" % (self.where, k))
                self.mods[k] = v
            t = t[m.end():]
        if t.startswith("- "):
            self.compare = False
            t = t[2:].lstrip()
        if t.startswith("!"):
            self.host = True
            self.shell = t[1:].strip()
        else:
            try:
                self.argv = shlex.split(t)
            except ValueError as e:
                raise SystemExit("%s: %s" % (self.where, e))
        self.timeout = float(self.mods.get("timeout") or 60)


def load_cases(files):
    cases, names = [], set()
    for f in files:
        with open(f) as fh:
            for n, line in enumerate(fh, 1):
                line = line.rstrip("\n")
                s = line.strip()
                if not s or s.startswith("#"):
                    continue
                if s.startswith("== "):
                    name = s[3:].strip()
                    if name in names or not re.match(r"^[A-Za-z0-9._-]+$", name):
                        raise SystemExit("%s:%d: bad or repeated case name %r" % (f, n, name))
                    names.add(name)
                    cases.append((name, []))
                    continue
                if not cases:
                    raise SystemExit("%s:%d: a command before the first case" % (f, n))
                cases[-1][1].append(Cmd(s, n, f))
    return cases


def load_allow(path):
    allow = []
    if not os.path.exists(path):
        return allow
    with open(path) as fh:
        for n, line in enumerate(fh, 1):
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            parts = s.split(None, 2)
            if len(parts) < 3 or parts[1] not in ("rc", "stdout", "stderr"):
                raise SystemExit("%s:%d: want CASE[:LINE] rc|stdout|stderr REASON" % (path, n))
            case, _, ln = parts[0].partition(":")
            allow.append({"case": case, "line": int(ln) if ln else None, "part": parts[1],
                          "reason": parts[2], "text": s, "used": False, "n": n})
    return allow


class Engine:
    def __init__(self, name, binary, tmp):
        self.name = name
        self.binary = binary
        d = os.path.join(tmp, name)
        self.dir = d
        self.root, self.runroot = d + "/root", d + "/run"
        self.home, self.xdg, self.scratch = d + "/home", d + "/xdg", d + "/scratch"
        self.argv = [binary, "--root", self.root, "--runroot", self.runroot]
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
            "HOME": self.home,
            "XDG_RUNTIME_DIR": self.xdg,
            "CONTAINERS_CONF": os.path.join(tmp, "containers.conf"),
            "CONTAINERS_REGISTRIES_CONF": os.path.join(tmp, "registries.conf"),
            "TZ": "UTC",
            "LANG": "C",
            "SCRATCH": self.scratch,
            "ENGINE": " ".join(shlex.quote(a) for a in self.argv),
            "BB_TAR": os.environ.get("BB_TAR", ""),
        }
        real = os.path.realpath(binary)
        subs = [(binary, "<ENGINE>"), (real, "<ENGINE>"), (self.root, "<ROOT>"),
                (self.runroot, "<RUNROOT>"), (self.home, "<HOME>"), (self.xdg, "<XDG>"),
                (self.scratch, "<SCRATCH>"), (d, "<TMP>"), (tmp, "<TMP>")]
        if self.env["BB_TAR"]:
            subs.append((self.env["BB_TAR"], "<BB_TAR>"))
        self.subs = sorted(set(subs), key=lambda p: -len(p[0]))
        self.elapsed = 0.0
        self.slow = []

    def run(self, cmd):
        if cmd.host:
            argv = ["bash", "-c", cmd.shell]
        else:
            argv = self.argv + cmd.argv
        t0 = time.monotonic()
        try:
            p = subprocess.run(argv, env=self.env, cwd=self.scratch, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=cmd.timeout, start_new_session=True)
            rc, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            rc, out, err = "timeout", e.stdout or b"", (e.stderr or b"") + b"\n(timed out)"
        except OSError as e:
            rc, out, err = "not run", b"", str(e).encode()
        dt = time.monotonic() - t0
        self.elapsed += dt
        if dt > float(os.environ.get("COMPAT_SLOW", "3")):
            self.slow.append("%s %.1fs: %s" % (self.name, dt, cmd.src))
        return rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


HEX64 = re.compile(r"\b[0-9a-f]{64}\b")
HEX12 = re.compile(r"\b[0-9a-f]{12}\b")
HEXMID = re.compile(r"(?<![0-9a-zA-Z])[0-9a-f]{13,63}(?![0-9a-zA-Z])")
RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?( ?(Z|[+-]\d\d:?\d\d)( [A-Z]{3,5})?)?")
CTIME = re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d+ \d\d:\d\d:\d\d( [A-Z]{3,5})? \d{4}\b")
REL = re.compile(r"\b(Less than a second|About an? (minute|hour)|\d+ (second|minute|hour|day|week|month|year)s?)( ago)?\b")
SIZE = re.compile(r"\b\d+(\.\d+)? ?(B|kB|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\b")
NAME = re.compile(r"\b[a-z]{3,}_[a-z]{3,}\b")
ENGNAME = re.compile(r"\b(podman|Podman|pcon|Pcon|PCON|PODMAN)\b")
# podman's warnings about the host, and its image-copy progress (pcon prints
# none: the case progress-output keeps that difference on record)
NOISE = re.compile(r'"/" is not a shared mount|^(Getting image source signatures|Copying (blob|config) |'
                   r'Writing manifest to image destination|Storing signatures|Trying to pull )|'
                   r'level=warning msg="Failed, retrying in')


def normalise(text, eng):
    for path, tag in eng.subs:
        text = text.replace(path, tag)
    text = HEX64.sub("<ID>", text)
    text = HEX12.sub("<ID>", text)
    text = HEXMID.sub("<ID>", text)
    text = RFC3339.sub("<TIME>", text)
    text = CTIME.sub("<TIME>", text)
    text = REL.sub("<TIME>", text)
    text = SIZE.sub("<SIZE>", text)
    text = NAME.sub("<NAME>", text)
    text = ENGNAME.sub("<ENGINE>", text)
    lines = [re.sub(r"[ \t]+", " ", l).rstrip() for l in text.split("\n")]
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def json_keys(text, depth):
    try:
        v = json.loads(text) if text.strip() else None
    except ValueError:
        return ["<not JSON> " + text.strip().split("\n")[0][:100]]
    out = set()

    def walk(v, prefix, d):
        if isinstance(v, dict):
            if d == 0:
                return
            for k, x in v.items():
                out.add(prefix + "." + k)
                walk(x, prefix + "." + k, d - 1)
        elif isinstance(v, list):
            out.add("%s[] (%d)" % (prefix, len(v)) if prefix == "" else prefix + "[]")
            for x in v:
                walk(x, prefix + "[]", d)
    if v is None:
        return ["<empty>"]
    walk(v, "", depth)
    return sorted(out) if out else ["<%s>" % type(v).__name__]


def first_err(err, eng):
    for l in err.split("\n"):
        if not l.strip() or NOISE.search(l):
            continue
        return normalise(l, eng)[0] if normalise(l, eng) else ""
    return ""


def results_for(cmd, eng, res):
    rc, out, err = res
    if "keys" in cmd.mods:
        lines = json_keys(out, int(cmd.mods["keys"] or 1))
    else:
        lines = normalise(out, eng)
        if "sort" in cmd.mods:
            lines = sorted(lines)
    return {"rc": str(rc), "stdout": lines, "stderr": first_err(err, eng)}


def udiff(a, b):
    import difflib
    d = list(difflib.unified_diff(a, b, "pcon", "podman", lineterm="", n=1))
    if len(d) > 40:
        d = d[:40] + ["... (%d more lines)" % (len(d) - 40)]
    return d


def run_case(engines, cmds):
    """Both engines' sequences of the case at once, one thread each."""
    res = {e.name: [] for e in engines}

    def go(e):
        for c in cmds:
            res[e.name].append(e.run(c))
    ts = [threading.Thread(target=go, args=(e,)) for e in engines]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return res


def main():
    tmp = os.environ["COMPAT_TMP"]
    engines = [Engine("pcon", os.environ["COMPAT_PCON"], tmp),
               Engine("podman", os.environ.get("COMPAT_PODMAN", "podman"), tmp)]
    files = sys.argv[1:] or sorted(os.path.join(HERE, f) for f in os.listdir(HERE)
                                   if f.startswith("cases") and not f.endswith("~"))
    cases = load_cases(files)
    allow = load_allow(os.environ.get("COMPAT_ALLOW", os.path.join(HERE, "allow")))
    only = os.environ.get("COMPAT_ONLY")
    if only:
        cases = [c for c in cases if re.search(only, c[0])]
    names = {c[0] for c in load_cases(files)}
    stale = [a for a in allow if a["case"] not in names]
    verbose = os.environ.get("COMPAT_VERBOSE", "0") != "0"
    total = len(cases) + 1
    print("1..%d" % total, flush=True)
    passed = failed = 0
    t0 = time.monotonic()
    for i, (name, cmds) in enumerate(cases, 1):
        res = run_case(engines, cmds)
        diffs, notes = [], []
        for k, c in enumerate(cmds):
            if not c.compare:
                continue
            a = results_for(c, engines[0], res["pcon"][k])
            b = results_for(c, engines[1], res["podman"][k])
            parts = ["rc"] if "rc" in c.mods else ["rc", "stdout", "stderr"]
            for p in parts:
                if p == "stdout" and "nostdout" in c.mods or p == "stderr" and "nostderr" in c.mods:
                    continue
                if a[p] != b[p]:
                    diffs.append((k + 1, p, c, a[p], b[p], res["pcon"][k], res["podman"][k]))
        bad = []
        mine = [x for x in allow if x["case"] == name]
        for (ln, p, c, av, bv, ra, rb) in diffs:
            hit = [x for x in mine if x["part"] == p and x["line"] in (None, ln)]
            for x in hit:
                x["used"] = True
            if hit:
                notes.append("allowed: %s:%d %s (%s)" % (name, ln, p, hit[0]["reason"]))
            else:
                bad.append((ln, p, c, av, bv, ra, rb))
        unused = [x for x in mine if not x["used"]]
        tail = ""
        if unused:
            tail = " # allowed difference no longer occurs: remove it from allow: " + \
                "; ".join(x["text"].split(None, 2)[0] + " " + x["part"] for x in unused)
        if bad:
            failed += 1
            print("not ok %d %s%s" % (i, name, tail))
            for (ln, p, c, av, bv, ra, rb) in bad:
                print("# %s:%d %s differs: %s  (%s)" % (name, ln, p, c.src, c.where))
                if p == "stdout":
                    for l in udiff(av, bv):
                        print("#   " + l)
                else:
                    print("#   pcon:   %s" % av)
                    print("#   podman: %s" % bv)
                if p == "rc":
                    for e, r in (("pcon", ra), ("podman", rb)):
                        print("#   %s stderr: %s" % (e, first_err(r[2], engines[0]) or "(none)"))
        else:
            passed += 1
            print("ok %d %s%s" % (i, name, tail))
        if verbose:
            for n in notes:
                print("# " + n)
        if os.environ.get("COMPAT_VERBOSE") == "2":
            for k, c in enumerate(cmds):
                for e in engines:
                    rc, out, err = res[e.name][k]
                    print("#   [%s] %s -> rc %s" % (e.name, c.src, rc))
                    for l in out.rstrip("\n").split("\n") if out else []:
                        print("#     | " + l)
                    for l in err.rstrip("\n").split("\n") if err else []:
                        print("#     ! " + l)
        for e in engines:
            for l in e.slow:
                print("# slow: " + l)
            e.slow = []
        sys.stdout.flush()
    # the allow list names only cases that exist
    if stale:
        failed += 1
        print("not ok %d allow-list names only existing cases" % total)
        for a in stale:
            print("# allow:%d names no case: %s" % (a["n"], a["text"]))
    else:
        passed += 1
        print("ok %d allow-list names only existing cases" % total)
    print("# %.1fs in all; pcon's commands %.1fs, podman's %.1fs" %
          (time.monotonic() - t0, engines[0].elapsed, engines[1].elapsed))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
