#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# A tiny DNS responder for the tests: every A question is answered with
# the given address (one record, TTL 60); anything else gets NXDOMAIN.
# usage: dns-server.py BIND_ADDR PORT ANSWER_ADDR
import socket, struct, sys

bind, port, answer = sys.argv[1], int(sys.argv[2]), socket.inet_aton(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((bind, port))
while True:
    data, peer = s.recvfrom(512)
    if len(data) < 12:
        continue
    qid, flags, qd = struct.unpack("!HHH", data[:6])
    # the question: labels up to the zero byte, then type and class
    end = data.index(b"\0", 12) + 5
    question = data[12:end]
    qtype = struct.unpack("!H", data[end - 4:end - 2])[0]
    if qtype == 1:
        head = struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0)
        rr = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + answer
        s.sendto(head + question + rr, peer)
    else:
        s.sendto(struct.pack("!HHHHHH", qid, 0x8183, 1, 0, 0, 0) + question, peer)
