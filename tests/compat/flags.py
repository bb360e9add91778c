#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compare podman's commands and flags with pcon's, from both engines' --help.

    python3 tests/compat/flags.py                  # write tests/compat/flags.md
    python3 tests/compat/flags.py --podman-cache   # use podman-4.3-flags.txt, not podman
    python3 tests/compat/flags.py --refresh        # rerun podman --help, rewrite the cache
    python3 tests/compat/flags.py --check 60       # exit 1 if pcon has < 60% of the flags
    python3 tests/compat/flags.py --list-missing   # "COMMAND --flag" / "COMMAND" lines

podman's side is every command under `podman --help` (groups recursively) and
the long flags of its Options: section; pcon's is `pcon CMD --help` for the
same command, parsed the same way.  Commands that are one command under
several names (ps = container ps = container list: same description, same
flags) are one row.  flags-reasons.txt lists what is out of scope, flags-missing.txt
why each missing one is.

Run as root, both engines run as --user (default pcontest): podman is never
run as root here.  pcon gets --root/--runroot in a temporary directory, so
its --help touches no real store (the script checks that it created nothing).
"""
import argparse
import concurrent.futures
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CACHE = os.path.join(HERE, "podman-4.3-flags.txt")
REASONS = os.path.join(HERE, "flags-reasons.txt")
MISSING = os.path.join(HERE, "flags-missing.txt")
OUTPUT = os.path.join(HERE, "flags.md")
GLOBAL = "(global)"
ENV = ["env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"]

SECTION = re.compile(r"^(\S[^:]*):\s*$")
# "  -a, --all ..." or "      --external ...": continuation lines are deeper
FLAG = re.compile(r"^(?:  -\S, |      )--([A-Za-z0-9][A-Za-z0-9_.-]*)")
SUBCMD = re.compile(r"^  (\S+)\s")


def parse_help(text):
    """-> dict: summary, description, usage, aliases, commands, flags"""
    out = {"summary": "", "description": "", "usage": "", "aliases": [],
           "commands": [], "flags": []}
    lines = text.splitlines()
    if lines:
        out["summary"] = lines[0].strip()
    section = None
    desc = []
    for line in lines[1:]:
        m = SECTION.match(line)
        if m:
            section = m.group(1).lower()
            continue
        if section == "description":
            desc.append(line.strip())
        elif section == "usage" and line.strip() and not out["usage"]:
            out["usage"] = line.strip()
        elif section == "aliases" and line.strip():
            out["aliases"] += [a.strip() for a in line.split(",") if a.strip()]
        elif section == "available commands":
            m = SUBCMD.match(line)
            if m and m.group(1) != "help":
                out["commands"].append(m.group(1))
        elif section in ("options", "flags", "global flags"):
            m = FLAG.match(line)
            if m and m.group(1) != "help" and m.group(1) not in out["flags"]:
                out["flags"].append(m.group(1))
    out["description"] = " ".join(d for d in desc if d)
    return out


class Runner:
    """Runs an engine as the test user (never podman as root)."""

    def __init__(self, user):
        self.prefix = []
        self.home = os.environ.get("HOME", "/")
        if os.geteuid() == 0:
            pw = pwd.getpwnam(user)
            self.prefix = ["runuser", "-u", user, "--"]
            self.home = pw.pw_dir
            self.uid, self.gid = pw.pw_uid, pw.pw_gid
        else:
            self.uid, self.gid = os.getuid(), os.getgid()

    def run(self, argv):
        cmd = self.prefix + ENV + ["HOME=" + self.home] + argv
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=60, cwd="/")
        return p.returncode, p.stdout, p.stderr


def walk(helpfn, parallel=8):
    """BFS over an engine's command tree: {path tuple: parsed help}."""
    found = {}
    todo = [()]
    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        while todo:
            results = list(pool.map(helpfn, todo))
            nxt = []
            for path, h in zip(todo, results):
                if h is None:
                    continue
                found[path] = h
                nxt += [path + (c,) for c in h["commands"]]
            todo = nxt
    return found


# ---------------------------------------------------------------- podman

