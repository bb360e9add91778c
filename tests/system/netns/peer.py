#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# A second host for the client-address suite: tests/run.sh runs it as root
# in a network namespace of its own (pcon-peer), joined to the engine's
# namespace by a veth pair. The suite, as the test user, asks it over HTTP
# to be the remote client, so that connections really come from another
# host's address:
#   GET /who                 the address the request came from
#   GET /fetch?port=P&path=X the body of http://TARGET:P/X, fetched from here
#   GET /udp?port=P          "hello" sent to TARGET:P over UDP from here,
#                            the first reply (up to 5 tries)
# usage: peer.py BIND_ADDR PORT TARGET_ADDR (BIND_ADDR may be IPv6)
import http.server, socket, sys, urllib.parse, urllib.request

bind, port, target = sys.argv[1], int(sys.argv[2]), sys.argv[3]
# an IPv6 target in a URL is in brackets
url_host = "[%s]" % target if ":" in target else target
family = socket.AF_INET6 if ":" in target else socket.AF_INET


def udp(p):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.settimeout(2)
    try:
        for _ in range(5):
            s.sendto(b"hello", (target, p))
            try:
                return s.recvfrom(100)[0]
            except socket.timeout:
                pass
        return b"no reply"
    finally:
        s.close()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        code = 200
        try:
            if url.path == "/who":
                body = self.client_address[0].encode() + b"\n"
            elif url.path == "/fetch":
                with urllib.request.urlopen(
                        "http://%s:%d/%s" % (url_host, int(q["port"]), q.get("path", "").lstrip("/")),
                        timeout=10) as r:
                    body = r.read()
            elif url.path == "/udp":
                body = udp(int(q["port"]))
            else:
                code, body = 404, b"unknown\n"
        except Exception as e:  # the test reads what went wrong
            code, body = 502, ("%s\n" % e).encode()
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    # an IPv6 address binds an IPv6 socket (the suite's IPv6 peer)
    address_family = socket.AF_INET6 if ":" in bind else socket.AF_INET


Server((bind, port), Handler).serve_forever()
