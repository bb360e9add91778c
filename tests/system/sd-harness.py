#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Plays systemd's part for a generated unit, without systemd: reads the
# [Service] section's Exec lines as systemd does (continuation lines,
# quoting, %t, %n, %N and %% specifiers, $$, the - prefix), and runs them.
#   sd-harness.py start UNIT RUNTIME_DIR   ExecStartPre, then ExecStart with a
#       NOTIFY_SOCKET of its own; waits (10 s) for READY=1 and prints the
#       notifications received ("MAINPID=N", "READY=1"), one a line; for
#       Type=forking, waits for ExecStart to end and prints MAINPID= from
#       the PIDFile
#   sd-harness.py run UNIT RUNTIME_DIR KEY  runs the unit's KEY line(s)
#       (ExecStop, ExecStopPost), exits with the last one's status
# A template unit (NAME@.service) runs as the instance SD_INSTANCE names:
# NAME@INSTANCE.service, %i and %I the instance.
import os, socket, subprocess, sys, tempfile


def service_lines(path):
    lines, cur, section = [], "", None
    for raw in open(path).read().split("\n"):
        if raw.startswith("#") and not cur:
            continue
        if cur:
            cur += " " + raw.strip()
        else:
            cur = raw
        if cur.endswith("\\"):
            cur = cur[:-1]
            continue
        line, cur = cur.strip(), ""
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line:
            k, v = line.split("=", 1)
            lines.append((k, v))
    return lines


INSTANCE = os.environ.get("SD_INSTANCE", "")


def expand(word, unit, runtime):
    out, i = "", 0
    while i < len(word):
        c = word[i]
        if c == "%" and i + 1 < len(word):
            n = word[i + 1]
            out += {"%": "%", "t": runtime, "n": unit, "i": INSTANCE, "I": INSTANCE,
                    "N": unit.rsplit(".", 1)[0]}.get(n, "%" + n)
            i += 2
        elif c == "$" and word[i + 1:i + 2] == "$":
            out += "$"
            i += 2
        else:
            out += c
            i += 1
    return out


def split(value, unit, runtime):
    words, cur, i, quoted, have = [], "", 0, False, False
    while i < len(value):
        c = value[i]
        if quoted:
            if c == "\\" and i + 1 < len(value):
                n = value[i + 1]
                cur += {"n": "\n", "t": "\t"}.get(n, n)
                i += 2
                continue
            if c == '"':
                quoted = False
            else:
                cur += c
        elif c == '"':
            quoted, have = True, True
        elif c in " \t":
            if cur or have:
                words.append(cur)
            cur, have = "", False
        else:
            cur += c
        i += 1
    if cur or have:
        words.append(cur)
    words = [expand(w, unit, runtime) for w in words]
    # an Exec line's prefixes: "-" (failure ignored), "@", "+", "!", ":"
    while words and words[0][:1] in ("-", "@", "+", "!", ":") and len(words[0]) > 1 and words[0][1] in "/-@+!:":
        words[0] = words[0][1:]
    return words


def main():
    cmd, path, runtime = sys.argv[1], sys.argv[2], sys.argv[3]
    unit = os.path.basename(path)
    if unit.endswith("@.service"):
        unit = unit[:-len("@.service")] + "@" + INSTANCE + ".service"
    lines = service_lines(path)
    env = dict(os.environ)
    for k, v in lines:
        if k == "Environment":
            for w in split(v, unit, runtime):
                if "=" in w:
                    env[w.split("=", 1)[0]] = w.split("=", 1)[1]
    if cmd == "run":
        rc = 0
        for k, v in lines:
            if k == sys.argv[4]:
                rc = subprocess.call(split(v, unit, runtime), env=env)
        sys.exit(rc)
    sockdir = tempfile.mkdtemp(prefix="sdh-")
    sock_path = os.path.join(sockdir, "notify")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(sock_path)
    s.settimeout(10)
    env["NOTIFY_SOCKET"] = sock_path
    for k, v in lines:
        if k == "ExecStartPre":
            subprocess.check_call(split(v, unit, runtime), env=env, stdout=subprocess.DEVNULL)
    starts = [v for k, v in lines if k == "ExecStart"]
    if ("Type", "forking") in lines:
        # systemd waits for ExecStart to exit, then reads PIDFile
        rc = subprocess.call(split(starts[0], unit, runtime), env=env, stdout=subprocess.DEVNULL)
        pidfile = [split(v, unit, runtime)[0] for k, v in lines if k == "PIDFile"][0]
        if rc == 0:
            print("MAINPID=" + open(pidfile).read().strip())
        sys.exit(rc)
    proc = subprocess.Popen(split(starts[0], unit, runtime), env=env, stdout=subprocess.DEVNULL)
    got = []
    while "READY=1" not in got:
        try:
            data = s.recv(4096).decode()
        except socket.timeout:
            print("no READY=1 within 10 s", file=sys.stderr)
            sys.exit(1)
        got += data.split("\n")
    rc = proc.wait()
    for g in got:
        print(g)
    sys.exit(rc)


main()