def podman_live(runner, podman):
    version = runner.run([podman, "--version"])[1].split()[-1]

    def helpfn(path):
        rc, out, err = runner.run([podman] + list(path) + ["--help"])
        if rc != 0:
            print("flags.py: podman %s --help: exit %d: %s" % (" ".join(path), rc, err.strip()),
                  file=sys.stderr)
            return None
        return parse_help(out)

    tree = walk(helpfn)
    commands = {}  # name -> flags (leaves, and groups with flags of their own)
    groups = set()
    same = {}  # name -> primary name
    keys = {}
    for path, h in sorted(tree.items(), key=lambda kv: (len(kv[0]), kv[0])):
        name = " ".join(path) if path else GLOBAL
        if h["commands"] and path:
            groups.add(name)
            if not h["flags"]:
                continue
        commands[name] = h["flags"]
        if not path:
            continue
        key = (h["description"], h["summary"], tuple(sorted(h["flags"])))
        if key in keys and not h["commands"]:
            same[name] = keys[key]
        else:
            keys[key] = name
    return version, commands, groups, same


def write_cache(path, version, commands, groups, same):
    with open(path, "w") as f:
        f.write("# podman %s --help, parsed by tests/compat/flags.py --refresh: do not edit.\n"
                "# COMMAND --flag: a long flag of COMMAND's Options (--help left out)\n"
                "# COMMAND: a command without flags;  GROUP/: a command group\n"
                "# COMMAND = OTHER: the same command as OTHER (same description and flags)\n"
                "# (global): podman's global options\n" % version)
        f.write("# version %s\n" % version)
        for g in sorted(groups):
            f.write("%s/\n" % g)
        for name in order(commands):
            if not commands[name]:
                f.write("%s\n" % name)
            for fl in commands[name]:
                f.write("%s --%s\n" % (name, fl))
        for name in sorted(same):
            f.write("%s = %s\n" % (name, same[name]))


def read_cache(path):
    version, commands, groups, same = "?", {}, set(), {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# version "):
                version = line.split()[2]
            if not line.strip() or line.startswith("#"):
                continue
            if " = " in line:
                a, b = line.split(" = ", 1)
                same[a] = b
            elif line.endswith("/"):
                groups.add(line[:-1])
            elif " --" in line:
                name, fl = line.split(" --", 1)
                commands.setdefault(name, []).append(fl)
            else:
                commands.setdefault(line, [])
    return version, commands, groups, same


def order(names):
    return sorted(names, key=lambda n: (n != GLOBAL, n.split()))


# ---------------------------------------------------------------- pcon

def pcon_side(runner, pcon, names):
    """-> ({podman name: pcon flags or None}, pcon-only command names, created files)"""
    tmp = tempfile.mkdtemp(prefix="pcon-flags-")
    os.chown(tmp, runner.uid, runner.gid)
    os.chmod(tmp, 0o700)
    # a copy: the build may replace the binary while this runs
    shutil.copy2(pcon, tmp + "/pcon")
    os.chown(tmp + "/pcon", runner.uid, runner.gid)
    base = [tmp + "/pcon", "--root", tmp + "/root", "--runroot", tmp + "/run"]
    home_before = snapshot(runner.home)
    try:
        def helpfn(path):
            rc, out, err = runner.run(base + list(path) + ["--help"])
            if rc != 0:
                if "unrecognized command" not in err:
                    print("flags.py: pcon %s --help: exit %d: %s"
                          % (" ".join(path), rc, err.strip()), file=sys.stderr)
                return None
            h = parse_help(out)
            # a command that is not a group takes "systemd" as an operand
            # and prints its own help: `pcon generate systemd` is not
            # there if its Usage says only `pcon generate`
            words = []
            for w in h["usage"].split()[1:]:
                if not re.fullmatch(r"[a-z][a-z0-9-]*", w):
                    break
                words.append(w)
            if path and len(words) < len(path) and tuple(words) == path[:len(words)]:
                return None
            return h

        paths = [() if n == GLOBAL else tuple(n.split()) for n in names]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(helpfn, paths))
        have = {n: (None if h is None else h["flags"]) for n, h in zip(names, results)}
        # pcon's own commands: those no podman name reaches (by their Usage line)
        reached = {h["usage"].split("[")[0].split(" -")[0] for h in results if h}
        tree = walk(helpfn)
        pcon_only = sorted(" ".join(p) for p, h in tree.items()
                           if p and not h["commands"]
                           and h["usage"].split("[")[0].split(" -")[0] not in reached)
        created = []
        for dirpath, dirnames, filenames in os.walk(tmp):
            created += [os.path.join(dirpath, x) for x in dirnames + filenames
                        if os.path.join(dirpath, x) != tmp + "/pcon"]
        home_after = snapshot(runner.home)
        created += sorted(set(home_after) - set(home_before))
        created += sorted(p for p in home_before
                          if p in home_after and home_after[p] != home_before[p])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return have, pcon_only, created


