"""A CalDAV server's answers are input too (issue 16): each is read to at most a calendar file's cap
(solver/calsync.py), whether it announces its length or streams without one, so a hostile or
broken server gets one line and exit code 2, with bounded memory, instead of filling it."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from bounded import NOW, assert_refused, runcal, workdir

from solver.calsync import MAX_RESPONSE
from solver.inputs import format_size

CHUNK = b"<!-- " + b"x" * (1024 * 1024 - 9) + b" -->"  # 1 MiB of well-formed XML comment


class Hostile(BaseHTTPRequestHandler):
    """Looks like a CalDAV server (OPTIONS names calendar-access), then answers PROPFIND/REPORT
    with more than runcal reads: `mode` "claims" (Content-Length of 4 GiB), "streams" (chunked,
    without end in sight) or "garbled" (chunked, with a chunk header that is not one)."""

    protocol_version = "HTTP/1.1"
    mode = "claims"

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def do_OPTIONS(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("DAV", "1, 2, calendar-access")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _huge(self) -> None:
        self.send_response(207)
        self.send_header("Content-Type", "application/xml; charset=utf-8")
        if self.mode == "claims":
            self.send_header("Content-Length", str(4 * 1024 ** 3))
            self.end_headers()
            self.wfile.write(b'<?xml version="1.0"?><multistatus xmlns="DAV:">')
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        head = b'<?xml version="1.0"?><multistatus xmlns="DAV:">'
        try:
            if self.mode == "garbled":
                self.wfile.write(head + b"\r\nnot a chunk size\r\n")
                return
            self.wfile.write(b"%x\r\n%s\r\n" % (len(head), head))
            for _ in range(MAX_RESPONSE // len(CHUNK) + 20):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK))
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: what it should do

    do_PROPFIND = do_REPORT = _huge  # noqa: N815


@pytest.fixture(params=["claims", "streams", "garbled"])
def server(request):
    handler = type("Handler", (Hostile,), {"mode": request.param})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/sam/calendar/", request.param
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("command", ["pull", "busy"])
def test_a_server_answer_larger_than_the_cap_is_refused(tmp_path, server, command):
    server, mode = server
    folder, _ = workdir(tmp_path)
    before = folder.snapshot()
    if command == "pull":
        run = runcal("pull", "--url", server, "-o", "out.ics", cwd=tmp_path)
    else:
        run = runcal("plan", "p.toml", "-o", "out.ics", "--now", NOW, "--busy", f"caldav+{server}", cwd=tmp_path)
    words = ("cannot be read",) if mode == "garbled" else (f"is larger than {format_size(MAX_RESPONSE)}",)
    assert_refused(run, server, "the server's answer", *words)
    assert folder.snapshot() == before
