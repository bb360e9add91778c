#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# A bearer-token realm for the registry tests: answers every GET with a
# token and logs the query (service and scope) it was asked for.
# usage: token-server.py PORT LOGFILE
import http.server, json, sys

port, log = int(sys.argv[1]), sys.argv[2]

class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(log, "a") as f:
            f.write(self.path + "\n")
        body = json.dumps({"token": "pcon-test-token"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass

http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
