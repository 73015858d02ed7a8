"""A real CalDAV server for tests: Radicale (PyPI `radicale`, in the test extra) as a subprocess on
127.0.0.1 with temporary storage, with or without htpasswd logins. Never skipped: CI installs it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

USER, PASSWORD = "sam", "correct horse, battery; staple"  # a comma and a semicolon: nothing may mangle it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Radicale:
    def __init__(self, folder: Path, auth: bool = False) -> None:
        self.folder = folder
        self.port = free_port()
        self.auth = auth
        folder.mkdir(parents=True, exist_ok=True)
        config = [f"[server]\nhosts = 127.0.0.1:{self.port}\n",
                  f"[storage]\nfilesystem_folder = {folder / 'collections'}\n",
                  "[logging]\nlevel = warning\n"]
        if auth:
            from passlib.hash import sha512_crypt  # Radicale's own dependency

            # Few rounds: Radicale checks the password on every request (the default costs ~0.5 s each).
            (folder / "users").write_text(f"{USER}:{sha512_crypt.using(rounds=1000).hash(PASSWORD)}\n")
            config.append(f"[auth]\ntype = htpasswd\nhtpasswd_filename = {folder / 'users'}\n"
                          "htpasswd_encryption = sha512\ndelay = 0\n")
        else:
            config.append("[auth]\ntype = none\n")
        (folder / "config").write_text("".join(config))
        self.log = open(folder / "radicale.log", "wb")
        self.process = subprocess.Popen([sys.executable, "-m", "radicale", "--config", str(folder / "config")],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        self._wait()
        # A real account has its calendar home before anything is pushed; Radicale makes it at the
        # first principal lookup. Without this a test's `push --create` worked only after some
        # earlier test had looked the principal up (a 409 when pytest-xdist ran it first).
        self.client().principal()

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def calendar_url(self, name: str) -> str:
        return f"{self.root}{USER}/{name}/"

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"radicale exited: {(self.folder / 'radicale.log').read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("radicale did not start within 30 s")

    def client(self):
        import caldav

        return caldav.DAVClient(url=self.root, username=USER, password=PASSWORD if self.auth else "x")

    def make_calendar(self, name: str):
        """A calendar made directly (not through runcal), e.g. the runner's work calendar."""
        return self.client().principal().make_calendar(name=name, cal_id=name)

    def objects(self, name: str) -> dict[str, tuple[str, str]]:
        """href -> (etag, data) of every object in the calendar, read back over CalDAV."""
        import caldav
        from caldav.elements import dav

        calendar = caldav.Calendar(self.client(), url=self.calendar_url(name))
        return {str(e.url): (str(e.props.get(dav.GetEtag.tag)), e.data) for e in calendar.get_events()}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
