#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Runs a command on a new pseudo-terminal of the given size, types the
# given input after a short wait, and prints what the terminal showed and
# the exit code: how the tests drive `pcon run -it` and `pcon exec -it`.
# usage: pty-run.py ROWS COLS INPUT CMD [ARG...]
import fcntl, os, pty, select, struct, sys, termios, time

rows, cols, data = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[4], sys.argv[4:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def read_some(timeout):
    """what the terminal has within timeout: None for nothing, b"" at its end"""
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return None
    try:
        return os.read(fd, 4096)
    except OSError:
        return b""


out = b""
deadline = time.time() + 20
sent = False
done, st = 0, 0
start = time.time()
while time.time() < deadline:
    if not sent and time.time() - start > 0.7:
        os.write(fd, data)
        sent = True
    chunk = read_some(0.1)
    if chunk == b"":
        break
    out += chunk or b""
    done, st = os.waitpid(pid, os.WNOHANG)
    if done and chunk is None:
        break
else:
    os.kill(pid, 9)
_, st = os.waitpid(pid, 0) if not done else (pid, st)
# what the command wrote between the last read and its exit
while (chunk := read_some(0.2)):
    out += chunk
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
print("\nexit=%d" % os.waitstatus_to_exitcode(st))
