#!/usr/bin/env python3
"""A tiny HTTPS fake of the OpenAI chat completions endpoint, for UpstreamTlsTest.

Standard library only. Binds 127.0.0.1 on a free port and prints exactly one line to stdout,
`listening on https://127.0.0.1:PORT`. Answers POST /v1/chat/completions with a small
chat.completion (with usage and Content-Length) over kept-alive HTTP/1.1 connections.
Writes one line to stderr per TCP connection (`connection N from HOST:PORT`) and one per failed
TLS handshake (`handshake N failed: REASON`), so a test can count connections.
Exits with status 0 on SIGTERM, or when its stdin reaches end of file if --exit-on-stdin-eof is
given (so it never outlives a test process that crashed).
"""

import argparse
import http.server
import itertools
import json
import os
import signal
import ssl
import sys
import threading

_connections = itertools.count(1)


def log(line):
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive unless the client asks to close
    server_version = "tls-upstream/1"

    def log_message(self, format, *args):  # quiet: stderr carries the connection lines only
        pass

    def _send_json(self, status, payload):
        body = json.dumps(payload, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status, message, code):
        self._send_json(status, {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path != "/v1/chat/completions":
            self._error(404, "Unknown path " + self.path, "not_found")
            return
        try:
            request = json.loads(raw or b"{}")
        except ValueError:
            self._error(400, "The body is not JSON.", "invalid_json")
            return
        self._send_json(200, {
            "id": "chatcmpl-tls-fake",
            "object": "chat.completion",
            "created": 1700000000,
            "model": request.get("model", ""),
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": "Hello over TLS."},
                "finish_reason": "stop",
            }],
            "usage": {"prompt_tokens": 11, "completion_tokens": 4, "total_tokens": 15},
        })

    def do_GET(self):
        self._error(405, "Only POST is supported.", "method_not_allowed")


class TlsServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, address, context):
        self.tls = context
        super().__init__(address, Handler)

    # The handshake runs in the connection's own thread, so a slow or failing client cannot stall
    # the accept loop.
    def finish_request(self, request, client_address):
        number = next(_connections)
        log("connection %d from %s:%d" % (number, client_address[0], client_address[1]))
        try:
            request.settimeout(30)
            tls = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as error:
            log("handshake %d failed: %s" % (number, error))
            return
        try:
            tls.settimeout(None)
            super().finish_request(tls, client_address)
        except OSError:
            pass
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        pass  # a peer that goes away mid-request is normal here


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cert", required=True, help="PEM server certificate (chain)")
    parser.add_argument("--key", required=True, help="PEM private key")
    parser.add_argument("--exit-on-stdin-eof", action="store_true", help="exit when stdin closes")
    args = parser.parse_args()

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    server = TlsServer(("127.0.0.1", 0), context)

    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    if args.exit_on_stdin_eof:
        def watch_stdin():
            while sys.stdin.buffer.read(4096):
                pass
            os._exit(0)
        threading.Thread(target=watch_stdin, daemon=True).start()

    sys.stdout.write("listening on https://127.0.0.1:%d\n" % server.server_address[1])
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
