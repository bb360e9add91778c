#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# A registry stand-in for the registry security tests, on a loopback
# address: it serves one small generated image (optionally with a flawed
# manifest), may demand Basic credentials and redirect requests elsewhere;
# with --trap it plays the host a redirect lands on, answering 401 with a
# Bearer realm of its own and handing out tokens there. Every request is
# logged as "METHOD PATH AUTHORIZATION" ("-" without one), so a test can
# tell what a client sent. The port goes to PORTFILE once it listens.
# usage: fake-registry.py PORTFILE LOG [--bind ADDR] [--tls CERT KEY]
#        [--basic USER:PASS] [--redirect-blobs URL] [--redirect-ping URL]
#        [--trap] [--flaw no-size|zero-size|big-config]
#        [--stall GATEFILE [--hostile]]
# --stall: the image's first layer is a file "early" and 1 MiB of noise
# ("late"), its blob sent half, then the rest once GATEFILE exists (a pull
# seen in the middle of a download); a second layer holds "second";
# --hostile names the first file "../escape".
import argparse, base64, http.server, json, os, random, re, ssl, sys, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from imagegen import OCI_MANIFEST, config_of, diff_ids, gzipped, manifest_of, sha, tar_of

ap = argparse.ArgumentParser()
ap.add_argument("portfile")
ap.add_argument("log")
ap.add_argument("--bind", default="127.0.0.1")
ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
ap.add_argument("--basic")
ap.add_argument("--redirect-blobs")
ap.add_argument("--redirect-ping")
ap.add_argument("--trap", action="store_true")
ap.add_argument("--flaw", choices=["no-size", "zero-size", "big-config"])
ap.add_argument("--stall")
ap.add_argument("--hostile", action="store_true")
args = ap.parse_args()


def image(flaw):
    """The manifest and blobs ({digest: bytes}); the same bytes every run,
    so two servers serve the same blobs."""
    if args.stall:
        noise = random.Random(1).randbytes(1 << 20)
        layers = [tar_of([("../escape" if args.hostile else "early", b"early\n"),
                          ("late", noise)]),
                  tar_of([("second", b"second\n")])]
    else:
        layers = [tar_of([("hello", b"hello from the fake registry\n")])]
    blobs = gzipped(layers)
    config = config_of(diff_ids(layers), ["/hello"])
    if flaw == "big-config":
        c = json.loads(config)
        c["config"]["Labels"] = {"padding": "x" * (5 << 20)}
        config = json.dumps(c).encode()
    m = json.loads(manifest_of(config, blobs))
    if flaw == "no-size":
        del m["layers"][0]["size"]
    elif flaw == "zero-size":
        m["layers"][0]["size"] = 0
    return json.dumps(m).encode(), {"sha256:" + sha(b): b for b in [config] + blobs}


MANIFEST, BLOBS = image(args.flaw)
LAYER = json.loads(MANIFEST)["layers"][0]["digest"]
log_lock = threading.Lock()


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def trap(self):
        scheme = "https" if args.tls else "http"
        realm = "%s://%s:%d/token" % (scheme, args.bind, self.server.server_address[1])
        if self.path.startswith("/token"):
            return self.reply(200, json.dumps({"token": "trap-token"}).encode(),
                              [("Content-Type", "application/json")])
        self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}',
                   [("WWW-Authenticate", 'Bearer realm="%s",service="trap"' % realm)])

    def registry(self):
        # the ping redirected before it is authenticated: a client meets
        # the other host's challenge first
        if self.path == "/v2/" and args.redirect_ping:
            return self.reply(307, headers=[("Location", args.redirect_ping + "/v2/")])
        if args.basic and self.headers.get("Authorization") != \
                "Basic " + base64.b64encode(args.basic.encode()).decode():
            return self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}',
                              [("WWW-Authenticate", 'Basic realm="fake"')])
        blob = re.search(r"/blobs/(sha256:[0-9a-f]{64})$", self.path)
        if self.path == "/v2/":
            return self.reply(200, b"{}", [("Content-Type", "application/json")])
        if re.fullmatch(r"/v2/.+/manifests/[^/]+", self.path):
            return self.reply(200, MANIFEST, [("Content-Type", OCI_MANIFEST)])
        if blob and args.redirect_blobs:
            return self.reply(307, headers=[("Location",
                                             args.redirect_blobs + "/blobs/" + blob.group(1))])
        if blob and blob.group(1) == LAYER and args.stall:
            return self.stalled(BLOBS[LAYER])
        if blob and blob.group(1) in BLOBS:
            return self.reply(200, BLOBS[blob.group(1)],
                              [("Content-Type", "application/octet-stream")])
        self.reply(404, b'{"errors":[{"code":"NOT_FOUND"}]}')

    def stalled(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        half = len(body) // 2
        self.wfile.write(body[:half])
        self.wfile.flush()
        while not os.path.exists(args.stall):
            time.sleep(0.05)
        self.wfile.write(body[half:])

    def do_GET(self):
        with log_lock, open(args.log, "a") as f:
            f.write("%s %s %s\n" % (self.command, self.path,
                                    self.headers.get("Authorization", "-")))
        self.trap() if args.trap else self.registry()

    do_HEAD = do_GET

    def log_message(self, *a):
        pass


srv = http.server.ThreadingHTTPServer((args.bind, 0), H)
srv.daemon_threads = True
if args.tls:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*args.tls)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
open(args.log, "a").close()
tmp = args.portfile + ".tmp"
with open(tmp, "w") as f:
    f.write("%d\n" % srv.server_address[1])
os.rename(tmp, args.portfile)
srv.serve_forever()
