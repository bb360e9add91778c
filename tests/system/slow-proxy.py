#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# A throttling HTTP proxy in front of a registry on 127.0.0.1, for the
# crash tests: every response body is streamed in CHUNK-byte pieces (a
# manifest's in MANIFEST-CHUNK-byte ones), each after DELAY seconds, so a
# pull can be killed in the middle of any download. It listens on a free port of 127.0.0.1 and writes that port to
# PORTFILE once it accepts connections; LOG gets one line per request
# ("start PATH" when the body begins, "done PATH" when it was all sent).
# usage: slow-proxy.py UPSTREAM-PORT PORTFILE LOG [CHUNK [DELAY [MANIFEST-CHUNK]]]
import http.client, http.server, os, sys, threading, time

upstream = int(sys.argv[1])
portfile, logfile = sys.argv[2], sys.argv[3]
chunk = int(sys.argv[4]) if len(sys.argv) > 4 else 65536
delay = float(sys.argv[5]) if len(sys.argv) > 5 else 0.05
manifest_chunk = int(sys.argv[6]) if len(sys.argv) > 6 else chunk
log_lock = threading.Lock()
HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade", "te",
       "trailer", "proxy-authenticate", "proxy-authorization"}


def log(line):
    with log_lock, open(logfile, "a") as f:
        f.write(line + "\n")
        f.flush()


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection, as pcon does

    def forward(self, send_body):
        conn = http.client.HTTPConnection("127.0.0.1", upstream, timeout=60)
        headers = {}
        for k, v in self.headers.items():  # a repeated header (Accept) kept whole
            if k.lower() not in HOP:
                headers[k] = headers[k] + ", " + v if k in headers else v
        headers["Host"] = "127.0.0.1:%d" % upstream
        conn.request(self.command, self.path, headers=headers)
        resp = conn.getresponse()
        length = resp.getheader("Content-Length")
        body = None
        if length is None:
            body = resp.read()  # chunked or unknown: read it all, send its length
            length = str(len(body))
        self.send_response(resp.status, resp.reason)
        for k, v in resp.getheaders():
            if k.lower() not in HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", length)
        self.send_header("Connection", "close")
        self.end_headers()
        log("start %s %s" % (self.command, self.path))
        size = manifest_chunk if "/manifests/" in self.path else chunk
        sent = 0
        try:
            while send_body:
                data = body[sent:sent + size] if body is not None else resp.read(size)
                if not data:
                    break
                time.sleep(delay)
                self.wfile.write(data)
                self.wfile.flush()
                sent += len(data)
            log("done %s %s %d" % (self.command, self.path, sent))
        except (BrokenPipeError, ConnectionResetError):
            log("cut %s %s %d" % (self.command, self.path, sent))
        finally:
            conn.close()

    def do_GET(self):
        self.forward(True)

    def do_HEAD(self):
        self.forward(False)

    def log_message(self, fmt, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client killed mid-response is the point of this proxy


srv = Server(("127.0.0.1", 0), Proxy)
tmp = portfile + ".tmp"
with open(tmp, "w") as f:
    f.write("%d\n" % srv.server_address[1])
os.rename(tmp, portfile)
srv.serve_forever()
