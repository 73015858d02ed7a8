"""A subscription feed of the plan file (`runcal serve`): the standard library's HTTP server.

The file is re-read when its size, modification time or inode changes (`replan` replaces it
atomically, so a read never sees half a file). The ETag is a hash of the content, so a client
that asks again (If-None-Match, or If-Modified-Since) gets 304 until the plan really changes.
`charset=utf-8` matters: without it clients decode the feed as ISO-8859-1 and "—" is garbled.
Bound to 127.0.0.1 unless told otherwise: the plan holds the runner's week and profile.
"""

from __future__ import annotations

import email.utils
import hashlib
import ipaddress
import os
import sys
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .errors import CalendarError
from .inputs import read_bytes

CONTENT_TYPE = "text/calendar; charset=utf-8"
FIX = "give the .ics file that `runcal plan` wrote"


@dataclass(frozen=True)
class Snapshot:
    key: tuple[int, int, int]  # (mtime_ns, size, inode): when it changes, read again
    data: bytes
    etag: str
    last_modified: str
    mtime: int  # whole seconds, for If-Modified-Since


class PlanFile:
    """The plan file as last read; thread-safe."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._snapshot = self._read(self._stat())

    def current(self) -> Snapshot:
        with self._lock:
            try:
                key = self._stat()
                if key != self._snapshot.key:
                    self._snapshot = self._read(key)
            except CalendarError as exc:  # gone or broken for a moment: keep serving the last good copy
                print(f"runcal serve: {exc}; serving the copy read before", file=sys.stderr)
            return self._snapshot

    def _stat(self) -> tuple[int, int, int]:
        try:
            st = os.stat(self.path)
        except OSError as exc:
            raise CalendarError(str(self.path), "", f"cannot be read ({exc.strerror})", FIX) from None
        return st.st_mtime_ns, st.st_size, st.st_ino

    def _read(self, key: tuple[int, int, int]) -> Snapshot:
        data = read_bytes(self.path, "plan", CalendarError)  # a regular file within the plan's size cap
        if not data.lstrip().upper().startswith(b"BEGIN:VCALENDAR"):
            raise CalendarError(str(self.path), "", "is not an iCalendar file (no BEGIN:VCALENDAR)", FIX)
        mtime = key[0] // 1_000_000_000
        return Snapshot(key, data, f'"{hashlib.sha256(data).hexdigest()[:32]}"',
                        email.utils.formatdate(mtime, usegmt=True), mtime)


class FeedHandler(BaseHTTPRequestHandler):
    server_version = "runcal-feed"
    timeout = 30  # seconds a client may keep a connection (and its thread) idle
    plan: PlanFile  # set on the subclass made by make_server

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        self._answer(body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        path = self.path.split("?", 1)[0]
        if path not in ("/", f"/{self.plan.path.name}"):
            self.send_error(HTTPStatus.NOT_FOUND, f"the feed is at /{self.plan.path.name}")
            return
        snap = self.plan.current()
        if self._not_modified(snap):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._validators(snap)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(snap.data)))
        self._validators(snap)
        self.end_headers()
        if body:
            self.wfile.write(snap.data)

    def _validators(self, snap: Snapshot) -> None:
        self.send_header("ETag", snap.etag)
        self.send_header("Last-Modified", snap.last_modified)
        self.send_header("Cache-Control", "no-cache")  # revalidate: the 304 is cheap

    def _not_modified(self, snap: Snapshot) -> bool:
        """RFC 9110 §13.1: If-None-Match decides when present; else If-Modified-Since."""
        tags = self.headers.get("If-None-Match")
        if tags is not None:
            return tags.strip() == "*" or snap.etag in [t.strip().removeprefix("W/") for t in tags.split(",")]
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return snap.mtime <= int(email.utils.parsedate_to_datetime(since).timestamp())
            except (TypeError, ValueError):
                return False
        return False


def make_server(path: str | Path, host: str = "127.0.0.1", port: int = 8765) -> ThreadingHTTPServer:
    """A server for the plan file (not yet serving: call serve_forever). Bad input fails here."""
    plan = PlanFile(path)
    handler = type("PlanFeedHandler", (FeedHandler,), {"plan": plan})
    try:
        return ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise CalendarError(f"{host}:{port}", "", f"cannot listen there ({exc.strerror})",
                            "choose another --port (or --host)") from None


def url_of(server: ThreadingHTTPServer, path: str | Path) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/{Path(path).name}"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
