#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# A tiny DNS responder for the tests: every A question is answered with
# the given address (one record, TTL 60); anything else gets NXDOMAIN.
# It answers over UDP and over TCP (each message after its 2-byte length,
# several on one connection), on the same port.
# usage: dns-server.py BIND_ADDR PORT ANSWER_ADDR
import socket, struct, sys, threading

bind, port, answer = sys.argv[1], int(sys.argv[2]), socket.inet_aton(sys.argv[3])


def respond(data):
    if len(data) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", data[:6])
    # the question: labels up to the zero byte, then type and class
    end = data.index(b"\0", 12) + 5
    question = data[12:end]
    qtype = struct.unpack("!H", data[end - 4:end - 2])[0]
    if qtype == 1:
        head = struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0)
        rr = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + answer
        return head + question + rr
    return struct.pack("!HHHHHH", qid, 0x8183, 1, 0, 0, 0) + question


def read_full(c, n):
    buf = b""
    while len(buf) < n:
        got = c.recv(n - len(buf))
        if not got:
            return None
        buf += got
    return buf


def tcp_client(c):
    with c:
        while True:
            head = read_full(c, 2)
            msg = head and read_full(c, struct.unpack("!H", head)[0])
            if not msg:
                return
            out = respond(msg)
            if out:
                c.sendall(struct.pack("!H", len(out)) + out)


def tcp_serve():
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind((bind, port))
    t.listen(8)
    while True:
        c, _ = t.accept()
        threading.Thread(target=tcp_client, args=(c,), daemon=True).start()


threading.Thread(target=tcp_serve, daemon=True).start()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((bind, port))
while True:
    data, peer = s.recvfrom(512)
    try:
        out = respond(data)
    except ValueError:
        continue
    if out:
        s.sendto(out, peer)