def snapshot(top):
    """mtimes of the files pcon could create in $HOME (its default store, config)"""
    out = {}
    for sub in (".local/share/pcon", ".config/pcon", ".cache/pcon", ".local/share/containers"):
        d = os.path.join(top, sub)
        for dirpath, dirnames, filenames in os.walk(d):
            for x in dirnames + filenames:
                p = os.path.join(dirpath, x)
                try:
                    out[p] = os.lstat(p).st_mtime_ns
                except OSError:
                    pass
    return out


# ---------------------------------------------------------------- reasons

def read_reasons(path):
    """lines "COMMAND --flag reason" or "COMMAND * reason" -> ({(cmd, flag): why}, {cmd: why})"""
    flags, cmds = {}, {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            words = line.split()
            for i, w in enumerate(words):
                if w == "*" or w.startswith("--"):
                    break
            else:
                sys.exit("%s:%d: no --flag or * in: %s" % (path, n, line))
            cmd = " ".join(words[:i])
            why = " ".join(words[i + 1:])
            if not cmd or not why:
                sys.exit("%s:%d: want COMMAND --flag|* REASON: %s" % (path, n, line))
            if w == "*":
                cmds[cmd] = why
            else:
                flags[(cmd, w[2:])] = why
    return flags, cmds


def command_reason(name, cmds):
    words = name.split()
    for i in range(len(words), 0, -1):
        why = cmds.get(" ".join(words[:i]))
        if why is not None:
            return " ".join(words[:i]), why
    return None, None


# ---------------------------------------------------------------- report

def compare(commands, groups, same, have, reasons):
    flag_why, cmd_why = reasons
    names = {}  # primary -> all names
    for n in order(commands):
        names.setdefault(same.get(n, n), []).append(n)
    rows, out_cmds, out_flags = [], [], []
    seen_out = set()
    for primary, alln in names.items():
        scope, why = command_reason(primary, cmd_why)
        if why:
            if scope not in seen_out:
                seen_out.add(scope)
                subs = [x for x in names if x == scope or x.startswith(scope + " ")]
                out_cmds.append((scope, why, subs))
            continue
        podman = [f for f in commands[primary]]
        excluded = []
        for f in list(podman):
            w = next((flag_why[(x, f)] for x in alln if (x, f) in flag_why), None)
            if w:
                excluded.append(f)
                out_flags.append((primary, f, w))
        podman = [f for f in podman if f not in excluded]
        pcon_names = [x for x in alln if have.get(x) is not None]
        ours = set()
        for x in pcon_names:
            ours |= set(have[x])
        rows.append({
            "name": primary, "aliases": [x for x in alln if x != primary], "podman": podman,
            "has": [f for f in podman if f in ours],
            "missing": [f for f in podman if f not in ours],
            "present": bool(pcon_names),
            "lacks_names": [x for x in alln if have.get(x) is None] if pcon_names else [],
        })
    for name, f in flag_why:
        if name not in commands:
            print("flags.py: flags-reasons.txt: no podman command %r" % name, file=sys.stderr)
        elif f not in commands[name]:
            print("flags.py: flags-reasons.txt: podman %s has no --%s" % (name, f),
                  file=sys.stderr)
    for name in cmd_why:
        if name not in commands and name not in groups:
            print("flags.py: flags-reasons.txt: no podman command %r" % name, file=sys.stderr)
    return rows, out_cmds, out_flags


def totals(rows):
    cmds = [r for r in rows if r["name"] != GLOBAL]
    y = sum(len(r["podman"]) for r in cmds)
    x = sum(len(r["has"]) for r in cmds)
    pct = 100.0 * x / y if y else 100.0
    absent = [r for r in cmds if not r["present"]]
    return x, y, pct, len(cmds), absent


def missing_groups(rows, groups):
    """missing commands; a group whose commands all are missing as one ("GROUP", N)"""
    row_of = {}
    for r in rows:
        for n in [r["name"]] + r["aliases"]:
            row_of[n] = r
    out, done = [], []
    for g in sorted(groups, key=lambda g: len(g.split())):
        if any(g.startswith(d + " ") for d in done):
            continue
        under = {id(r): r for n, r in row_of.items() if n.startswith(g + " ")}
        if under and not any(r["present"] for r in under.values()):
            out.append((g, len(under)))
            done.append(g)
    for r in sorted(rows, key=lambda r: r["name"].split()):
        if not r["present"] and not any(r["name"].startswith(d + " ") for d in done):
            out.append((r["name"], 0))
    return sorted(out, key=lambda m: m[0].split())


def missing_reasons(rows, reasons):
    """(what, why) for each missing command and flag, in the table's order;
    warns of a missing one without a reason and of a reason for what pcon has"""
    flag_why, cmd_why = reasons
    out, used = [], set()
    for r in sorted(rows, key=lambda r: (r["name"] != GLOBAL, r["name"].split())):
        names = [r["name"]] + r["aliases"]
        if not r["present"]:
            scope, why = command_reason(r["name"], cmd_why)
            if scope:
                used.add(("*", scope))
                if scope == r["name"] or not any(w == scope for w, _ in out):
                    out.append((scope, why))
            else:
                print("flags.py: flags-missing.txt: no reason for the missing %s" % r["name"],
                      file=sys.stderr)
            continue
        for f in r["missing"]:
            key = next(((x, f) for x in names if (x, f) in flag_why), None)
            if key:
                used.add(key)
                out.append(("%s --%s" % (r["name"], f), flag_why[key]))
            else:
                print("flags.py: flags-missing.txt: no reason for %s --%s" % (r["name"], f),
                      file=sys.stderr)
    for k in flag_why:
        if k not in used:
            print("flags.py: flags-missing.txt: %s --%s is not missing" % k, file=sys.stderr)
    for c in cmd_why:
        if ("*", c) not in used:
            print("flags.py: flags-missing.txt: %s is not missing" % c, file=sys.stderr)
    return out


def md(version, source, rows, out_cmds, out_flags, groups, pcon_only, pcon_path, why_missing):
    x, y, pct, n, absent = totals(rows)
    glob = next((r for r in rows if r["name"] == GLOBAL), None)
    L = []
    L.append("# pcon vs podman %s: commands and flags\n" % version)
    L.append("pcon has %d of %d flags (%.1f%%) of the %d podman %s commands in scope; "
             "%d commands missing entirely\n" % (x, y, pct, n, short(version), len(absent)))
    if glob:
        L.append("Global options: pcon has %d of %d.\n" % (len(glob["has"]), len(glob["podman"])))
    L.append("Generated by `python3 tests/compat/flags.py` from `podman --help` (%s) and "
             "`pcon --help` (%s), for each command and command group; do not edit.  "
             "Flags are long names from the Options: section, `--help` left out.  "
             "A command with several names (same description, same flags) is one row, its "
             "other names in parentheses.  Out of scope: flags-reasons.txt, listed at the end.\n"
             % (source, pcon_path))
    L.append("## Commands\n")
    L.append("| command | pcon has | missing flags |")
    L.append("|---|---|---|")
    for r in sorted(rows, key=lambda r: (r["name"] != GLOBAL, r["name"].split())):
        name = "`%s`" % r["name"]
        if r["aliases"]:
            name += " (" + ", ".join("`%s`" % a for a in r["aliases"]) + ")"
        if not r["present"]:
            has = "**no command**"
            miss = "(%d flag%s)" % (len(r["podman"]), "s" if len(r["podman"]) > 1 else "") \
                if r["podman"] else ""
        else:
            has = "%d/%d" % (len(r["has"]), len(r["podman"]))
            miss = " ".join("--%s" % f for f in r["missing"])
            if r["lacks_names"]:
                miss = ("not as " + ", ".join("`%s`" % a for a in r["lacks_names"]) + "; "
                        + miss).rstrip("; ")
        L.append("| %s | %s | %s |" % (name, has, miss))
    L.append("")
    L.append("## podman commands pcon lacks\n")
    for g, k in missing_groups(rows, groups):
        L.append("- `%s`%s" % (g, (" (all %d commands)" % k if k > 1 else " (its one command)") if k else ""))
    L.append("")
    L.append("## Missing, and why\n")
    L.append("From `tests/compat/flags-missing.txt`.\n")
    for what, why in why_missing:
        L.append("- `%s`: %s" % (what, why))
    L.append("")
    if pcon_only:
        L.append("## pcon commands podman %s lacks\n" % short(version))
        L.append(", ".join("`%s`" % p for p in pcon_only) + "\n")
    L.append("## Out of scope (not counted)\n")
    L.append("From `tests/compat/flags-reasons.txt`.\n")
    for scope, why, subs in out_cmds:
        more = [s for s in subs if s != scope]
        L.append("- `%s`%s: %s" % (scope, " (%s)" % ", ".join(more) if more else "", why))
    for name, f, why in out_flags:
        L.append("- `%s --%s`: %s" % ("podman" if name == GLOBAL else name, f, why))
    L.append("")
    return "\n".join(L)


def short(version):
    return ".".join(version.split(".")[:2])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--podman-cache", action="store_true",
                    help="use podman-4.3-flags.txt instead of running podman")
    ap.add_argument("--refresh", action="store_true",
                    help="run podman --help and rewrite podman-4.3-flags.txt")
    ap.add_argument("--check", type=float, metavar="MIN_PERCENT",
                    help="print the summary; exit 1 if pcon has fewer percent of the flags")
    ap.add_argument("--list-missing", action="store_true",
                    help="print missing COMMAND --flag pairs (and missing COMMANDs)")
    ap.add_argument("--pcon", default=os.environ.get("PCON"), help="pcon binary")
    ap.add_argument("--podman", default="podman", help="podman binary")
    ap.add_argument("--user", default=os.environ.get("PCON_FLAGS_USER", "pcontest"),
                    help="run the engines as this user when run as root (default pcontest)")
    ap.add_argument("-o", "--output", default=OUTPUT, help="markdown file to write")
    a = ap.parse_args()

    runner = Runner(a.user)
    podman = shutil.which(a.podman)
    if a.refresh and not podman:
        sys.exit("flags.py: --refresh: no %s" % a.podman)
    if a.podman_cache or not podman:
        version, commands, groups, same = read_cache(CACHE)
        source = "cached in podman-4.3-flags.txt"
    else:
        version, commands, groups, same = podman_live(runner, podman)
        source = "podman " + version
        if a.refresh:
            write_cache(CACHE, version, commands, groups, same)
            print("flags.py: wrote %s" % os.path.relpath(CACHE), file=sys.stderr)
        elif os.path.exists(CACHE) and read_cache(CACHE)[1] != commands:
            print("flags.py: podman %s differs from podman-4.3-flags.txt (--refresh?)"
                  % version, file=sys.stderr)

    pcon = a.pcon
    if not pcon:
        for b in ("build-me", "build"):
            if os.access(os.path.join(REPO, b, "pcon"), os.X_OK):
                pcon = os.path.join(REPO, b, "pcon")
                break
    if not pcon or not os.access(pcon, os.X_OK):
        sys.exit("flags.py: no pcon binary (make; or --pcon PATH)")
    have, pcon_only, created = pcon_side(runner, pcon, list(commands))
    if created:
        print("flags.py: pcon --help created files: %s" % " ".join(created[:10]),
              file=sys.stderr)

    rows, out_cmds, out_flags = compare(commands, groups, same, have, read_reasons(REASONS))
    x, y, pct, n, absent = totals(rows)
    summary = ("pcon has %d of %d flags (%.1f%%) of the %d podman %s commands in scope; "
               "%d commands missing entirely" % (x, y, pct, n, short(version), len(absent)))
    if a.list_missing:
        for r in sorted(rows, key=lambda r: (r["name"] != GLOBAL, r["name"].split())):
            if not r["present"]:
                print(r["name"])
            for f in r["missing"]:
                print("%s --%s" % (r["name"], f))
            for alias in r["lacks_names"]:
                print("%s (another name of %s)" % (alias, r["name"]))
    if a.check is not None:
        print(summary)
        if pct < a.check:
            print("flags.py: %.1f%% < %g%%" % (pct, a.check), file=sys.stderr)
            return 1
    if a.check is None and not a.list_missing:
        rel = os.path.relpath(pcon, REPO) if pcon.startswith(REPO) else pcon
        with open(a.output, "w") as f:
            f.write(md(version, source, rows, out_cmds, out_flags, groups, pcon_only, rel,
                       missing_reasons(rows, read_reasons(MISSING))))
        print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
