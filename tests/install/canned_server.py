#!/usr/bin/env python3
"""A canned HTTP server for the install checks: answers every request with one wire fixture
(tests/data/fixtures/<endpoint>/<case>: response.body with the status and Content-Type of
response.meta). Prints its base URL on the first line of stdout, then serves until killed or
for at most --lifetime seconds (default 120)."""
import argparse
import http.server
import json
import pathlib
import sys
import threading


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("fixture", type=pathlib.Path)
    ap.add_argument("--lifetime", type=float, default=120.0)
    args = ap.parse_args()
    body = (args.fixture / "response.body").read_bytes()
    meta = json.loads((args.fixture / "response.meta").read_text())

    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            self.send_response(meta["status"])
            self.send_header("Content-Type", meta["content_type"])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = answer

        def log_message(self, *a) -> None:  # quiet
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"http://127.0.0.1:{srv.server_address[1]}", flush=True)
    timer = threading.Timer(args.lifetime, srv.shutdown)
    timer.daemon = True
    timer.start()
    srv.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
